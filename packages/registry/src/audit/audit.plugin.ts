import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuditEventTable } from '../storage/schema';
import { RegistryError } from '../errors/registry-error';
import { RegistryErrors } from '../errors/registry-errors';
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

  // After the auth plugin's onRequest (registered before this one), so the
  // caller is known; before the body is read and the handler runs. Fails
  // closed: no entry, no change (503 / REGISTRY_ERR_AUDIT_UNAVAILABLE).
  app.addHook('onRequest', (request, _reply, done) => {
    if (!MUTATING_METHODS.has(request.method) || !isProtected(request)) return done();
    const entry = entryOf(request);
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

  app.addHook('onError', (request, _reply, error, done) => {
    const reason = (error as { reason?: unknown }).reason ?? (error as { code?: unknown }).code;
    if (typeof reason === 'string') reasons.set(request, reason);
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
    // refused role, a failed token request.
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
 * The audit log: every mutating request (written before it runs, its
 * outcome after) and every failed authentication. Shares its hooks with the
 * whole server (`fastify-plugin`); register it after the auth plugin.
 */
export const auditPlugin = fp(audit, { name: 'imprint-audit', dependencies: ['imprint-auth'] });
