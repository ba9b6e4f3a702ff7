/**
 * The HCP Packer service 2021-04-30 (what Packer v1.9.4, its
 * `hcp-packer-iteration` / `hcp-packer-image` data sources and hcp-sdk-go
 * v0.36.0 speak), as Imprint serves it: a second view over the same buckets,
 * versions (iterations), builds, artifacts (images) and channels as
 * 2023-01-01. Every name starts with `V2021`.
 */
export * from './enums';
export * from './models';
export * from './requests';
export * from './responses';
