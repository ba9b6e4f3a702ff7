import * as path from 'node:path';
import type { RegistryClient } from '@imprint/client';
import { readOsvSource, type RegistryStorage } from '@imprint/registry';
import { publish } from './console-harness';
import type { SbomComponent, SeedSbom } from './sboms';

/*
 * Vulnerability data for the console specs: the OSV records under
 * test/fixtures/osv and a bucket, `shop`, whose SBOMs they match.
 */

/** The OSV records of the console specs (Debian 12 and npm advisories, some made up). */
export const OSV_FIXTURES = path.resolve(__dirname, '../fixtures/osv');

/** What `imprint-registry vulns import test/fixtures/osv` does, through the registry's storage. */
export function importOsvFixtures(
  storage: RegistryStorage,
): ReturnType<RegistryStorage['vulnerabilities']['importOsv']> {
  return storage.vulnerabilities.importOsv(readOsvSource(OSV_FIXTURES), { source: OSV_FIXTURES });
}

/** `pkg:deb/debian/<name>@<version>?distro=debian-12`: matched against OSV's `Debian:12`. */
function debian12(name: string, version: string): SbomComponent {
  return { name, version, purl: `pkg:deb/debian/${name}@${version}?distro=debian-12` };
}

function npm(name: string, version: string): SbomComponent {
  return { name, version, purl: `pkg:npm/${name}@${version}` };
}

/** The OS of `shop` v1: openssl has 2 vulnerabilities, curl and tar 1 each, glibc is past its fix. */
const SHOP_OS: SeedSbom = {
  name: 'shop-os',
  components: [
    debian12('openssl', '3.0.11-1~deb12u1'),
    debian12('glibc', '2.36-9+deb12u3'),
    debian12('curl', '7.88.1-10+deb12u4'),
    debian12('tar', '1.34+dfsg-1.2'),
  ],
};
/** The app of `shop` v1: widget has 7 vulnerabilities (Medium at worst), left-pad none. */
const SHOP_APP: SeedSbom = {
  name: 'shop-app',
  components: [
    npm('lodash', '4.17.20'),
    npm('minimist', '1.2.5'),
    npm('widget', '1.0.0'),
    npm('left-pad', '1.3.0'),
  ],
};
/** The version only the restricted channel `canary` points at: one vulnerability of its own. */
const CANARY_APP: SeedSbom = { name: 'canary-app', components: [npm('express', '4.17.0')] };

/**
 * `shop`: v0 (`fp-shop-canary`) only on the restricted channel `canary`, then
 * v1 (`fp-shop-1`, so `latest`) on `production`, with an OS and an app build.
 */
export async function seedShop(client: RegistryClient): Promise<void> {
  await publish(client, 'shop', 'fp-shop-canary', [
    {
      component: 'docker.shop',
      artifacts: [{ id: 'sha256:0ca0000000000000000000000000001', region: 'docker' }],
      sboms: [CANARY_APP],
    },
  ]);
  await client.createChannel('shop', {
    name: 'canary',
    version_fingerprint: 'fp-shop-canary',
    restricted: true,
  });
  await publish(client, 'shop', 'fp-shop-1', [
    {
      component: 'amazon-ebs.shop',
      artifacts: [{ id: 'ami-0shop00000000e01', region: 'us-east-1' }],
      sboms: [SHOP_OS],
    },
    {
      component: 'docker.shop',
      artifacts: [{ id: 'sha256:05b0000000000000000000000000001', region: 'docker' }],
      sboms: [SHOP_APP],
    },
  ]);
  await client.createChannel('shop', { name: 'production', version_fingerprint: 'fp-shop-1' });
}
