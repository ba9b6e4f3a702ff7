/* eslint-disable @typescript-eslint/no-require-imports */
import type * as Roles from '../auth/roles';
import type * as Domain from '../domain';
import type * as Availability from '../storage/availability';
import type * as TlsPair from '../tls/tls-pair';
import type * as WritePair from '../tls/write-pair';
import type * as ServeRun from './serve.run';

/*
 * What the commands run, each loaded the first time a command needs it (the
 * way `imprint`'s own CLI loads its heavy packages): the server and storage
 * engines (fastify, SQLite, PostgreSQL), the client's roles, @peculiar/x509.
 * `imprint-registry --help`, `--version` and usage errors load none of them.
 * `require`, not `import()`: the package compiles to CommonJS, where tsc keeps
 * `import()` as is, and jest runs CommonJS without ES module support.
 */

export const serveRun = (): typeof ServeRun => require('./serve.run');
export const domain = (): typeof Domain => require('../domain');
export const availability = (): typeof Availability => require('../storage/availability');
/** The roles are the client's (`@imprint/client`). */
export const roles = (): typeof Roles => require('../auth/roles');
/** Reading and checking PEM files (node:crypto only). */
export const tlsPair = (): typeof TlsPair => require('../tls/tls-pair');
/** Making a self-signed pair: @peculiar/x509. */
export const writePair = (): typeof WritePair => require('../tls/write-pair');
