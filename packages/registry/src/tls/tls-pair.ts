import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createSecureContext } from 'node:tls';

/*
 * The certificate and key `serve --tls-cert/--tls-key` reads, at start and on
 * SIGHUP. Every check happens here, before the pair reaches the server, so
 * that a bad file is one line naming it and the fix, never a stack trace
 * from the TLS layer (and, on SIGHUP, never a server without a certificate).
 */

/** A `--tls-cert` / `--tls-key` file that cannot be served; the message names the file and the fix. */
export class TlsFileError extends Error {
  constructor(
    message: string,
    /** The file at fault. */
    readonly file: string,
  ) {
    super(message);
    this.name = 'TlsFileError';
  }
}

/** What the log says about a certificate. */
export interface CertificateSummary {
  readonly subject: string;
  /** e.g. `['DNS:localhost', 'IP Address:127.0.0.1']`. */
  readonly subjectAltNames: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
  /** Hex, upper case, as node:crypto prints it. */
  readonly serialNumber: string;
  readonly fingerprint256: string;
}

/** A checked pair, ready for the server. */
export interface TlsPair {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly certificate: X509Certificate;
  readonly summary: CertificateSummary;
}

const MAKE_ONE = 'make a pair for local use with: imprint-registry tls create';

/** Subject, SANs, validity and serial of `certificate`, for logs and the CLI. */
export function summarizeCertificate(certificate: X509Certificate): CertificateSummary {
  return {
    subject: certificate.subject.replace(/\n/g, ', '),
    subjectAltNames: (certificate.subjectAltName ?? '').split(', ').filter((name) => name !== ''),
    notBefore: new Date(certificate.validFrom).toISOString(),
    notAfter: new Date(certificate.validTo).toISOString(),
    serialNumber: certificate.serialNumber,
    fingerprint256: certificate.fingerprint256,
  };
}

async function readPem(file: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied (the registry must be able to read it)'
          : code === 'EISDIR'
            ? 'it is a directory, not a file'
            : (error as Error).message;
    throw new TlsFileError(`${flag} ${file}: cannot read it: ${why}; ${MAKE_ONE}`, file);
  }
}

function parseCertificate(pem: Buffer, file: string): X509Certificate {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new TlsFileError(
      `--tls-cert ${file}: not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line); ` +
        `give the certificate file, not the key (a DER file converts with: openssl x509 -inform der -in FILE -out cert.pem); ${MAKE_ONE}`,
      file,
    );
  }
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new TlsFileError(
      `--tls-cert ${file}: the certificate cannot be parsed (${(error as Error).message}); ${MAKE_ONE}`,
      file,
    );
  }
}

function parseKey(pem: Buffer, file: string): KeyObject {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem.toString('latin1'))) {
    throw new TlsFileError(
      `--tls-key ${file}: not a PEM private key (no "-----BEGIN ... PRIVATE KEY-----" line); ` +
        `give the key file, not the certificate; ${MAKE_ONE}`,
      file,
    );
  }
  if (pem.includes('ENCRYPTED')) {
    throw new TlsFileError(
      `--tls-key ${file}: the key is encrypted with a passphrase, which the registry cannot ask for; ` +
        `write it decrypted (readable by the registry's user only): openssl pkey -in ${file} -out key.pem`,
      file,
    );
  }
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new TlsFileError(
      `--tls-key ${file}: the private key cannot be parsed (${(error as Error).message}); ${MAKE_ONE}`,
      file,
    );
  }
}

/**
 * Reads and parses a PEM certificate (the first in the file), e.g. the one
 * `env --tls-cert` tells clients to trust. Throws {@link TlsFileError}.
 */
export async function loadCertificate(certFile: string): Promise<X509Certificate> {
  const file = path.resolve(certFile);
  return parseCertificate(await readPem(file, '--tls-cert'), file);
}

/**
 * Reads and checks a certificate and key: both PEM, the key unencrypted and
 * belonging to the certificate (the first in the file; intermediates may
 * follow it). Throws {@link TlsFileError} naming the file at fault.
 */
export async function loadTlsPair(certFile: string, keyFile: string): Promise<TlsPair> {
  const certPath = path.resolve(certFile);
  const keyPath = path.resolve(keyFile);
  const [cert, key] = await Promise.all([
    readPem(certPath, '--tls-cert'),
    readPem(keyPath, '--tls-key'),
  ]);
  const certificate = parseCertificate(cert, certPath);
  const privateKey = parseKey(key, keyPath);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new TlsFileError(
      `--tls-key ${keyPath} does not belong to the certificate in --tls-cert ${certPath} ` +
        `(${summarizeCertificate(certificate).subject}): give the key the certificate was made for, ` +
        `or make a new pair with: imprint-registry tls create --force`,
      keyPath,
    );
  }
  try {
    // What the TLS layer itself will do with them: anything it refuses fails here, not on a handshake.
    createSecureContext({ cert, key });
  } catch (error) {
    throw new TlsFileError(
      `--tls-cert ${certPath} / --tls-key ${keyPath}: the TLS layer refuses the pair (${(error as Error).message}); ${MAKE_ONE}`,
      certPath,
    );
  }
  return {
    certFile: certPath,
    keyFile: keyPath,
    cert,
    key,
    certificate,
    summary: summarizeCertificate(certificate),
  };
}
