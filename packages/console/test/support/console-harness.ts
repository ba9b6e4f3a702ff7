import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Build, Channel, RegistryClient, Version } from '@imprint/client';
import {
  startTestRegistry,
  type TestPrincipal,
  type TestRegistry,
  type TestRegistryOptions,
} from '@imprint/registry/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cycloneDx, zstdCompress, type SeedSbom } from './sboms';

/** The console's build, served by the registry under test. */
export const CONSOLE_DIST = path.resolve(__dirname, '../../dist');
/** Where the specs save screenshots for the docs. */
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../../../docs/images');
const CHROMIUM = process.env.IMPRINT_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Fails with the fix when the console is not built or Chromium is missing. */
export function assertPrerequisites(): void {
  if (!existsSync(path.join(CONSOLE_DIST, 'index.html'))) {
    throw new Error(
      `the console is not built (${CONSOLE_DIST}/index.html is missing): run \`npm run build -w @imprint/console\` first`,
    );
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install it (apt-get install chromium) or set IMPRINT_TEST_CHROMIUM`,
    );
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Chromium with one desktop-size (1280×800) page, watched for page errors and CSP violations. */
export async function openConsolePage(): Promise<{
  browser: Browser;
  page: Page;
  problems: string[];
}> {
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  return { browser, page, problems: watchConsole(page) };
}

/**
 * A registry on 127.0.0.1 serving the built console, over a fresh SQLite data
 * dir (`@imprint/registry/testing`). Its `client` has admin rights: anonymous
 * in embedded mode, the `seeder` admin principal otherwise.
 */
export type ConsoleRegistry = TestRegistry;

/** Principals to create (see {@link startConsoleRegistry}) and server options (e.g. `webhooks`). */
export interface ConsoleRegistryOptions {
  principals?: readonly TestPrincipal[];
  server?: TestRegistryOptions['server'];
}

/**
 * Starts the registry. With `principals`, those are created first (so the
 * server is not in embedded mode), after an admin principal `seeder` the
 * returned client signs in as, for seeding.
 */
export function startConsoleRegistry(
  options: ConsoleRegistryOptions = {},
): Promise<ConsoleRegistry> {
  return startTestRegistry({
    database: { prefix: 'imprint-console' },
    server: { ...options.server, consoleDir: CONSOLE_DIST, logger: false },
    ...(options.principals
      ? {
          principals: [{ name: 'seeder', role: 'admin' }, ...options.principals],
          clientAs: 'seeder',
        }
      : {}),
  });
}

/**
 * The registry and Chromium page of a `describe` block: started and seeded
 * before its tests (`beforeAll`), closed after them, and checked after each
 * test for page errors and CSP violations. Read `registry` and `page` inside
 * tests or hooks, once they are set.
 */
export function useConsolePage(
  seed: (registry: ConsoleRegistry) => Promise<void>,
  options: ConsoleRegistryOptions = {},
): { readonly registry: ConsoleRegistry; readonly page: Page } {
  let registry: ConsoleRegistry | undefined;
  let opened: Awaited<ReturnType<typeof openConsolePage>> | undefined;
  beforeAll(async () => {
    assertPrerequisites();
    registry = await startConsoleRegistry(options);
    await seed(registry);
    opened = await openConsolePage();
  });
  afterAll(async () => {
    await opened?.browser.close();
    await registry?.close();
  });
  afterEach(() => expect(opened?.problems).toEqual([]));
  return {
    get registry() {
      return registry!;
    },
    get page() {
      return opened!.page;
    },
  };
}

/** One source of a published version. */
export interface PublishSource {
  component?: string;
  artifacts: { id: string; region: string }[];
  sourceImageId?: string;
  parentVersionId?: string;
  parentChannelId?: string;
  /** CycloneDX SBOMs the build uploads while it runs. */
  sboms?: readonly SeedSbom[];
}

/** What a runner does: upsert the bucket, make the version, run one build per source to BUILD_DONE. */
export async function publish(
  client: RegistryClient,
  bucket: string,
  fingerprint: string,
  sources: PublishSource[],
): Promise<Version> {
  await client.upsertBucket(bucket, {
    description: `${bucket} images`,
    labels: { team: 'platform' },
  });
  await client.ensureVersion(bucket, fingerprint, 'HCL2');
  const builds: Build[] = [];
  for (const [i, source] of sources.entries()) {
    builds.push(
      await client.createBuild(bucket, fingerprint, {
        component_type: source.component ?? `amazon-ebs.image${i}`,
        status: 'BUILD_UNSET',
      }),
    );
  }
  for (const [i, build] of builds.entries()) {
    const source = sources[i];
    await client.updateBuild(bucket, fingerprint, build.id, { status: 'BUILD_RUNNING' });
    for (const sbom of source.sboms ?? []) {
      const compressed = await zstdCompress(cycloneDx(sbom.components));
      await client.uploadSbom(bucket, fingerprint, build.id, {
        name: sbom.name,
        format: 'CYCLONEDX',
        compressed_sbom: compressed.toString('base64'),
      });
    }
    await client.updateBuild(bucket, fingerprint, build.id, {
      status: 'BUILD_DONE',
      platform: 'aws',
      ...(source.sourceImageId ? { source_external_identifier: source.sourceImageId } : {}),
      ...(source.parentVersionId ? { parent_version_id: source.parentVersionId } : {}),
      ...(source.parentChannelId ? { parent_channel_id: source.parentChannelId } : {}),
      artifacts: source.artifacts.map((a) => ({ external_identifier: a.id, region: a.region })),
      labels: { os: 'ubuntu', arch: 'amd64' },
      metadata: {
        packer: { version: '1.16.0', plugins: ['amazon 1.3.9'] },
        vcs: { type: 'git', commit: '4f2a9c1e0b7d', ref: 'main' },
        cicd: { pipeline: 'github-actions', run: '1234' },
      },
    });
  }
  return client.getVersion(bucket, fingerprint);
}

/** The seeded chain of the specs. */
export interface SeededChain {
  base1: Version;
  base2: Version;
  app: Version;
  service: Version;
  production: Channel;
}

/**
 * base (`ubuntu-base` v1, on channel `production`) → app (`web-app` v1,
 * declared parent through `production`) → service (`api-service` v1, inferred:
 * built from web-app's AMI). Then base v2 goes on `production`, so the
 * base → app relation is out of date.
 */
export async function seedChain(client: RegistryClient): Promise<SeededChain> {
  const base1 = await publish(client, 'ubuntu-base', 'fp-base-1', [
    {
      component: 'amazon-ebs.ubuntu',
      sourceImageId: 'ami-0upstreamubuntu0001',
      artifacts: [
        { id: 'ami-0base0000000000b01', region: 'us-east-1' },
        { id: 'ami-0base0000000000b02', region: 'eu-west-1' },
      ],
    },
    {
      component: 'docker.ubuntu',
      artifacts: [{ id: 'sha256:0b5e0000000000000000000000000001', region: 'docker' }],
    },
  ]);
  const production = await client.createChannel('ubuntu-base', { name: 'production' });
  await client.updateChannel('ubuntu-base', 'production', {
    version_fingerprint: 'fp-base-1',
    update_mask: 'versionFingerprint',
  });
  const app = await publish(client, 'web-app', 'fp-app-1', [
    {
      component: 'amazon-ebs.web',
      parentVersionId: base1.id,
      parentChannelId: production.id,
      artifacts: [{ id: 'ami-0app00000000000c01', region: 'us-east-1' }],
    },
  ]);
  const service = await publish(client, 'api-service', 'fp-service-1', [
    {
      component: 'amazon-ebs.api',
      sourceImageId: 'ami-0app00000000000c01',
      artifacts: [{ id: 'ami-0service000000d01', region: 'us-east-1' }],
    },
  ]);
  await client.createChannel('ubuntu-base', { name: 'lts', version_fingerprint: 'fp-base-1' });
  const base2 = await publish(client, 'ubuntu-base', 'fp-base-2', [
    {
      component: 'amazon-ebs.ubuntu',
      artifacts: [{ id: 'ami-0base0000000000b11', region: 'us-east-1' }],
    },
  ]);
  await client.updateChannel('ubuntu-base', 'production', {
    version_fingerprint: 'fp-base-2',
    update_mask: 'versionFingerprint',
  });
  return { base1, base2, app, service, production };
}

/** Saves a screenshot for the docs (overwritten on each run). */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, `console-${name}.png`),
    fullPage: options.fullPage ?? false,
  });
}

/**
 * Rows settle after the registry answers: reads `read` until it gives
 * `expected`, then expects it (after 10 s, the last reading fails the test).
 */
export async function eventually<T>(read: () => Promise<T>, expected: T): Promise<void> {
  const deadline = Date.now() + 10_000;
  let actual = await read();
  while (JSON.stringify(actual) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    actual = await read();
  }
  expect(actual).toEqual(expected);
}

/** Collects page errors and CSP violations; a spec expects none. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A refused sign-in is a 401 the browser reports on its own; the page shows it.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`);
    }
  });
  return problems;
}
