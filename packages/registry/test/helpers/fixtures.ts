import { randomBytes } from 'node:crypto';
import type { Build, CreateBuildBody, Version } from '@imprint/client';
import type { Actor, RegistryService } from '@imprint/registry';

/** A clock tests move by hand; pass `now: clock.now` to the store. */
export class TestClock {
  constructor(public ms = Date.UTC(2030, 0, 1, 12, 0, 0)) {}

  readonly now = (): Date => new Date(this.ms);

  advance(ms: number): void {
    this.ms += ms;
  }

  iso(offsetMs = 0): string {
    return new Date(this.ms + offsetMs).toISOString();
  }
}

/** Durations in milliseconds. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The principal most tests act as. */
export const ALICE: Actor = {
  principalId: '01HZZZZZZZZZZZZZZZZZZZZZZA',
  name: 'alice',
  role: 'admin',
};
/** A second principal, named like an email. */
export const BOB: Actor = {
  principalId: '01HZZZZZZZZZZZZZZZZZZZZZZB',
  name: 'bob@example.com',
  role: 'contributor',
};

/** A unique, valid bucket name with a readable prefix (suites share one database). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`.slice(0, 36);
}

/** A fresh fingerprint (`<prefix>-<random hex>`). */
export function fingerprint(prefix = 'fp'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** Expects `promise` to reject with a RegistryError of `code` and `reason`; returns the error. */
export async function expectRegistryError(
  promise: Promise<unknown>,
  code: number,
  reason: string,
  message?: RegExp,
): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeDefined();
  expect(caught).toMatchObject({ name: 'RegistryError', grpcCode: code, reason });
  if (message) expect((caught as Error).message).toMatch(message);
  return caught as Error;
}

/** Options of {@link publishVersion}. */
export interface PublishOptions {
  fingerprint?: string;
  components?: string[];
  platform?: string;
  externalId?: string;
  region?: string;
  sourceExternalId?: string;
  parentVersionId?: string;
  parentChannelId?: string;
  actor?: Actor;
}

/**
 * Runs the Packer build path for one version: CreateVersion, CreateBuild per
 * component, RUNNING, then DONE with one artifact each. Returns the version
 * as GetVersion sees it afterwards.
 */
export async function publishVersion(
  service: RegistryService,
  bucket: string,
  options: PublishOptions = {},
): Promise<Version> {
  const actor = options.actor ?? ALICE;
  const fp = options.fingerprint ?? fingerprint();
  const components = options.components ?? ['amazon-ebs.ubuntu'];
  await service.createVersion(actor, bucket, { fingerprint: fp, template_type: 'HCL2' });
  const builds: Build[] = [];
  for (const component of components) {
    const body: CreateBuildBody = { component_type: component, status: 'BUILD_UNSET' };
    builds.push(await service.createBuild(actor, bucket, fp, body));
  }
  for (const [i, build] of builds.entries()) {
    await service.updateBuild(actor, bucket, fp, build.id, { status: 'BUILD_RUNNING' });
    await service.updateBuild(actor, bucket, fp, build.id, {
      status: 'BUILD_DONE',
      platform: options.platform ?? 'aws',
      artifacts: [
        {
          external_identifier: options.externalId
            ? `${options.externalId}${i === 0 ? '' : `-${i}`}`
            : `ami-${randomBytes(6).toString('hex')}`,
          region: options.region ?? 'us-east-1',
        },
      ],
      ...(options.sourceExternalId !== undefined
        ? { source_external_identifier: options.sourceExternalId }
        : {}),
      ...(options.parentVersionId !== undefined
        ? { parent_version_id: options.parentVersionId }
        : {}),
      ...(options.parentChannelId !== undefined
        ? { parent_channel_id: options.parentChannelId }
        : {}),
    });
  }
  return service.getVersion(bucket, fp);
}
