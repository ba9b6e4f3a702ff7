import { segment } from '../internal/request-path';

/** Path prefix of the packer service. */
export const PACKER_API_PREFIX = '/packer/2023-01-01';
/** Path prefix of the resource-manager service (organization/project discovery). */
export const RESOURCE_MANAGER_PREFIX = '/resource-manager/2019-12-10';
/** Path of the caller-identity call (HCP IAM). */
export const IAM_CALLER_IDENTITY_PATH = '/iam/2019-12-10/caller-identity';

// Paths below the project scope (`/packer/2023-01-01/organizations/{o}/projects/{p}`).
// Every segment goes through `segment()`, which encodes it and refuses `.`/`..`.

export function packerScopePath(organizationId: string, projectId: string): string {
  return (
    `${PACKER_API_PREFIX}/organizations/${segment('organizationId', organizationId)}` +
    `/projects/${segment('projectId', projectId)}`
  );
}

export function bucketPath(bucketName: string): string {
  return `/buckets/${segment('bucketName', bucketName)}`;
}

export function versionPath(bucketName: string, fingerprint: string): string {
  return `${bucketPath(bucketName)}/versions/${segment('fingerprint', fingerprint)}`;
}

export function buildPath(bucketName: string, fingerprint: string, buildId: string): string {
  return `${versionPath(bucketName, fingerprint)}/builds/${segment('buildId', buildId)}`;
}

export function channelPath(bucketName: string, channelName: string): string {
  return `${bucketPath(bucketName)}/channels/${segment('channelName', channelName)}`;
}
