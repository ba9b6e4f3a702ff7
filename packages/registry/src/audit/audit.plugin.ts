import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuditEventTable } from '../storage/schema';
import { RegistryError } from '../errors/registry-error';
import { RegistryErrors } from '../errors/registry-errors';
import { toRegistryError } from '../http/error-handler';
import { entryOf, MUTATING_METHODS, resultOf } from './audit-entry';
import type { AuditSink } from './audit-file-sink';
import { toAuditEvent, type AuditStore } from './audit-store';

export type AuditPluginOptions = {
  readonly store: AuditStore;
  readonly sink: AuditSink;
};

/** Whether a matched route needs a caller (the token endpoint and health checks do not). */
function isProtected(request: FastifyRequest): boolean {
  const access = request.routeOptions.config.access;
  return access !== undefined && access !== 'public';
}

const audit: FastifyPluginAsync<AuditPluginOptions> = async (app, { store, sink }) => {
  // Request → its entry written before the change, or `false` when writing it failed.
  const pending = new WeakMap<FastifyRequest, AuditEventTable | false>();
  const reasons = new WeakMap<FastifyRequest, string>();

  // preHandler, the last step before the handler: the caller is known (auth
  // runs in onRequest) and the body is parsed and has passed its schema, so a
  // create's entry can name what it creates (`resourceOf`). Nothing before
  // it changes anything (auth, the project check, parsing and validation
  // only read), and the handler runs only once this hook is done: still fail
  // closed, no entry, no change (503 / REGISTRY_ERR_AUDIT_UNAVAILABLE). A
  // request refused before this (401/403, a bad project, 413, a schema 400)
  // ran nothing; onResponse records it, from the path alone.
  app.addHook('preHandler', (request, _reply, done) => {
    if (!MUTATING_METHODS.has(request.method) || !isProtected(request)) return done();
    const entry = entryOf(request, true);
    store.begin(entry).then(
      (row) => {
        pending.set(request, row);
        done();
      },
      (error: unknown) => {
        pending.set(request, false);
        // The database being down is logged once, as a warning, by the storage
        // (and answered 503): an error line here would repeat it for every request.
        if (!(error instanceof RegistryError)) {
          request.log.error(
            { err: error },
            'cannot write the audit log entry: refusing the change',
          );
        }
        // The database down is its own answer (503, retried by clients); anything
        // else that stops the entry is the audit log's.
        done(
          error instanceof RegistryError
            ? error
            : new RegistryErrors.AuditUnavailable(
                { operation: entry.operation, why: (error as Error).message ?? String(error) },
                { cause: error },
              ),
        );
      },
    );
  });

  // onError sees what was thrown, before the error handler maps it: record
  // the reason the caller was answered (REGISTRY_ERR_BODY_TOO_LARGE, not
  // fastify's FST_ERR_CTP_BODY_TOO_LARGE). The body limit only shapes the message.
  app.addHook('onError', (request, _reply, error, done) => {
    reasons.set(request, toRegistryError(error, request, 0).reason);
    done();
  });

  // After the response: the outcome. A crash before this leaves `unknown`.
  // A callback hook that returns at once for reads that passed authentication:
  // it runs on every request (GetChannel included).
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const row = pending.get(request);
    if (row === false) return done();
    // Without an entry, only what nothing ran for: a failed authentication, a
    // refused role, a failed token request, a body refused (too large, or
    // against its schema). Its body is not read: it was never validated.
    const refused =
      status === 401 ||
      (status >= 400 && MUTATING_METHODS.has(request.method) && request.routeOptions.url);
    if (row === undefined && !refused) return done();
    const result = resultOf(status, reasons.get(request));
    const written = row ? store.finish(row, result) : store.record(entryOf(request), result);
    written.then(
      (finished) => {
        sink.write(toAuditEvent(finished));
        done();
      },
      (error: unknown) => {
        // With the database down the entry stays `unknown` (documented); the
        // storage has already warned that it is down.
        const level = error instanceof RegistryError ? 'warn' : 'error';
        request.log[level]({ err: error }, 'cannot record the outcome in the audit log');
        done();
      },
    );
  });

  app.addHook('onClose', async () => sink.close());
};

/**
 * The audit log: every mutating request (written once its body is
 * validated and before it runs, its outcome after) and every failed
 * authentication. Shares its hooks with the whole server
 * (`fastify-plugin`); register it after the auth plugin.
 */
export const auditPlugin = fp(audit, { name: 'imprint-audit', dependencies: ['imprint-auth'] });
