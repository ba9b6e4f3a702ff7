import type { FastifyRequest, RouteOptions } from 'fastify';
import type { Version } from '@imprint/client';
import type { RegistryService } from '../../domain/registry-contract';
import { isRevocationChange } from '../../resources/versions/versions.routes';
import { withoutGoZeroRevokeAt } from '../go-zero-time';
import type { RegistryMetrics } from './registry-metrics';

/*
 * Build completions, version completions and revocations, counted from the
 * route, the request body and the outcome rather than inside the domain
 * services: the counters stay out of the transactions, and only the few
 * routes that can change those things get a hook (attached per route below),
 * so reads such as GetChannel pay nothing. What the answer does not say
 * (whether the version completed, a revocation's kind) is read back after the
 * response has been sent.
 *
 * Not counted here: builds the stale-build sweeper cancels and scheduled
 * revocations it finds due (the sweeper counts those itself:
 * heartbeat-sweeper.ts), and revocations descendants inherit from a parent
 * revoked at once (`imprint_revocations_total` counts revoke requests).
 */

/** A version read back after a change. */
type Locate = (request: FastifyRequest) => Promise<Version>;

type Asked = 'done' | 'failed' | 'complete' | 'revoke';

interface Outcome {
  /** What the request asked for. */
  readonly asks: (request: FastifyRequest) => Asked | undefined;
  readonly locate: Locate;
  /** Reads the version before the change too: a completion counts only when it was v0. */
  readonly before?: boolean;
}

type Body = Record<string, unknown> | undefined;
type Params = Record<string, string>;

function buildStatusAsked(status: unknown): 'done' | 'failed' | undefined {
  if (status === 'BUILD_DONE' || status === 'DONE') return 'done';
  if (status === 'BUILD_FAILED' || status === 'FAILED') return 'failed';
  return undefined;
}

/** UpdateVersion / UpdateIteration: a revocation, a completion, or neither (a restore). */
function versionAsks(body: Body): 'complete' | 'revoke' | undefined {
  if (body === undefined || typeof body !== 'object') return undefined;
  const update = withoutGoZeroRevokeAt(body as { revoke_at?: string });
  if ((update as Body)?.revoke_at || (update as Body)?.revoke_in) return 'revoke';
  return isRevocationChange(update) ? undefined : 'complete';
}

function outcomes(service: RegistryService): Readonly<Record<string, Outcome>> {
  const byPath: Locate = async (request) => {
    const params = request.params as Params;
    return service.getVersion(params.bucket_name, params.fingerprint);
  };
  return {
    UpdateBuild: {
      asks: (request) => buildStatusAsked((request.body as Body)?.status),
      locate: byPath,
    },
    V2021_UpdateBuild: {
      asks: (request) => {
        const updates = (request.body as Body)?.updates as Body;
        return buildStatusAsked(updates?.status);
      },
      locate: async (request) => {
        const where = await service.locateBuild((request.params as Params).build_id);
        return service.getVersion(where.bucket_name, where.fingerprint);
      },
    },
    UpdateVersion: {
      asks: (request) => versionAsks(request.body as Body),
      locate: byPath,
      before: true,
    },
    V2021_UpdateIteration: {
      asks: (request) => versionAsks(request.body as Body),
      locate: (request) => service.findVersion({ id: (request.params as Params).iteration_id }),
      before: true,
    },
  };
}

const complete = (version: Version) => version.name !== 'v0';

/** How many completed version ids to remember, so concurrent last builds count once. */
const REMEMBERED_COMPLETIONS = 1024;

/**
 * The `onRoute` hook that adds the counting hooks to the routes in
 * {@link outcomes} as they are registered (so the metrics plugin is
 * registered before the routes).
 */
export function domainOutcomeHooks(
  metrics: RegistryMetrics,
  service: RegistryService,
): (route: RouteOptions) => void {
  const table = outcomes(service);
  const completed = new Set<string>();
  const countCompletion = (version: Version) => {
    if (!complete(version) || completed.has(version.id)) return;
    completed.add(version.id);
    if (completed.size > REMEMBERED_COMPLETIONS) {
      completed.delete(completed.values().next().value as string);
    }
    metrics.versionsCompleted.inc();
  };

  return (route) => {
    const operationId = (route.schema as { operationId?: string } | undefined)?.operationId;
    const outcome = operationId === undefined ? undefined : table[operationId];
    if (outcome === undefined) return;
    const wasV0 = new WeakMap<FastifyRequest, boolean>();

    const after = async (request: FastifyRequest, asks: Asked) => {
      if (asks === 'done' || asks === 'failed') {
        metrics.buildsCompleted.inc({ status: asks === 'done' ? 'BUILD_DONE' : 'BUILD_FAILED' });
        if (asks === 'failed') return;
      }
      if (asks === 'complete' && wasV0.get(request) !== true) return;
      const version = await outcome.locate(request);
      if (asks === 'revoke') {
        const scheduled = version.status === 'VERSION_REVOCATION_SCHEDULED';
        metrics.revocations.inc({ kind: scheduled ? 'scheduled' : 'immediate' });
      } else {
        countCompletion(version);
      }
    };

    // UpdateVersion may "complete" a version that already is: read it first (a rare request).
    const preHandler = (request: FastifyRequest, _reply: unknown, done: () => void) => {
      if (outcome.asks(request) !== 'complete') return done();
      outcome
        .locate(request)
        .then(
          (version) => wasV0.set(request, !complete(version)),
          () => undefined,
        )
        .finally(done);
    };
    const onResponse = (
      request: FastifyRequest,
      reply: { statusCode: number },
      done: () => void,
    ) => {
      const asks = reply.statusCode < 300 ? outcome.asks(request) : undefined;
      if (asks !== undefined) {
        after(request, asks).catch((error: unknown) =>
          request.log.warn({ err: error }, 'metrics: could not read back the changed version'),
        );
      }
      done();
    };
    route.onResponse = [...hooks(route.onResponse), onResponse] as RouteOptions['onResponse'];
    if (outcome.before) {
      route.preHandler = [...hooks(route.preHandler), preHandler] as RouteOptions['preHandler'];
    }
  };
}

function hooks(existing: unknown): unknown[] {
  if (existing === undefined) return [];
  return Array.isArray(existing) ? existing : [existing];
}
