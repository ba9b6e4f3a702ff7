import type { RegistryClient, Version } from '@imprint/client';

/**
 * Publishes one complete version (one done build) straight through the
 * registry client, linked to a parent version through one of its channels
 * when `parent` is given: the data the registry commands' specs read.
 */
export async function publishVersion(
  client: RegistryClient,
  bucket: string,
  fingerprint: string,
  parent?: { version: Version; channelId: string },
): Promise<Version> {
  await client.upsertBucket(bucket, { labels: {} });
  await client.ensureVersion(bucket, fingerprint, 'JSON');
  const build = await client.createBuild(bucket, fingerprint, {
    component_type: 'docker-like.image',
    status: 'BUILD_RUNNING',
  });
  await client.updateBuild(bucket, fingerprint, build.id, {
    status: 'BUILD_DONE',
    platform: 'docker',
    artifacts: [{ external_identifier: `sha256:${fingerprint}`, region: 'local' }],
    ...(parent
      ? { parent_version_id: parent.version.id, parent_channel_id: parent.channelId }
      : {}),
  });
  return client.getVersion(bucket, fingerprint);
}
