import type { Role } from '@imprint/client';
import type { Actor } from '../domain/registry-contract';

// The roles and their order are the client's (one definition for registry, CLI and console).
export { ROLES, hasRole, isRole } from '@imprint/client';
export type { Role } from '@imprint/client';

/** What a route needs: a role, or nothing (`public`: health, token, OpenAPI). */
export type RouteAccess = Role | 'public';

/** The actor of every request in embedded mode (loopback, no principals). */
export const ANONYMOUS_ACTOR: Actor = Object.freeze({
  principalId: 'anonymous',
  name: 'anonymous',
  role: 'admin',
});
