import { existsSync } from 'node:fs';
import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { RegistryErrors } from '../errors/registry-errors';
import { namedPlugin } from './plugin';

/** Options of {@link consoleRoutes}. */
export type ConsoleRoutesOptions = {
  /** The console's built assets; `undefined` finds them (see {@link locateConsoleDist}); `false` serves nothing. */
  readonly consoleDir?: string | false;
};

/** The page holds no data (API calls carry the auth), so it is public; these headers lock it down. */
/** What a file name in the console's build looks like (Vite writes `assets/<name>-<hash>.<ext>`). */
const ASSET_PATH = /^[\w.-]+(?:\/[\w.-]+)*$/;

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const MISSING_DIST_MESSAGE =
  'The web console is not built. Run `npm run build -w @imprint/console` and reload; the API works without it.';

/**
 * The copy of the console's build that `npm pack` puts into this package
 * (`scripts/bundle-console.js`), beside `dist/` (and `src/`).
 */
const BUNDLED_CONSOLE_DIR = path.join(__dirname, '..', '..', 'console');

/**
 * Where the console's built assets are: in this repository, the console
 * workspace's own build (never a copy that may be stale); in an installed
 * package, the copy it ships. `undefined` when neither exists.
 */
export function locateConsoleDist(): string | undefined {
  try {
    return path.join(path.dirname(require.resolve('@imprint/console/package.json')), 'dist');
  } catch {
    return existsSync(BUNDLED_CONSOLE_DIR) ? BUNDLED_CONSOLE_DIR : undefined;
  }
}

function secure(reply: FastifyReply): FastifyReply {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
  return reply;
}

/**
 * Serves the web console (`@imprint/console`'s `dist`): `/` is `index.html`,
 * `/assets/*` the hashed, immutable bundles. A missing build answers 503 with
 * how to build it, instead of failing the server.
 */
export const consoleRoutes = namedPlugin<ConsoleRoutesOptions>(
  'imprint-console',
  async (app, options) => {
    if (options.consoleDir === false) return;
    const dir = path.resolve(
      options.consoleDir ?? locateConsoleDist() ?? 'imprint-console-dist-missing',
    );
    const built = (): boolean => existsSync(path.join(dir, 'index.html'));
    if (!built()) app.log.warn({ consoleDir: dir }, MISSING_DIST_MESSAGE);

    await app.register(fastifyStatic, {
      root: dir,
      serve: false,
      index: false,
      dotfiles: 'deny',
    });

    app.get(
      '/',
      { config: { access: 'public' }, schema: { hide: true } },
      async (_request, reply) => {
        secure(reply);
        if (!built()) {
          return reply
            .code(503)
            .header('cache-control', 'no-store')
            .type('text/html; charset=utf-8')
            .send(
              `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Imprint registry</title></head>` +
                `<body><h1>Imprint registry</h1><p>${MISSING_DIST_MESSAGE.replace(/`([^`]+)`/g, '<code>$1</code>')}</p></body></html>`,
            );
        }
        return reply
          .header('cache-control', 'no-cache')
          .sendFile('index.html', dir, { cacheControl: false });
      },
    );

    app.get<{ Params: { '*': string } }>(
      '/assets/*',
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        secure(reply);
        const asset = request.params['*'];
        // Built assets are plain file names; anything else (`..`, `\\`, NUL) is not one of them.
        if (!ASSET_PATH.test(asset) || asset.split('/').includes('..')) {
          throw new RegistryErrors.ConsoleAssetNotFound({ asset });
        }
        return reply.sendFile(path.posix.join('assets', asset), dir, {
          immutable: true,
          maxAge: '365d',
          cacheControl: true,
        });
      },
    );
  },
);
