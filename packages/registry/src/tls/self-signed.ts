import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { TlsHost } from './tls-host';

/*
 * A self-signed certificate for local use (`imprint-registry tls create`),
 * made by @peculiar/x509 (no hand-written ASN.1). It is its own root:
 * basicConstraints CA:true and keyCertSign, so a client trusts it by being
 * given the certificate itself (Go: SSL_CERT_FILE, Node: NODE_EXTRA_CA_CERTS).
 */

x509.cryptoProvider.set(webcrypto);

/** Options of {@link createSelfSignedPair}. */
export interface SelfSignedOptions {
  readonly hosts: readonly TlsHost[];
  readonly days: number;
  /** Default: now. */
  readonly now?: Date;
}

/** A PEM certificate and its PKCS #8 PEM private key. */
export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

/** Makes an ECDSA P-256 key and a SHA-256 self-signed certificate for `hosts`, valid `days` days. */
export async function createSelfSignedPair(options: SelfSignedOptions): Promise<PemPair> {
  if (options.hosts.length === 0) throw new TypeError('createSelfSignedPair: no hosts');
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const now = options.now ?? new Date();
  // A positive 128-bit serial (the top bit clear, the next one set: always 16 bytes).
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x40;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: `CN=${options.hosts[0].value}, O=Imprint registry (self-signed)`,
    // A little in the past, so that a client whose clock is behind accepts it at once.
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + options.days * 86_400_000),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        options.hosts.map((host) => ({ type: host.type, value: host.value })),
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    cert: certificate.toString('pem') + '\n',
    key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n',
  };
}
