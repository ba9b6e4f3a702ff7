import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { shellWord } from '../config/client-env';
import { DEFAULT_TLS_DAYS, MAX_TLS_DAYS, TLS_DIR_NAME } from '../config/defaults';
import { ConfigValueError } from '../config/parse';
import { DEFAULT_TLS_HOSTS, parseTlsHost, type TlsHost } from '../tls/tls-host';
import {
  EXIT_OK,
  EXIT_USAGE,
  dataDirOption,
  examples,
  parser,
  type CliIo,
  type Names,
  type CliContext,
} from './cli-options';
import { writePair } from './lazy';

interface TlsCreateFlags {
  dataDir: string;
  host: TlsHost[];
  out?: string;
  days: number;
  force?: boolean;
}

function parseDays(value: string): number {
  const days = /^\d{1,4}$/.test(value.trim()) ? Number(value) : NaN;
  if (!(days >= 1 && days <= MAX_TLS_DAYS)) {
    throw new ConfigValueError(
      `'${value}' is not a number of days from 1 to ${MAX_TLS_DAYS} ` +
        `(macOS, and Go programs there, refuse server certificates valid for longer)`,
    );
  }
  return days;
}

async function create(flags: TlsCreateFlags, io: CliIo, names: Names): Promise<number> {
  const { writeSelfSignedPair, TlsPairExistsError } = writePair();
  const hosts = flags.host.length > 0 ? flags.host : DEFAULT_TLS_HOSTS;
  const outDir = flags.out ?? path.join(flags.dataDir, TLS_DIR_NAME);
  let written;
  try {
    written = await writeSelfSignedPair({
      hosts,
      days: flags.days,
      outDir,
      force: flags.force === true,
    });
  } catch (error) {
    if (!(error instanceof TlsPairExistsError)) throw error;
    io.stderr(`${names.path}: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const cert = shellWord(written.certFile);
  const key = shellWord(written.keyFile);
  io.stdout(
    `Wrote a self-signed certificate for ${hosts.map((h) => h.value).join(', ')}, ` +
      `valid until ${written.summary.notAfter} (serial ${written.summary.serialNumber}):\n` +
      `  certificate: ${written.certFile}\n` +
      `  private key: ${written.keyFile} (mode 0600)\n` +
      `Serve HTTPS with it:\n` +
      `  ${names.path} serve --tls-cert ${cert} --tls-key ${key}\n` +
      `Print the environment for Packer, OpenTofu/Terraform and imprint:\n` +
      `  ${names.path} env --tls-cert ${cert}\n`,
  );
  return EXIT_OK;
}

/** `tls create`: a self-signed certificate and key for local HTTPS. */
export function addTlsCommands(program: Command, { io, names, run: setResult }: CliContext): void {
  const tls = program.command('tls').description('certificates for serving HTTPS');
  tls
    .command('create')
    .description(
      'write a self-signed certificate (its own root: trust it with SSL_CERT_FILE / NODE_EXTRA_CA_CERTS) and its key',
    )
    .addOption(dataDirOption(names, 'data directory; the pair goes to its tls/ unless --out'))
    .addOption(
      new Option(
        '--host <name-or-ip>',
        'a DNS name or IP address the certificate is for; repeat for more',
      )
        .argParser((value: string, previous: TlsHost[]) => [
          ...previous,
          parser(parseTlsHost)(value),
        ])
        .default([], 'localhost, 127.0.0.1, ::1'),
    )
    .addOption(
      new Option(
        '--out <dir>',
        'directory to write cert.pem and key.pem to (default: <data dir>/tls)',
      ),
    )
    .addOption(
      new Option('--days <n>', `how long the certificate is valid (at most ${MAX_TLS_DAYS})`)
        .argParser(parser(parseDays))
        .default(DEFAULT_TLS_DAYS),
    )
    .option('--force', 'replace an existing cert.pem / key.pem')
    .addHelpText(
      'after',
      examples(
        `${names.path} tls create`,
        `${names.path} tls create --host registry.lan --host 10.0.0.5 --out /etc/imprint/tls`,
        `${names.path} tls create --force --days 90`,
      ),
    )
    .action((flags: TlsCreateFlags) => {
      setResult(create(flags, io, names));
    });
}
