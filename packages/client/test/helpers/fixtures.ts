import type { Bucket, Build, Channel, Registry, Version } from '@imprint/client';

const at = '2026-01-02T03:04:05.678Z';
const location = { organization_id: 'org-1', project_id: 'proj-1' };

export const registry: Registry = {
  id: '01JREGISTRY0000000000000000',
  location,
  created_at: at,
  updated_at: at,
  config: { activated: true, feature_tier: 'PLUS' },
};

export function bucket(overrides: Partial<Bucket> = {}): Bucket {
  return {
    id: '01JBUCKET00000000000000000',
    name: 'ubuntu-base',
    description: 'Ubuntu base image',
    labels: { os: 'ubuntu' },
    location,
    resource_name: 'packer/project/proj-1/bucket/ubuntu-base',
    created_at: at,
    updated_at: at,
    latest_version: null,
    platforms: [],
    version_count: '0',
    parents: { href: '', status: 'UNDETERMINED' },
    children: { href: '', status: 'UNDETERMINED' },
    ...overrides,
  };
}

export function build(overrides: Partial<Build> = {}): Build {
  return {
    id: '01JBUILD000000000000000000',
    version_id: '01JVERSION0000000000000000',
    component_type: 'amazon-ebs.ubuntu',
    platform: 'aws',
    status: 'BUILD_RUNNING',
    packer_run_uuid: 'c0ffee00-0000-4000-8000-000000000000',
    labels: {},
    source_external_identifier: '',
    artifacts: [],
    metadata: {},
    created_at: at,
    updated_at: at,
    ...overrides,
  };
}

export function version(overrides: Partial<Version> = {}): Version {
  return {
    id: '01JVERSION0000000000000000',
    bucket_name: 'ubuntu-base',
    fingerprint: 'fp-1',
    name: 'v0',
    status: 'VERSION_RUNNING',
    template_type: 'HCL2',
    author_id: 'ci',
    builds: [],
    created_at: at,
    updated_at: at,
    has_descendants: false,
    parents: { href: '', status: 'UNDETERMINED' },
    ...overrides,
  };
}

export function channel(overrides: Partial<Channel> = {}): Channel {
  return {
    id: '01JCHANNEL0000000000000000',
    name: 'latest',
    bucket_name: 'ubuntu-base',
    author_id: 'HCP Packer',
    created_at: at,
    updated_at: at,
    managed: true,
    restricted: true,
    version: null,
    ...overrides,
  };
}

/** A body that satisfies every operation: each single-resource key plus empty lists. */
export const universalBody = {
  registry,
  bucket: bucket(),
  version: version(),
  build: build(),
  channel: channel(),
  buckets: [],
  versions: [],
  builds: [],
  channels: [],
  history: [],
  count: 0,
  relations: [],
  total_count: 0,
  artifacts: [],
  pagination: {},
};
