import {
  PrincipalNameSchema,
  RoleSchema,
  StorableTextSchema,
  TenantIdSchema,
  UlidSchema,
} from '@imprint/client';

/*
 * Value rules of routes outside the packer API (principals, tokens, the
 * resource manager), under the names those routes use. Each is the
 * contract's (@imprint/client); the packer routes use the contract directly.
 */

/** Principal names. */
export const PRINCIPAL_NAME_SCHEMA = PrincipalNameSchema;
/** `viewer`, `contributor` or `admin`. */
export const ROLE_SCHEMA = RoleSchema;
/** Server-made ids (ULIDs). */
export const ULID_SCHEMA = UlidSchema;
/** Organization and project ids in paths. */
export const TENANT_ID_SCHEMA = TenantIdSchema;

/**
 * Text PostgreSQL can store: its `text` type cannot hold U+0000, so a NUL
 * character would fail in SQL (SQLite would store it). Request values that go
 * to SQL as they are carry this pattern; {@link isStorableText} applies the
 * same rule in code.
 */
export const STORABLE_TEXT_SCHEMA = StorableTextSchema;

const STORABLE_TEXT = new RegExp(STORABLE_TEXT_SCHEMA.pattern ?? '', 'u');

/** True when `value` passes {@link STORABLE_TEXT_SCHEMA} (no NUL character). */
export function isStorableText(value: string): boolean {
  return STORABLE_TEXT.test(value);
}
