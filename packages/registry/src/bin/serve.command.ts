import { InvalidArgumentError, Option, type Command } from 'commander';
import {
  DEFAULT_BODY_LIMIT,
  DEFAULT_HEARTBEAT_TIMEOUT_MS,
  DEFAULT_SWEEP_INTERVAL_MS,
  DEFAULT_TOKEN_RATE_LIMIT_GLOBAL,
  DEFAULT_TOKEN_RATE_LIMIT_PER_CLIENT,
  DEFAULT_TOKEN_TTL_SECONDS,
} from '../config/defaults';
import {
  ConfigValueError,
  DEFAULT_LISTEN,
  isLoopbackHost,
  parseByteSize,
  parseListenAddress,
  parseUnsignedDurationMs,
} from '../config/parse';
import {
  examples,
  parser,
  validateDatabaseUrl,
  withStorageOptions,
  type CliContext,
} from './cli-options';
import { serveRun } from './lazy';
import type { ServeFlags } from './serve.run';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function positiveDuration(min: number, max: number, what: string): (value: string) => number {
  return parser((value) => {
    const ms = parseUnsignedDurationMs(value);
    if (ms < min || ms > max) {
      throw new ConfigValueError(`'${value}' is out of range: ${what}`);
    }
    return ms;
  });
}

/** A whole number of failed token requests per minute; `0` turns the limit off. */
function parseRequestCount(value: string): number {
  if (!/^\d{1,9}$/.test(value)) {
    throw new InvalidArgumentError('use a whole number of requests per minute (0 turns it off)');
  }
  return Number(value);
}

/** `--tls-cert` and `--tls-key` go together: one alone is a usage error naming the other. */
function checkTlsFlags(flags: { tlsCert?: string; tlsKey?: string }): void {
  if ((flags.tlsCert === undefined) === (flags.tlsKey === undefined)) return;
  const [given, missing] =
    flags.tlsCert === undefined ? ['--tls-key', '--tls-cert'] : ['--tls-cert', '--tls-key'];
  throw new ConfigValueError(
    `${missing} is missing: ${given} needs it (give both to serve HTTPS, or neither for plain HTTP; ` +
      `make a pair for local use with: imprint-registry tls create)`,
  );
}

/**
 * The metrics flags together: a separate listener off loopback serves
 * /metrics to anyone who reaches it, so it needs `--metrics-public`.
 */
function checkMetricsFlags(flags: ServeFlags): void {
  const listen = flags.metricsListen;
  if (flags.metrics === false && (listen !== undefined || flags.metricsPublic === true)) {
    throw new ConfigValueError(
      `--no-metrics turns metrics off: drop it, or drop ${listen !== undefined ? '--metrics-listen' : '--metrics-public'}`,
    );
  }
  if (flags.metricsPublic === true && listen === undefined) {
    throw new ConfigValueError(
      '--metrics-public applies to --metrics-listen: give the address to serve /metrics on, e.g. --metrics-listen 0.0.0.0:9464',
    );
  }
  if (listen !== undefined && !isLoopbackHost(listen.host) && flags.metricsPublic !== true) {
    throw new ConfigValueError(
      `--metrics-listen ${listen.host}:${listen.port} would serve /metrics without authentication to anyone ` +
        `who reaches it: listen on loopback (e.g. 127.0.0.1:9464), or add --metrics-public`,
    );
  }
}

/** `serve` (the default command): runs the HTTP(S) server until SIGTERM/SIGINT. */
export function addServeCommand(program: Command, { io, names, run: setResult }: CliContext): void {
  withStorageOptions(
    program
      .command('serve', { isDefault: true })
      .description('run the HTTP(S) server (the default command)'),
    names,
  )
    .addOption(
      new Option('--listen <host:port>', 'address to listen on; non-loopback needs a principal')
        .env('IMPRINT_LISTEN')
        .argParser(parser(parseListenAddress))
        .default(DEFAULT_LISTEN, `${DEFAULT_LISTEN.host}:${DEFAULT_LISTEN.port}`),
    )
    .addOption(
      new Option(
        '--tls-cert <file>',
        'serve HTTPS with this PEM certificate (with --tls-key; reloaded on SIGHUP)',
      ).env('IMPRINT_TLS_CERT'),
    )
    .addOption(
      new Option('--tls-key <file>', 'the PEM private key of --tls-cert').env('IMPRINT_TLS_KEY'),
    )
    .addOption(
      new Option('--heartbeat-timeout <duration>', 'cancel RUNNING builds silent this long')
        .argParser(positiveDuration(1000, 7 * 86_400_000, 'use 1s to 7d'))
        .default(DEFAULT_HEARTBEAT_TIMEOUT_MS, '5m'),
    )
    .addOption(
      new Option('--sweep-interval <duration>', 'how often to look for stale builds')
        .argParser(parser(parseUnsignedDurationMs))
        .default(DEFAULT_SWEEP_INTERVAL_MS, '1m'),
    )
    .addOption(
      new Option('--body-limit <size>', 'largest request body accepted')
        .argParser(parser(parseByteSize))
        .default(DEFAULT_BODY_LIMIT, '1mb'),
    )
    .addOption(
      new Option('--token-ttl <duration>', 'lifetime of issued bearer tokens')
        .argParser(positiveDuration(1000, 365 * 86_400_000, 'use 1s to 365d'))
        .default(DEFAULT_TOKEN_TTL_SECONDS * 1000, '1h'),
    )
    .addOption(
      new Option(
        '--token-rate-limit <n>',
        'failed token requests one client address may make per minute before 429 (0: no limit)',
      )
        .argParser(parseRequestCount)
        .default(DEFAULT_TOKEN_RATE_LIMIT_PER_CLIENT),
    )
    .addOption(
      new Option(
        '--token-rate-limit-global <n>',
        'failed token requests all clients together may make per minute before 429 (0: no limit)',
      )
        .argParser(parseRequestCount)
        .default(DEFAULT_TOKEN_RATE_LIMIT_GLOBAL),
    )
    .addOption(
      new Option(
        '--no-read-cache',
        'read every GetChannel/GetVersion from the database (default: cached until a write)',
      ),
    )
    .addOption(
      new Option(
        '--audit-log <file>',
        'also append each audit log entry to this file as a JSON line (the database stays the record)',
      ).env('IMPRINT_AUDIT_LOG'),
    )
    .addOption(
      new Option(
        '--metrics-listen <host:port>',
        'serve /metrics on this address instead, without auth (non-loopback needs --metrics-public)',
      )
        .env('IMPRINT_METRICS_LISTEN')
        .argParser(parser(parseListenAddress)),
    )
    .addOption(new Option('--metrics-public', 'allow --metrics-listen on a non-loopback address'))
    .addOption(new Option('--no-metrics', 'serve no /metrics and count nothing'))
    .addOption(
      new Option(
        '--webhooks-allow-private',
        'deliver webhooks to private, loopback and link-local addresses too (default: refused)',
      ),
    )
    .addOption(
      new Option(
        '--webhooks-allow-http',
        'accept plain http:// webhook targets (default: https only)',
      ),
    )
    .addOption(
      new Option(
        '--webhooks-poll-interval <duration>',
        'how often to deliver due webhooks (0s: this process delivers none)',
      )
        .argParser(parser(parseUnsignedDurationMs))
        .default(1000, '1s'),
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(LOG_LEVELS)
        .env('IMPRINT_LOG_LEVEL')
        .default('info'),
    )
    .addHelpText(
      'after',
      examples(
        `${names.path} serve`,
        `${names.path} serve --listen 127.0.0.1:9090 --data-dir /var/lib/imprint`,
        `${names.path} serve --listen 0.0.0.0:8080 --database postgres://imprint@db/imprint`,
        `${names.path} serve --tls-cert ~/.local/share/imprint/tls/cert.pem --tls-key ~/.local/share/imprint/tls/key.pem`,
      ),
    )
    .action((flags: ServeFlags) => {
      validateDatabaseUrl(flags.database);
      checkTlsFlags(flags);
      checkMetricsFlags(flags);
      setResult(serveRun().serve(flags, io, names));
    });
}
