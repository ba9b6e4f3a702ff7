import type { ListenAddress } from '../config/parse';
import { startRegistryServer, type RunningRegistryServer } from '../http/server';
import { loadTlsPair, type TlsPair } from '../tls/tls-pair';
import {
  EXIT_FAILURE,
  EXIT_OK,
  errorMessage,
  openStorage,
  type CliIo,
  type Names,
  type StorageFlags,
} from './cli-options';

/*
 * `serve` itself, loaded by its action: this module brings the server
 * (fastify) and the storage engines.
 */

export interface ServeFlags extends StorageFlags {
  listen: ListenAddress;
  tlsCert?: string;
  tlsKey?: string;
  bodyLimit: number;
  sweepInterval: number;
  tokenTtl: number;
  tokenRateLimit: number;
  tokenRateLimitGlobal: number;
  /** `false` with `--no-metrics`. */
  metrics: boolean;
  metricsListen?: ListenAddress;
  metricsPublic?: boolean;
  auditLog?: string;
  webhooksAllowPrivate?: boolean;
  webhooksAllowHttp?: boolean;
  webhooksPollInterval: number;
  logLevel: string;
}

function certificateLog(pair: TlsPair): Record<string, unknown> {
  const s = pair.summary;
  return {
    cert_file: pair.certFile,
    subject: s.subject,
    subject_alt_names: s.subjectAltNames,
    not_after: s.notAfter,
    serial: s.serialNumber,
  };
}

function certificateLine(pair: TlsPair): string {
  const s = pair.summary;
  return `${s.subject}; ${s.subjectAltNames.join(', ') || 'no subject alternative names'}; valid until ${s.notAfter}; serial ${s.serialNumber}`;
}

/** Logs a warning when the certificate is outside its validity: clients will refuse it. */
function warnIfOutOfDate(server: RunningRegistryServer, pair: TlsPair): void {
  const now = Date.now();
  const { notBefore, notAfter } = pair.summary;
  if (now > Date.parse(notAfter) || now < Date.parse(notBefore)) {
    server.app.log.warn(
      certificateLog(pair),
      `the certificate in ${pair.certFile} is valid only from ${notBefore} to ${notAfter}: clients will refuse it; ` +
        `put a current one in place and send SIGHUP`,
    );
  }
}

/**
 * On SIGHUP: reads both files again and serves new connections with them
 * (open ones keep theirs). A pair that fails its checks is logged, naming the
 * file, and the old pair stays.
 */
function reloadOnSighup(server: RunningRegistryServer, first: TlsPair): () => void {
  let current = first;
  let queue = Promise.resolve();
  const reload = async (): Promise<void> => {
    try {
      const pair = await loadTlsPair(current.certFile, current.keyFile);
      server.setSecureContext({ cert: pair.cert, key: pair.key });
      current = pair;
      server.app.log.info(
        certificateLog(pair),
        `SIGHUP: reloaded the certificate; now serving ${certificateLine(pair)}`,
      );
      warnIfOutOfDate(server, pair);
    } catch (error) {
      server.app.log.error(
        { cert_file: current.certFile, key_file: current.keyFile },
        `SIGHUP: kept the certificate served so far (${certificateLine(current)}): ${errorMessage(error)}`,
      );
    }
  };
  const onSighup = (): void => {
    queue = queue.then(reload);
  };
  process.on('SIGHUP', onSighup);
  return () => process.off('SIGHUP', onSighup);
}

/** Runs `serve` until SIGTERM/SIGINT; resolves with the exit code. */
export async function serve(flags: ServeFlags, io: CliIo, names: Names): Promise<number> {
  // The files first: a bad certificate fails at once, before waiting for a database.
  const tls =
    flags.tlsCert !== undefined && flags.tlsKey !== undefined
      ? await loadTlsPair(flags.tlsCert, flags.tlsKey)
      : undefined;
  const storage = await openStorage(flags, io, names);
  let server: RunningRegistryServer;
  try {
    server = await startRegistryServer({
      storage,
      host: flags.listen.host,
      port: flags.listen.port,
      bodyLimit: flags.bodyLimit,
      sweepIntervalMs: flags.sweepInterval,
      tokenTtlSeconds: Math.max(1, Math.round(flags.tokenTtl / 1000)),
      // The window keeps its default, one minute, which the flags' help speaks of.
      tokenRateLimit: { perClient: flags.tokenRateLimit, global: flags.tokenRateLimitGlobal },
      logger: { level: flags.logLevel },
      metrics: flags.metrics && {
        ...(flags.metricsListen ? { listen: flags.metricsListen } : {}),
        public: flags.metricsPublic === true,
      },
      ...(flags.auditLog ? { auditLog: flags.auditLog } : {}),
      webhooks: {
        allowPrivateTargets: flags.webhooksAllowPrivate === true,
        allowHttpTargets: flags.webhooksAllowHttp === true,
        pollIntervalMs: flags.webhooksPollInterval,
      },
      ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
    });
  } catch (error) {
    await storage.close();
    throw error;
  }
  const stopReloading = tls ? reloadOnSighup(server, tls) : () => undefined;
  if (tls) {
    server.app.log.info(certificateLog(tls), `serving HTTPS with ${certificateLine(tls)}`);
    warnIfOutOfDate(server, tls);
  }
  const { location } = await storage.service.getRegistry();
  server.app.log.info(
    {
      engine: storage.engine,
      url: server.url,
      ...(server.metricsUrl ? { metrics_url: server.metricsUrl } : {}),
      organization_id: location.organization_id,
      project_id: location.project_id,
    },
    `imprint registry ready at ${server.url} (${storage.engine}); ` +
      `HCP_ORGANIZATION_ID=${location.organization_id} HCP_PROJECT_ID=${location.project_id}`,
  );

  return new Promise<number>((resolve) => {
    let closing = false;
    const finish = (code: number): void => {
      stopReloading();
      process.off('SIGTERM', shutdown);
      process.off('SIGINT', shutdown);
      resolve(code);
    };
    function shutdown(signal: NodeJS.Signals): void {
      if (closing) {
        io.stderr(`${names.path}: ${signal} again, exiting without waiting\n`);
        finish(EXIT_FAILURE);
        return;
      }
      closing = true;
      server.app.log.info({ signal }, 'shutting down: finishing in-flight requests');
      const force = setTimeout(() => {
        io.stderr(`${names.path}: shutdown took longer than 30s, exiting\n`);
        finish(EXIT_FAILURE);
      }, 30_000);
      force.unref();
      server
        .close()
        .then(() => storage.close())
        .then(() => {
          clearTimeout(force);
          finish(EXIT_OK);
        })
        .catch((error: unknown) => {
          io.stderr(`${names.path}: error while shutting down: ${errorMessage(error)}\n`);
          finish(EXIT_FAILURE);
        });
    }
    process.on('SIGTERM', shutdown);
    process.on('SIGINT', shutdown);
  });
}
