import type { Static } from '@sinclair/typebox';
import { StringEnum } from '../kinds';

/*
 * The enums of the HCP Packer service 2021-04-30 (hcp-sdk-go v0.36.0's
 * models), where they differ from 2023-01-01's: build statuses and revocation
 * types carry no prefix, and channel history names iteration statuses.
 * Template types, ancestry statuses and feature tiers are 2023-01-01's.
 */

/** `status` values of a 2021-04-30 build (2023-01-01: `BUILD_` + the same). */
export const V2021_BUILD_STATUSES = Object.freeze([
  'UNSET',
  'RUNNING',
  'DONE',
  'CANCELLED',
  'FAILED',
] as const);
/** `revocation_type` values (2023-01-01: `REVOCATION_TYPE_UNSET`, `MANUAL`, `INHERITED`). */
export const V2021_REVOCATION_TYPES = Object.freeze(['UNSET', 'MANUAL', 'INHERITED'] as const);
/** `iteration.status` values of channel history (2023-01-01: `VERSION_` + the same). */
export const V2021_ITERATION_STATUSES = Object.freeze([
  'ITERATION_UNSET',
  'ITERATION_RUNNING',
  'ITERATION_CANCELLED',
  'ITERATION_FAILED',
  'ITERATION_REVOKED',
  'ITERATION_REVOCATION_SCHEDULED',
  'ITERATION_ACTIVE',
  'ITERATION_INCOMPLETE',
] as const);
/** `restriction` values of a channel (the current 2021-04-30 spec). */
export const V2021_RESTRICTIONS = Object.freeze([
  'RESTRICTION_UNSET',
  'RESTRICTED',
  'UNRESTRICTED',
] as const);
/**
 * `type` of ListBucketAncestry: a free string in the spec and the SDK (which
 * describe `parents` and `children`, empty = both); the spellings accepted.
 */
export const V2021_ANCESTRY_TYPES = Object.freeze([
  '',
  'UNSET',
  'ANCESTRY_TYPE_UNSET',
  'parents',
  'PARENTS',
  'ANCESTRY_TYPE_PARENTS',
  'children',
  'CHILDREN',
  'ANCESTRY_TYPE_CHILDREN',
] as const);

export const V2021BuildStatus = StringEnum(V2021_BUILD_STATUSES);
export const V2021RevocationType = StringEnum(V2021_REVOCATION_TYPES);
export const V2021IterationStatus = StringEnum(V2021_ITERATION_STATUSES);
export const V2021Restriction = StringEnum(V2021_RESTRICTIONS);
export const V2021AncestryType = StringEnum(V2021_ANCESTRY_TYPES, {
  description: 'parents or children (empty: both)',
});

/** `status` of a 2021-04-30 build. */
export type V2021BuildStatus = Static<typeof V2021BuildStatus>;
/** `revocation_type` of a 2021-04-30 iteration. */
export type V2021RevocationType = Static<typeof V2021RevocationType>;
/** `iteration.status` in 2021-04-30 channel history. */
export type V2021IterationStatus = Static<typeof V2021IterationStatus>;
/** `restriction` of a 2021-04-30 channel. */
export type V2021Restriction = Static<typeof V2021Restriction>;
/** `type` filter of 2021-04-30 ListBucketAncestry. */
export type V2021AncestryType = Static<typeof V2021AncestryType>;
