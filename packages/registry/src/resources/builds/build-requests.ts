import { versionName } from '../../domain/context';
import { RegistryErrors } from '../../errors/registry-errors';
import type { RegistryError } from '../../errors/registry-error';
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
    throw new RegistryErrors.BuildParentImmutable({ field, build_id: buildId, stored });
  }
  return sent;
}

export function completeError(version: VersionRow, bucket: string): RegistryError {
  return new RegistryErrors.VersionComplete({
    fingerprint: version.fingerprint,
    bucket,
    version: versionName(version.seq),
  });
}
