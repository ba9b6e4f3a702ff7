import Module from 'node:module';
import * as path from 'node:path';

/*
 * Preloaded (`-r`, after ts-node) into a registry child process: resolves
 * `@imprint/<package>` to that package's TypeScript sources, as jest's
 * moduleNameMapper does, so a child runs the sources under test rather than
 * a `dist` that may predate them.
 */
const PACKAGES = path.resolve(__dirname, '..', '..', '..');
const WORKSPACE = /^@imprint\/(sdk|client|core|registry)(\/testing)?$/;
type Resolve = (request: string, ...rest: unknown[]) => string;
const moduleWithResolve = Module as unknown as { _resolveFilename: Resolve };
const resolve = moduleWithResolve._resolveFilename;
moduleWithResolve._resolveFilename = function (request: string, ...rest: unknown[]): string {
  const match = WORKSPACE.exec(request);
  const mapped = match
    ? path.join(PACKAGES, match[1], 'src', match[2] ? 'testing' : '', 'index.ts')
    : request;
  return resolve.call(this, mapped, ...rest);
};
