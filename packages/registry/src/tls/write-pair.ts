import { X509Certificate } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { TLS_CERT_FILE_NAME, TLS_KEY_FILE_NAME } from '../config/defaults';
import { createSelfSignedPair, type SelfSignedOptions } from './self-signed';
import { summarizeCertificate, type CertificateSummary } from './tls-pair';

/** `tls create` found a pair it would overwrite, and `--force` was not given. */
export class TlsPairExistsError extends Error {
  constructor(readonly files: readonly string[]) {
    super(
      `${files.join(' and ')} already ${files.length > 1 ? 'exist' : 'exists'}: ` +
        `pass --force to replace ${files.length > 1 ? 'them' : 'it'} (clients that trust the old ` +
        `certificate must then be given the new one), or --out DIR to write elsewhere`,
    );
    this.name = 'TlsPairExistsError';
  }
}

/** Where {@link writeSelfSignedPair} wrote, and what. */
export interface WrittenPair {
  readonly certFile: string;
  readonly keyFile: string;
  readonly summary: CertificateSummary;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Writes `data` to `file` through a new file beside it and a rename: the file
 * is never seen half written, and gets `mode` even when it replaces one.
 */
async function writeAtomically(file: string, data: string, mode: number): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(temporary, data, { mode, flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Makes a self-signed pair and writes `cert.pem` (0644) and `key.pem` (0600)
 * into `outDir` (created 0700 if missing). Refuses with
 * {@link TlsPairExistsError} to replace either file unless `force`.
 */
export async function writeSelfSignedPair(
  options: SelfSignedOptions & { readonly outDir: string; readonly force: boolean },
): Promise<WrittenPair> {
  const outDir = path.resolve(options.outDir);
  const certFile = path.join(outDir, TLS_CERT_FILE_NAME);
  const keyFile = path.join(outDir, TLS_KEY_FILE_NAME);
  if (!options.force) {
    const present = [];
    for (const file of [certFile, keyFile]) if (await exists(file)) present.push(file);
    if (present.length > 0) throw new TlsPairExistsError(present);
  }
  const pair = await createSelfSignedPair(options);
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  // The key first: a certificate without its key would be served by nobody.
  await writeAtomically(keyFile, pair.key, 0o600);
  await writeAtomically(certFile, pair.cert, 0o644);
  return { certFile, keyFile, summary: summarizeCertificate(new X509Certificate(pair.cert)) };
}
