import { isIP } from 'node:net';
import { ConfigValueError } from '../config/parse';

/*
 * The hosts a certificate of `tls create` names (`--host`); light, since the
 * flag is parsed before the command loads @peculiar/x509.
 */

/** A name (a DNS SAN) or an IPv4/IPv6 address (an IP SAN: Go checks IP addresses only against IP SANs). */
export interface TlsHost {
  readonly type: 'dns' | 'ip';
  readonly value: string;
}

/** The hosts of a pair made without `--host`. */
export const DEFAULT_TLS_HOSTS: readonly TlsHost[] = Object.freeze([
  { type: 'dns', value: 'localhost' },
  { type: 'ip', value: '127.0.0.1' },
  { type: 'ip', value: '::1' },
]);

const DNS_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** Parses a `--host` value: an IP address (IPv6 optionally in brackets) or a DNS name (`*.` allowed first). */
export function parseTlsHost(input: string): TlsHost {
  const text = input.trim().replace(/^\[(.*)\]$/, '$1');
  // A zone (fe80::1%eth0) has no place in a certificate.
  if (isIP(text) !== 0 && !text.includes('%')) return { type: 'ip', value: text };
  const labels = text.replace(/\.$/, '').split('.');
  const valid =
    text.length <= 253 &&
    labels.every(
      (label, i) => DNS_LABEL.test(label) || (i === 0 && label === '*' && labels.length > 2),
    );
  if (!valid) {
    throw new ConfigValueError(
      `'${input}' is neither an IP address nor a DNS name (e.g. localhost, registry.example.com, 10.0.0.5, ::1)`,
    );
  }
  return { type: 'dns', value: text.replace(/\.$/, '').toLowerCase() };
}
