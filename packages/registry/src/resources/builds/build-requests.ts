import { versionName } from '../../domain/context';
import {
  RegistryErrorReason,
  alreadyExists,
  failedPrecondition,
  invalidArgument,
  quote,
} from '../../domain/registry.errors';
import type { RegistryError } from '../../domain/registry.errors';
import {
  MAX_IDENTIFIER,
  MAX_SHORT_TEXT,
  checkArtifacts,
  checkLabels,
  checkMetadata,
  optionalString,
} from '../../domain/validation';
import type { Body } from '../../domain/validation';
import type { VersionRow } from '../../domain/wire';

export interface BuildFields {
  platform?: string;
  packerRunUuid?: string;
  labels?: Record<string, string>;
  sourceExternalIdentifier?: string;
  artifacts?: { external_identifier: string; region: string }[];
  parentVersionId?: string;
  parentChannelId?: string;
  metadata?: Record<string, unknown>;
}

export function parseBuildFields(input: Body): BuildFields {
  const fields: BuildFields = {
    platform: optionalString(input, 'platform', MAX_SHORT_TEXT),
    packerRunUuid: optionalString(input, 'packer_run_uuid', MAX_SHORT_TEXT),
    labels: checkLabels(input),
    sourceExternalIdentifier: optionalString(input, 'source_external_identifier', MAX_IDENTIFIER),
    artifacts: checkArtifacts(input),
    // proto3: an empty id means "not sent".
    parentVersionId: optionalString(input, 'parent_version_id', MAX_SHORT_TEXT) || undefined,
    parentChannelId: optionalString(input, 'parent_channel_id', MAX_SHORT_TEXT) || undefined,
    metadata: checkMetadata(input),
  };
  return fields;
}

export function setOnce(
  field: string,
  stored: string,
  sent: string | undefined,
  buildId: string,
): string {
  if (sent === undefined || sent === stored) return stored;
  if (stored !== '') {
    throw alreadyExists(
      RegistryErrorReason.BUILD_PARENT_IMMUTABLE,
      `${field} of build ${buildId} is already ${quote(stored)} and can be set only once. Record a different parent in a new version.`,
      { field, build_id: buildId },
    );
  }
  return sent;
}

export function completeError(version: VersionRow, bucket: string): RegistryError {
  return failedPrecondition(
    RegistryErrorReason.VERSION_COMPLETE,
    `Version ${quote(version.fingerprint)} of bucket ${quote(bucket)} is complete (${versionName(version.seq)}); its builds can no longer change. Build again under a new fingerprint.`,
    { fingerprint: version.fingerprint },
  );
}

export function artifactsRequired(componentType: string): RegistryError {
  return invalidArgument(
    RegistryErrorReason.BUILD_ARTIFACTS_REQUIRED,
    `Build ${quote(componentType)} cannot be BUILD_DONE without artifacts. Send artifacts [{external_identifier, region}] with the update (or earlier).`,
    { field: 'artifacts', component_type: componentType },
  );
}

export function channelWithoutVersion(buildId: string): RegistryError {
  return invalidArgument(
    RegistryErrorReason.INVALID_ARGUMENT,
    `parent_channel_id is set without parent_version_id on build ${buildId}. Send the parent version's id along with its channel's id.`,
    { field: 'parent_channel_id' },
  );
}
