import { ConfigValueError } from './parse';

/*
 * The environment `imprint-registry env` prints: what stock Packer and
 * OpenTofu/Terraform (through hcp-sdk-go's config.FromEnv) and `imprint` read
 * to reach this registry, in the syntax of the user's shell.
 */

/** Shells whose syntax `env` prints. */
export const SHELLS = ['sh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

/**
 * Clients `env --client` prints for: `current` (Packer >= 1.10 over
 * 2023-01-01, OpenTofu/Terraform, imprint) or `packer-1.9` (Packer v1.9.4:
 * hcp-sdk-go v0.36.0 and the 2021-04-30 API).
 */
export const CLIENT_KINDS = ['current', 'packer-1.9'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** Why `--insecure` cannot serve `packer-1.9`, as `env` says it. */
export const LEGACY_INSECURE_REFUSED =
  '--insecure cannot serve --client packer-1.9: hcp-sdk-go v0.36.0 has no HCP_AUTH_TLS and always ' +
  'verifies the token URL against the system roots; trust the certificate instead (SSL_CERT_FILE, ' +
  'from --tls-cert or imprint-registry tls create, with an IP SAN for 127.0.0.1)';

/** One line of the output: a variable, or a comment. */
export type EnvLine =
  { readonly name: string; readonly value: string } | { readonly comment: string };

/** Placeholders for the credentials, which `env` never knows (secrets are shown once, at creation). */
export const CLIENT_ID_PLACEHOLDER = '<client id from imprint-registry principals create>';
export const CLIENT_SECRET_PLACEHOLDER = '<client secret from imprint-registry principals create>';

/**
 * Parses `--url`: the registry's base URL as clients reach it. It must be
 * https (hcp-sdk-go refuses any other auth URL) and a bare origin: the SDK
 * puts its own paths (`/oauth2/token`, `/packer/...`) at the host's root.
 */
export function parseClientUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new ConfigValueError(
      `'${input}' is not a URL: use e.g. https://registry.example.com:8443`,
    );
  }
  if (url.protocol !== 'https:') {
    throw new ConfigValueError(
      `'${input}' is not https: hcp-sdk-go (Packer, OpenTofu/Terraform) only accepts an https auth URL; ` +
        `serve with --tls-cert and --tls-key (make a pair with: imprint-registry tls create)`,
    );
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') {
    throw new ConfigValueError(
      `'${input}' must be a bare https://HOST[:PORT]: clients put the token endpoint and the API at the host's root`,
    );
  }
  return url;
}

/** What {@link clientEnvironment} describes. */
export interface ClientEnvironmentInput {
  readonly url: URL;
  readonly organizationId: string;
  readonly projectId: string;
  /** The certificate clients should trust (absolute path), if one is known. */
  readonly certFile?: string;
  /** Print `HCP_API_TLS`/`HCP_AUTH_TLS=insecure` instead of trusting a certificate. */
  readonly insecure: boolean;
  /** Lines to put first (where the ids come from, warnings about the certificate). */
  readonly notes?: readonly string[];
  /** Default `current`. `packer-1.9` with `insecure` is refused (see {@link LEGACY_INSECURE_REFUSED}). */
  readonly client?: ClientKind;
}

/** The notes, then where hcp-sdk-go finds the registry (every hcp-sdk-go version reads these). */
function addressLines(input: ClientEnvironmentInput, heading: string): EnvLine[] {
  const port = input.url.port || '443';
  return [
    ...(input.notes ?? []).map((comment) => ({ comment })),
    { comment: heading },
    { name: 'HCP_API_ADDRESS', value: `${input.url.hostname}:${port}` },
    { name: 'HCP_AUTH_URL', value: input.url.origin },
    { name: 'HCP_ORGANIZATION_ID', value: input.organizationId },
    { name: 'HCP_PROJECT_ID', value: input.projectId },
  ];
}

/** The credentials placeholders and what `imprint` reads: the end of every client's output. */
function credentialsAndImprint(input: ClientEnvironmentInput, tokenCache: readonly string[]) {
  const lines: EnvLine[] = [
    {
      comment:
        'A principal of this registry: imprint-registry principals create --name ci --role contributor',
    },
    ...tokenCache.map((comment) => ({ comment })),
    { name: 'HCP_CLIENT_ID', value: CLIENT_ID_PLACEHOLDER },
    { name: 'HCP_CLIENT_SECRET', value: CLIENT_SECRET_PLACEHOLDER },
    {
      comment:
        'imprint (reads HCP_CLIENT_ID/HCP_CLIENT_SECRET when IMPRINT_CLIENT_ID/_SECRET are unset):',
    },
    { name: 'IMPRINT_REGISTRY_URL', value: input.url.origin },
  ];
  if (input.certFile !== undefined) {
    lines.push({ name: 'NODE_EXTRA_CA_CERTS', value: input.certFile });
  } else if (input.insecure) {
    lines.push({
      comment:
        'imprint has no insecure mode: give it the certificate with NODE_EXTRA_CA_CERTS=<cert.pem>.',
    });
  }
  return lines;
}

/**
 * Packer v1.9.4 (hcp-sdk-go v0.36.0): the same address variables, the
 * certificate through SSL_CERT_FILE only (v0.36.0 reads no HCP_AUTH_TLS and
 * no HCP_SKIP_STATUS_CHECK), and no token cache on disk.
 */
function legacyPackerEnvironment(input: ClientEnvironmentInput): EnvLine[] {
  if (input.insecure) throw new ConfigValueError(LEGACY_INSECURE_REFUSED);
  const lines = addressLines(input, 'Packer v1.9.4 (hcp-sdk-go v0.36.0, the 2021-04-30 API):');
  lines.push(
    { comment: 'No call to checkpoint.hashicorp.com on each run:' },
    { name: 'CHECKPOINT_DISABLE', value: '1' },
  );
  if (input.certFile !== undefined) {
    lines.push(
      {
        comment:
          'v0.36.0 verifies the token URL with the system roots only: SSL_CERT_FILE is how it trusts this certificate.',
      },
      { name: 'SSL_CERT_FILE', value: input.certFile },
    );
  } else {
    lines.push({
      comment:
        'No certificate given (--tls-cert, $IMPRINT_TLS_CERT, or cert.pem in <data dir>/tls): v0.36.0 has no insecure mode, so the certificate must chain to a system CA.',
    });
  }
  lines.push({
    comment:
      'A legacy JSON template has no hcp_packer_registry block: export HCP_PACKER_BUCKET_NAME=<bucket> per template (HCP_PACKER_BUILD_FINGERPRINT=<fingerprint> resumes a run).',
  });
  return [
    ...lines,
    ...credentialsAndImprint(input, [
      'v0.36.0 keeps no token cache on disk: each run, and each data source, gets a fresh token.',
    ]),
  ];
}

/** The variables and comments `imprint-registry env` prints, in order. */
export function clientEnvironment(input: ClientEnvironmentInput): EnvLine[] {
  if (input.client === 'packer-1.9') return legacyPackerEnvironment(input);
  const lines = addressLines(input, 'Packer and OpenTofu/Terraform (hcp-sdk-go):');
  lines.push({ name: 'HCP_SKIP_STATUS_CHECK', value: 'true' });
  if (input.insecure) {
    lines.push(
      { comment: 'Certificates are not checked (--insecure): anyone on the path can read tokens.' },
      { name: 'HCP_API_TLS', value: 'insecure' },
      { name: 'HCP_AUTH_TLS', value: 'insecure' },
    );
  } else if (input.certFile !== undefined) {
    lines.push(
      {
        comment:
          'Go trusts the certificate through SSL_CERT_FILE (Linux, BSD; on macOS add it to the keychain instead).',
      },
      {
        comment:
          'It replaces the default CA bundle file of Go and OpenSSL programs in this shell; Go on Linux still reads /etc/ssl/certs.',
      },
      { name: 'SSL_CERT_FILE', value: input.certFile },
    );
  } else {
    lines.push({
      comment:
        'No certificate given (--tls-cert, $IMPRINT_TLS_CERT, or cert.pem in <data dir>/tls): clients trust only their system CAs.',
    });
  }
  return [
    ...lines,
    ...credentialsAndImprint(input, [
      'hcp-sdk-go caches tokens in ~/.config/hcp/creds-cache.json keyed by client id, not by URL:',
      "never use a client id of real HCP here, nor this registry's with HCP, or the cached token goes to the wrong server.",
    ]),
  ];
}

/** `value` as one literal word of `shell`, whatever characters it holds. */
export function quoteForShell(value: string, shell: Shell): string {
  switch (shell) {
    case 'sh':
      // Nothing is special inside single quotes but the quote itself: close, escape, reopen.
      return `'${value.replace(/'/g, `'\\''`)}'`;
    case 'fish':
      // Inside fish's single quotes only \ and ' are special, each escaped with a backslash.
      return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
    case 'powershell':
      // PowerShell takes the typographic single quotes as quotes too; each is escaped by doubling.
      return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (c) => c + c)}'`;
  }
}

/** `lines` as `shell` code to paste or `eval`. Comments become `#` lines in all three. */
export function renderEnvironment(lines: readonly EnvLine[], shell: Shell): string {
  return lines
    .map((line) => {
      if ('comment' in line) return `# ${line.comment.replace(/\r?\n/g, ' ')}`;
      const value = quoteForShell(line.value, shell);
      if (shell === 'sh') return `export ${line.name}=${value}`;
      if (shell === 'fish') return `set -gx ${line.name} ${value}`;
      return `$Env:${line.name} = ${value}`;
    })
    .map((text) => `${text}\n`)
    .join('');
}

/** `value` as a word to show in a suggested `sh` command: bare when that is safe, else quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : quoteForShell(value, 'sh');
}
