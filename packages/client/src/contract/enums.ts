import type { Static } from '@sinclair/typebox';
import { ROLES } from '../roles';
import { StringEnum } from './kinds';

/*
 * The enums of the HCP Packer registry API (2023-01-01), once: each list is
 * the `as const` array code iterates over, its schema is what validation and
 * OpenAPI use, and its type is the schema's static type.
 */

/** `status` values of a build. */
export const BUILD_STATUSES = Object.freeze([
  'BUILD_UNSET',
  'BUILD_RUNNING',
  'BUILD_DONE',
  'BUILD_CANCELLED',
  'BUILD_FAILED',
] as const);
/** `status` values of a version. */
export const VERSION_STATUSES = Object.freeze([
  'VERSION_UNSET',
  'VERSION_RUNNING',
  'VERSION_CANCELLED',
  'VERSION_FAILED',
  'VERSION_REVOKED',
  'VERSION_REVOCATION_SCHEDULED',
  'VERSION_ACTIVE',
  'VERSION_INCOMPLETE',
] as const);
/** `template_type` values: the kind of Packer template that created a version. */
export const TEMPLATE_TYPES = Object.freeze(['TEMPLATE_TYPE_UNSET', 'HCL2', 'JSON'] as const);
/** `revocation_type` values: revoked by hand, or inherited from a revoked ancestor. */
export const REVOCATION_TYPES = Object.freeze([
  'REVOCATION_TYPE_UNSET',
  'MANUAL',
  'INHERITED',
] as const);
/** Ancestry status values, best first. */
export const ANCESTRY_STATUSES = Object.freeze([
  'UNDETERMINED',
  'UP_TO_DATE',
  'OUT_OF_DATE',
] as const);
/** `type` filter values of ListBucketAncestry. */
export const ANCESTRY_TYPES = Object.freeze([
  'ANCESTRY_TYPE_UNSET',
  'ANCESTRY_TYPE_PARENTS',
  'ANCESTRY_TYPE_CHILDREN',
] as const);
/** `config.feature_tier` values of a registry. */
export const FEATURE_TIERS = Object.freeze(['UNSET', 'STANDARD', 'PLUS'] as const);
/** `format` values of an SBOM: JSON documents only, case-sensitive (HCP's `SbomFormat`). */
export const SBOM_FORMATS = Object.freeze(['CYCLONEDX', 'SPDX'] as const);
/**
 * `criticality` of a vulnerability, worst first, as HCP Packer spells it (from
 * the CVSS base score: Critical >= 9.0, High >= 7.0, Medium >= 4.0, Low > 0).
 */
export const CRITICALITIES = Object.freeze([
  'Critical',
  'High',
  'Medium',
  'Low',
  'Unknown',
] as const);
/** `severity` of a vulnerability: its criticality, upper-cased (HCP sends both). */
export const SEVERITIES = Object.freeze(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const);
/** `state` values of a long-running operation. */
export const OPERATION_STATES = Object.freeze(['PENDING', 'RUNNING', 'DONE'] as const);

export const BuildStatus = StringEnum(BUILD_STATUSES);
export const VersionStatus = StringEnum(VERSION_STATUSES);
export const TemplateType = StringEnum(TEMPLATE_TYPES);
export const RevocationType = StringEnum(REVOCATION_TYPES);
export const AncestryStatus = StringEnum(ANCESTRY_STATUSES);
export const AncestryType = StringEnum(ANCESTRY_TYPES);
export const FeatureTier = StringEnum(FEATURE_TIERS);
export const OperationState = StringEnum(OPERATION_STATES);
export const SbomFormat = StringEnum(SBOM_FORMATS, { description: 'CYCLONEDX or SPDX (JSON)' });
export const Criticality = StringEnum(CRITICALITIES, {
  description: 'Critical, High, Medium, Low or Unknown (from the CVSS base score)',
});
export const Severity = StringEnum(SEVERITIES);
/** A principal's role ({@link ROLES}), as request bodies carry it. */
export const RoleSchema = StringEnum(ROLES, { description: 'viewer, contributor or admin' });

/** `status` of a build. */
export type BuildStatus = Static<typeof BuildStatus>;
/** `status` of a version. */
export type VersionStatus = Static<typeof VersionStatus>;
/** `template_type` of a version: the kind of Packer template that created it. */
export type TemplateType = Static<typeof TemplateType>;
/** `revocation_type`: revoked by hand, or inherited from a revoked ancestor. */
export type RevocationType = Static<typeof RevocationType>;
/** Whether a child was built from the version currently on its parent channel. */
export type AncestryStatus = Static<typeof AncestryStatus>;
/** `type` filter of ListBucketAncestry. */
export type AncestryType = Static<typeof AncestryType>;
/** `config.feature_tier` of a registry. */
export type FeatureTier = Static<typeof FeatureTier>;
/** `format` of an SBOM. */
export type SbomFormat = Static<typeof SbomFormat>;
/** `criticality` of a vulnerability. */
export type Criticality = Static<typeof Criticality>;
/** `severity` of a vulnerability. */
export type Severity = Static<typeof Severity>;
/** `state` of a long-running operation. */
export type OperationState = Static<typeof OperationState>;
