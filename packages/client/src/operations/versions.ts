import { RegistryArgumentError, isAlreadyExists, isVersionNotFound } from '../errors/client.errors';
import type { RegistryConnection } from '../internal/connection';
import { expectObject } from '../internal/connection';
import { listQuery, segment } from '../internal/request-path';
import type {
  CreateVersionBody,
  ListVersionsResponse,
  TemplateType,
  UpdateVersionBody,
  UpdateVersionResponse,
  Version,
} from '../models';
import type { CallOptions } from '../options';
import type { RegistryClient } from '../registry-client';
import type { ListCallOptions } from './pagination';
import { bucketPath, versionPath } from './paths';

/** Options of {@link RegistryClient.deleteVersion}. */
export interface DeleteVersionOptions extends CallOptions {
  /** `rollback_channels`: move channels on this version back to their previous valid version. */
  rollbackChannels?: boolean;
}

/**
 * Options of {@link RegistryClient.revokeVersion}. Without `revokeAt` or
 * `revokeIn` the revocation is immediate (`revoke_in: "0s"`, which uses the
 * server's clock, not this machine's).
 */
export interface RevokeVersionOptions extends CallOptions {
  /** When to revoke: a future date schedules the revocation. */
  revokeAt?: Date | string;
  /** Revoke after this signed duration (`90m`, `12h`, `7d`; `0s` = now). */
  revokeIn?: string;
  /** `revocation_message`: why. */
  message?: string;
  /** `skip_descendants_revocation`: do not cascade to child versions. */
  skipDescendantsRevocation?: boolean;
  /** `disable_rollback_channels`: leave channels pointing at the revoked version. */
  disableRollbackChannels?: boolean;
}

/**
 * Whether a version is complete: the registry renames it from `v0` to `v<N>`
 * once every build is `BUILD_DONE` (Packer's `IsVersionComplete`).
 */
export function isVersionComplete(version: Pick<Version, 'name'>): boolean {
  return version.name !== '' && version.name !== 'v0';
}

export async function listVersions(
  api: RegistryConnection,
  bucketName: string,
  options?: ListCallOptions,
): Promise<ListVersionsResponse> {
  return api.packer('GET', `${bucketPath(bucketName)}/versions`, {
    query: listQuery(options),
    call: options,
  });
}

export async function createVersion(
  api: RegistryConnection,
  bucketName: string,
  body: CreateVersionBody,
  call?: CallOptions,
): Promise<Version> {
  segment('body.fingerprint', body?.fingerprint);
  const path = `${bucketPath(bucketName)}/versions`;
  return api.packer('POST', path, { body, call, unwrap: 'version' });
}

export async function getVersion(
  api: RegistryConnection,
  bucketName: string,
  fingerprint: string,
  call?: CallOptions,
): Promise<Version> {
  return api.packer('GET', versionPath(bucketName, fingerprint), { call, unwrap: 'version' });
}

export async function updateVersion(
  api: RegistryConnection,
  bucketName: string,
  fingerprint: string,
  body: UpdateVersionBody,
  call?: CallOptions,
): Promise<UpdateVersionResponse> {
  const path = versionPath(bucketName, fingerprint);
  const response = await api.packer<UpdateVersionResponse>('PATCH', path, { body, call });
  expectObject(response, 'version', 'PATCH', path);
  return response;
}

/** The UpdateVersion body of {@link RegistryClient.revokeVersion}. */
export function revocationBody(options: RevokeVersionOptions): UpdateVersionBody {
  if (options.revokeAt !== undefined && options.revokeIn !== undefined) {
    throw new RegistryArgumentError('options', 'pass revokeAt or revokeIn, not both');
  }
  const revokeAt =
    options.revokeAt instanceof Date ? options.revokeAt.toISOString() : options.revokeAt;
  return {
    ...(revokeAt === undefined ? { revoke_in: options.revokeIn ?? '0s' } : { revoke_at: revokeAt }),
    revocation_message: options.message,
    skip_descendants_revocation: options.skipDescendantsRevocation,
    disable_rollback_channels: options.disableRollbackChannels,
  };
}

export async function deleteVersion(
  api: RegistryConnection,
  bucketName: string,
  fingerprint: string,
  options?: DeleteVersionOptions,
): Promise<void> {
  await api.packer('DELETE', versionPath(bucketName, fingerprint), {
    query: { rollback_channels: options?.rollbackChannels },
    call: options,
  });
}

/**
 * See {@link RegistryClient.ensureVersion}. Built on the client's own
 * methods, so it behaves exactly as the calls a caller would make.
 */
export async function ensureVersion(
  client: Pick<RegistryClient, 'getVersion' | 'createVersion'>,
  bucketName: string,
  fingerprint: string,
  templateType: TemplateType,
  call?: CallOptions,
): Promise<Version> {
  try {
    return await client.getVersion(bucketName, fingerprint, call);
  } catch (error) {
    if (!isVersionNotFound(error)) throw error;
  }
  try {
    return await client.createVersion(
      bucketName,
      { fingerprint, template_type: templateType },
      call,
    );
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    return client.getVersion(bucketName, fingerprint, call);
  }
}
