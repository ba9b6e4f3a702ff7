import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import {
  CLIENT_KINDS,
  LEGACY_INSECURE_REFUSED,
  SHELLS,
  clientEnvironment,
  parseClientUrl,
  renderEnvironment,
  type ClientKind,
  type Shell,
} from '../config/client-env';
import { TLS_CERT_FILE_NAME, TLS_DIR_NAME } from '../config/defaults';
import { ConfigValueError, DEFAULT_LISTEN, parseListenAddress } from '../config/parse';
import {
  EXIT_OK,
  examples,
  parser,
  validateDatabaseUrl,
  withStorage,
  withStorageOptions,
  type CliIo,
  type Names,
  type StorageFlags,
  type CliContext,
} from './cli-options';
import { tlsPair } from './lazy';

interface EnvFlags extends StorageFlags {
  shell: Shell;
  client: ClientKind;
  url?: URL;
  tlsCert?: string;
  insecure?: boolean;
}

/** The URL `serve` with the same environment listens at: `$IMPRINT_LISTEN` or 127.0.0.1:8080, over https. */
function defaultUrl(env: NodeJS.ProcessEnv): URL {
  let listen = DEFAULT_LISTEN;
  if (env.IMPRINT_LISTEN) {
    try {
      listen = parseListenAddress(env.IMPRINT_LISTEN);
    } catch (error) {
      throw new ConfigValueError(
        `IMPRINT_LISTEN: ${(error as Error).message}; or give the URL with --url`,
      );
    }
  }
  // A server on every interface is reached here through loopback.
  const host = { '0.0.0.0': '127.0.0.1', '::': '::1' }[listen.host] ?? listen.host;
  return new URL(`https://${host.includes(':') ? `[${host}]` : host}:${listen.port}`);
}

/** `--tls-cert`, else the `tls create` default when it exists there. */
function certFileOf(flags: EnvFlags): string | undefined {
  if (flags.tlsCert !== undefined) return path.resolve(flags.tlsCert);
  const made = path.join(path.resolve(flags.dataDir), TLS_DIR_NAME, TLS_CERT_FILE_NAME);
  return existsSync(made) ? made : undefined;
}

async function printEnv(flags: EnvFlags, url: URL, io: CliIo, names: Names): Promise<number> {
  const certFile = certFileOf(flags);
  if (certFile !== undefined) {
    const certificate = await tlsPair().loadCertificate(certFile);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const named = isIP(host) ? certificate.checkIP(host) : certificate.checkHost(host);
    if (named === undefined) {
      io.stderr(
        `${names.path}: warning: ${certFile} is for ${certificate.subjectAltName ?? 'no names'}, not ${host}: ` +
          `clients will refuse it; make one with: ${names.path} tls create --host ${host} --force\n`,
      );
    }
  }
  return withStorage(flags, io, names, async (storage) => {
    const { location } = await storage.service.getRegistry();
    const where = flags.database ? 'postgres' : `sqlite in ${path.resolve(flags.dataDir)}`;
    const notes = [
      `Imprint registry at ${url.origin} (${where}).`,
      `Paste into the shell that runs Packer, tofu/terraform or imprint.`,
    ];
    const lines = clientEnvironment({
      url,
      organizationId: location.organization_id,
      projectId: location.project_id,
      insecure: flags.insecure === true,
      client: flags.client,
      notes,
      ...(certFile !== undefined ? { certFile } : {}),
    });
    io.stdout(renderEnvironment(lines, flags.shell));
    return EXIT_OK;
  });
}

/** `env`: the environment that points Packer, OpenTofu/Terraform and `imprint` at this registry. */
export function addEnvCommand(program: Command, { io, names, run: setResult }: CliContext): void {
  withStorageOptions(
    program
      .command('env')
      .description(
        'print the environment that points Packer, OpenTofu/Terraform and imprint at this registry',
      ),
    names,
  )
    .addOption(new Option('--shell <shell>', 'syntax of the output').choices(SHELLS).default('sh'))
    .addOption(
      new Option(
        '--client <client>',
        'current: Packer >= 1.10, OpenTofu/Terraform, imprint; packer-1.9: Packer v1.9.4 (2021-04-30 API)',
      )
        .choices(CLIENT_KINDS)
        .default('current'),
    )
    .addOption(
      new Option('--url <url>', 'the registry as clients reach it, https://HOST:PORT')
        .argParser(parser(parseClientUrl))
        .default(undefined, 'https:// and $IMPRINT_LISTEN, or https://127.0.0.1:8080'),
    )
    .addOption(
      new Option(
        '--tls-cert <file>',
        'the certificate clients should trust (default: <data dir>/tls/cert.pem when it exists)',
      ).env('IMPRINT_TLS_CERT'),
    )
    .addOption(
      new Option('--insecure', 'tell Packer and OpenTofu/Terraform not to check the certificate'),
    )
    .addHelpText(
      'after',
      examples(
        `eval "$(${names.path} env)"`,
        `${names.path} env --url https://registry.lan:8443 --tls-cert /etc/imprint/tls/cert.pem`,
        `${names.path} env --shell fish | source`,
        `eval "$(${names.path} env --client packer-1.9 --tls-cert ./tls/cert.pem)"`,
        `${names.path} env --shell powershell | Out-String | Invoke-Expression`,
      ),
    )
    .action((flags: EnvFlags) => {
      validateDatabaseUrl(flags.database);
      if (flags.client === 'packer-1.9' && flags.insecure === true) {
        throw new ConfigValueError(LEGACY_INSECURE_REFUSED);
      }
      const url = flags.url ?? defaultUrl(names.env);
      setResult(printEnv(flags, url, io, names));
    });
}
