import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Actor, PrincipalStore } from '../domain/registry-contract';
import { RegistryErrors } from '../errors/registry-errors';
import type { EmbeddedMode } from './embedded-mode';
import { ANONYMOUS_ACTOR, hasRole, type Role, type RouteAccess } from './roles';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: a minimum role, or `public`. Every route must say. */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /**
     * The authenticated caller; set before the handler runs on non-public
     * routes (and on a refused one, for the audit log: the handler never runs).
     */
    actor: Actor | undefined;
  }
}

export type AuthPluginOptions = {
  readonly principals: PrincipalStore;
  readonly embedded: EmbeddedMode;
};

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]{1,2048})[ \t]*$/i;

/** The authenticated caller of a non-public route. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new RegistryErrors.Internal({ request_id: String(request.id) });
  return request.actor;
}

/** Throws 403 / code 7 unless `actor` has at least `needed`. */
export function requireRole(actor: Actor, needed: Role, operation: string): void {
  if (hasRole(actor.role, needed)) return;
  throw new RegistryErrors.PermissionDenied({
    principal: actor.name,
    role: actor.role,
    needed,
    operation,
  });
}

const auth: FastifyPluginAsync<AuthPluginOptions> = async (app, { principals, embedded }) => {
  app.decorateRequest('actor', undefined);

  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: unknown } | undefined)?.access;
    if (!['public', 'viewer', 'contributor', 'admin'].includes(access as string)) {
      throw new Error(
        `route ${String(route.method)} ${route.url} must declare config.access ` +
          `('public', 'viewer', 'contributor' or 'admin')`,
      );
    }
  });

  async function authenticate(request: FastifyRequest): Promise<Actor> {
    if (await embedded.isAnonymous()) return ANONYMOUS_ACTOR;
    const header = request.headers.authorization;
    if (!header) {
      throw new RegistryErrors.BearerTokenMissing();
    }
    const match = BEARER.exec(header);
    if (!match) throw new RegistryErrors.BearerHeaderMalformed();
    const principal = await principals.verifyToken(match[1]);
    if (!principal) {
      throw new RegistryErrors.BearerTokenUnknown();
    }
    return { principalId: principal.id, name: principal.name, role: principal.role };
  }

  // A callback hook with a synchronous path for embedded mode: it runs on every request.
  app.addHook('onRequest', (request, _reply, done) => {
    const access = request.routeOptions.config.access;
    // Only the not-found handler has no access: it answers 404 to anyone.
    if (access === undefined || access === 'public') return done();
    const admit = (actor: Actor) => {
      // Set before the role check: the audit log names who was refused.
      request.actor = actor;
      requireRole(actor, access, `${request.method} ${request.routeOptions.url ?? ''}`);
    };
    try {
      if (embedded.isAnonymousNow() === true) {
        admit(ANONYMOUS_ACTOR);
        return done();
      }
    } catch (error) {
      return done(error as Error);
    }
    authenticate(request)
      .then(admit)
      .then(() => done(), done);
  });
};

/**
 * Bearer-token authentication and role checks. Every route declares
 * `config.access`; a route without it is refused at registration (secure
 * default). Runs in `onRequest`, before the body is read.
 */
export const authPlugin = fp(auth, { name: 'imprint-auth' });
