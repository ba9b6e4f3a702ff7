import { Type, type TObject, type TProperties, type TString } from '@fastify/type-provider-typebox';
import {
  FingerprintSchema,
  NameSchema,
  NoQuerystring,
  TenantIdSchema,
  UlidSchema,
} from '@imprint/client';

/*
 * Path and query schemas of the packer routes, built from the contract
 * (@imprint/client), whose request bodies and query schemas the routes use
 * as they are.
 */

/** The path params every packer route has. */
export type TenancyParams = { organization_id: TString; project_id: TString };

/** Path params of every packer route: the tenancy plus `extra`, all required. */
export function packerParams<Extra extends TProperties = Record<never, never>>(
  extra: Extra = {} as Extra,
): TObject<TenancyParams & Extra> {
  return Type.Object(
    { organization_id: TenantIdSchema, project_id: TenantIdSchema, ...extra },
    { additionalProperties: false },
  );
}

export const BUCKET_PARAM = { bucket_name: NameSchema };
export const VERSION_PARAMS = { ...BUCKET_PARAM, fingerprint: FingerprintSchema };
export const BUILD_PARAMS = { ...VERSION_PARAMS, build_id: UlidSchema };
export const CHANNEL_PARAMS = { ...BUCKET_PARAM, channel_name: NameSchema };

/** Query of operations that take no query params (HCP's location params are accepted and ignored). */
export const NO_QUERY = NoQuerystring;
