/** Path params of packer routes. */
export type ProjectParams = { organization_id: string; project_id: string };
export type BucketParams = ProjectParams & { bucket_name: string };
export type VersionParams = BucketParams & { fingerprint: string };
export type BuildParams = VersionParams & { build_id: string };
export type ChannelParams = BucketParams & { channel_name: string };

/** The operation description in OpenAPI, ending with the role it needs. */
export function describe(text: string, role: string): string {
  return `${text} Role: ${role}.`;
}
