import type { RegistryConnection } from '../internal/connection';
import { listQuery } from '../internal/request-path';
import type {
  AncestryType,
  ListBucketAncestryResponse,
  SearchExternalArtifactBody,
  SearchExternalArtifactResponse,
} from '../models';
import type { CallOptions } from '../options';
import type { ListCallOptions } from './pagination';
import { bucketPath } from './paths';

// Lineage: which versions a version was built from or into, and which
// version produced an image found in the wild.

/** Options of {@link RegistryClient.listBucketAncestry}. */
export interface ListBucketAncestryOptions extends ListCallOptions {
  /** `type`: parents, children, or both (`ANCESTRY_TYPE_UNSET`, the server default). */
  type?: AncestryType;
  /** `channel_name`: only children built from versions that were on this channel. */
  channelName?: string;
  /** `version_fingerprint`: relations of this version instead of the bucket's latest. */
  versionFingerprint?: string;
  /**
   * `depth` (an Imprint extension; HCP answers direct relations only):
   * generations to walk, 1 (the default) to 100, or `'all'`.
   */
  depth?: number | 'all';
}

export async function listBucketAncestry(
  api: RegistryConnection,
  bucketName: string,
  options?: ListBucketAncestryOptions,
): Promise<ListBucketAncestryResponse> {
  return api.packer('GET', `${bucketPath(bucketName)}/ancestry`, {
    query: {
      type: options?.type,
      channel_name: options?.channelName || undefined,
      version_fingerprint: options?.versionFingerprint || undefined,
      depth: options?.depth === undefined ? undefined : String(options.depth),
      ...listQuery(options),
    },
    call: options,
  });
}

/** A read sent as POST: marked idempotent so that it is retried like a GET. */
export async function searchExternalArtifact(
  api: RegistryConnection,
  body: SearchExternalArtifactBody,
  call?: CallOptions,
): Promise<SearchExternalArtifactResponse> {
  return api.packer('POST', '/_search/external_artifact', { body, call, idempotent: true });
}
