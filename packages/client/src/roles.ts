/**
 * The roles of a registry principal, weakest first; each includes the rights
 * of the ones before it. Defined here, once, for the registry (which enforces
 * them), the CLI and the console (which show what a caller may do).
 */
export const ROLES = Object.freeze(['viewer', 'contributor', 'admin'] as const);

/** A principal's role. */
export type Role = (typeof ROLES)[number];

/** True when `actual` includes the rights of `needed`. */
export function hasRole(actual: Role, needed: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(needed);
}

/** True when `value` is one of {@link ROLES}. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
