import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouteAccess } from '../../auth/roles';
import { isLoopbackHost } from '../../config/parse';
import type { RegistryMetrics } from './registry-metrics';

/** Where and whether `/metrics` is served: {@link RegistryServerOptions.metrics}. */
export interface RegistryMetricsOptions {
  /**
   * Serve `/metrics` on a listener of its own, without auth, instead of on
   * the main one. A host that is not loopback needs {@link public}.
   */
  readonly listen?: { readonly host: string; readonly port: number };
  /** Allow {@link listen} on a non-loopback address (anyone who reaches it reads the metrics). */
  readonly public?: boolean;
}

/** The path metrics are served at, on either listener. */
export const METRICS_PATH = '/metrics';

/**
 * Who may read `/metrics` on the main listener: anyone when the server
 * listens on loopback (only this machine reaches it), else a viewer or more
 * (a bearer token, through the auth plugin like every other route).
 */
export function metricsAccess(host: string): RouteAccess {
  return isLoopbackHost(host) ? 'public' : 'viewer';
}

/**
 * Checks {@link RegistryMetricsOptions} before anything starts: a separate
 * listener on a non-loopback host without `public` is refused, naming the way
 * to allow it (`flag`: how the caller spells it, `--metrics-public` on the CLI).
 */
export function checkMetricsOptions(
  options: RegistryMetricsOptions | false | undefined,
  flag = 'metrics.public',
): void {
  if (options === false || options === undefined) return;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('metrics must be false or an object { listen?, public? }');
  }
  const { listen } = options;
  if (listen === undefined) return;
  if (
    typeof listen.host !== 'string' ||
    listen.host === '' ||
    !Number.isSafeInteger(listen.port) ||
    listen.port < 0 ||
    listen.port > 65535
  ) {
    throw new TypeError('metrics.listen must be { host: string, port: 0-65535 }');
  }
  if (!isLoopbackHost(listen.host) && options.public !== true) {
    throw new TypeError(
      `the metrics listener on ${listen.host} would serve /metrics without authentication to ` +
        `anyone who reaches it: listen on a loopback address (127.0.0.1), or allow it with ${flag}`,
    );
  }
}

/** A running metrics listener. */
export interface MetricsListener {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (and `HEAD`) on `host:port` with plain `node:http`:
 * nothing else, no auth (see {@link checkMetricsOptions}), no request body read.
 */
export async function startMetricsListener(
  metrics: RegistryMetrics,
  listen: { readonly host: string; readonly port: number },
): Promise<MetricsListener> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== METRICS_PATH) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`only ${METRICS_PATH} here\n`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end();
      return;
    }
    metrics.render().then(
      (text) => {
        response.writeHead(200, { 'content-type': metrics.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return {
    url: `http://${host}:${port}${METRICS_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
