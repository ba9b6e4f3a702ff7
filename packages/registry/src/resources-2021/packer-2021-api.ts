import type { RouteContext } from '../http/context';
import { namedPlugin } from '../http/plugin';
import { packerRequestHooks } from '../http/routes/packer-api';
import { builds2021Routes } from './builds-2021.routes';
import { channels2021Routes } from './channels-2021.routes';
import { images2021Routes } from './images.routes';
import { iterations2021Routes } from './iterations.routes';
import { registry2021Routes } from './registry-2021.routes';

/** Where the 2021-04-30 packer service lives (what Packer v1.9.4 calls). */
export const PACKER_2021_PREFIX =
  '/packer/2021-04-30/organizations/:organization_id/projects/:project_id';

/**
 * The HCP Packer service 2021-04-30: a second view over the storage and
 * services of 2023-01-01 (the same buckets, versions = iterations, builds,
 * artifacts = images, channels and ancestry), translating names both ways.
 * Same tenancy check and null handling, also inside `build` / `updates`.
 */
export const packer2021Api = namedPlugin<RouteContext>(
  'imprint-packer-2021-api',
  async (app, options) => {
    // Plugin options carry `prefix`; children must not get it again.
    const context: RouteContext = {
      storage: options.storage,
      scope: options.scope,
      embedded: options.embedded,
      tokenTtlSeconds: options.tokenTtlSeconds,
    };
    packerRequestHooks(app, context, ['build', 'updates']);
    await app.register(registry2021Routes, context);
    await app.register(images2021Routes, context);
    await app.register(iterations2021Routes, context);
    await app.register(builds2021Routes, context);
    await app.register(channels2021Routes, context);
  },
);
