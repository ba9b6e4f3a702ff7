import type { RegistryConnection } from '../internal/connection';
import { segment } from '../internal/request-path';
import type { GetSbomResponse, ListSbomsResponse, Sbom, UploadSbomBody } from '../models';
import type { CallOptions } from '../options';
import { buildPath } from './paths';

function sbomsPath(bucketName: string, fingerprint: string, buildId: string): string {
  return `${buildPath(bucketName, fingerprint, buildId)}/sboms`;
}

export async function uploadSbom(
  api: RegistryConnection,
  bucketName: string,
  fingerprint: string,
  buildId: string,
  body: UploadSbomBody,
  call?: CallOptions,
): Promise<Sbom> {
  const path = sbomsPath(bucketName, fingerprint, buildId);
  return api.packer('PUT', path, { body, call, unwrap: 'sbom' });
}

export async function listSboms(
  api: RegistryConnection,
  bucketName: string,
  fingerprint: string,
  buildId: string,
  call?: CallOptions,
): Promise<ListSbomsResponse> {
  return api.packer('GET', sbomsPath(bucketName, fingerprint, buildId), { call });
}

export async function getSbom(
  api: RegistryConnection,
  bucketName: string,
  fingerprint: string,
  buildId: string,
  sbomName: string,
  call?: CallOptions,
): Promise<GetSbomResponse> {
  const path = `${sbomsPath(bucketName, fingerprint, buildId)}/${segment('sbomName', sbomName)}`;
  return api.packer('GET', path, { call });
}
