import type { Actor } from '../domain/registry-service';

/** A principal's role. Each role includes the rights of the ones before it. */
export type Role = Actor['role'];

/** Every role, weakest first. */
export const ROLES: readonly Role[] = Object.freeze(['viewer', 'contributor', 'admin']);

/** What a route needs: a role, or nothing (`public`: health, token, OpenAPI). */
export type RouteAccess = Role | 'public';

const RANK: Readonly<Record<Role, number>> = { viewer: 1, contributor: 2, admin: 3 };

/** True when `actual` includes the rights of `needed`. */
export function hasRole(actual: Role, needed: Role): boolean {
  return RANK[actual] >= RANK[needed];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The actor of every request in embedded mode (loopback, no principals). */
export const ANONYMOUS_ACTOR: Actor = Object.freeze({
  principalId: 'anonymous',
  name: 'anonymous',
  role: 'admin',
});
