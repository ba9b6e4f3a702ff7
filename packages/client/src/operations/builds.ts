import type { RegistryConnection } from '../internal/connection';
import { listQuery } from '../internal/request-path';
import type { Build, CreateBuildBody, ListBuildsResponse, UpdateBuildBody } from '../models';
import type { CallOptions } from '../options';
import type { ListCallOptions } from './pagination';
import { buildPath, versionPath } from './paths';

export async function listBuilds(
  api: RegistryConnection,
  bucketName: string,
  fingerprint: string,
  options?: ListCallOptions,
): Promise<ListBuildsResponse> {
  return api.packer('GET', `${versionPath(bucketName, fingerprint)}/builds`, {
    query: listQuery(options),
    call: options,
  });
}

export async function createBuild(
  api: RegistryConnection,
  bucketName: string,
  fingerprint: string,
  body: CreateBuildBody,
  call?: CallOptions,
): Promise<Build> {
  const path = `${versionPath(bucketName, fingerprint)}/builds`;
  return api.packer('POST', path, { body, call, unwrap: 'build' });
}

export async function getBuild(
  api: RegistryConnection,
  bucketName: string,
  fingerprint: string,
  buildId: string,
  call?: CallOptions,
): Promise<Build> {
  const path = buildPath(bucketName, fingerprint, buildId);
  return api.packer('GET', path, { call, unwrap: 'build' });
}

export async function updateBuild(
  api: RegistryConnection,
  bucketName: string,
  fingerprint: string,
  buildId: string,
  body: UpdateBuildBody,
  call?: CallOptions,
): Promise<Build> {
  return api.packer('PATCH', buildPath(bucketName, fingerprint, buildId), {
    body,
    call,
    idempotent: isHeartbeat(body) ? true : undefined,
    unwrap: 'build',
  });
}

export async function deleteBuild(
  api: RegistryConnection,
  bucketName: string,
  fingerprint: string,
  buildId: string,
  call?: CallOptions,
): Promise<void> {
  await api.packer('DELETE', buildPath(bucketName, fingerprint, buildId), { call });
}

/** A body that only sets `BUILD_RUNNING`: repeating it changes nothing, so it may be retried. */
function isHeartbeat(body: UpdateBuildBody | undefined): boolean {
  if (body === undefined || body === null) return false;
  const keys = Object.entries(body)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
  return keys.length === 1 && keys[0] === 'status' && body.status === 'BUILD_RUNNING';
}
