import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type {
  ComponentLocation,
  DataSource,
  DataSourceContext,
  DataSourceOutput,
} from '@imprint/sdk';
import { ConfigError, describeLocation } from '@imprint/sdk';
import { DockerLikeLayoutConfig } from '../config/docker-like-layout.config';
import { AmbiguousImageError, ImageNotFoundError, UnnamedImageError } from '../errors';
import { SHA256_DIGEST_PATTERN } from '../oci/digest';
import { findImage } from '../oci/layout-search';

/**
 * How many directory levels below `search_dir` layouts are looked for
 * (`search_dir` itself is level 0): enough for `<dir>/<run>/<image>` or a
 * directory registry's `<dir>/<team>/<repo>`, small enough that a search
 * started at `/` stays short.
 */
export const LAYOUT_SEARCH_DEPTH = 4;

interface Prepared {
  readonly imageId: string;
  readonly searchDir: string;
  readonly location: ComponentLocation;
}

/**
 * The `docker-like-layout` data source: finds where on this machine the OCI
 * layout of an image lives, from its image ID. The registry knows a
 * docker-like image only by that ID (region `docker` says nothing about a
 * directory), so a template that builds FROM a channel chains it after an
 * `imprint-artifact` data source:
 * `base = data.docker-like-layout.base.dir`, `base_ref = data.docker-like-layout.base.ref`.
 *
 * @example
 * ```ts
 * const { outputs } = await runDataSource(plugin, 'docker-like-layout', {
 *   image_id: 'sha256:…', search_dir: '/var/lib/images',
 * });
 * outputs.dir; // '/var/lib/images/base'
 * ```
 */
export class DockerLikeLayoutDataSource implements DataSource<DockerLikeLayoutConfig> {
  /** Describes and validates the data source's configuration. */
  static readonly configClass = DockerLikeLayoutConfig;

  /** What `execute()` returns. */
  static readonly outputs: readonly DataSourceOutput[] = [
    {
      name: 'dir',
      type: 'string',
      description: "The OCI layout directory holding the image (a docker-like builder's base).",
    },
    {
      name: 'ref',
      type: 'string',
      description:
        "A ref name of the image's manifest in that layout (the one index.json lists last, the newest tag), or an empty string when it has none (then it is the layout's only image); a docker-like builder's base_ref.",
    },
    {
      name: 'manifest_digest',
      type: 'string',
      description: "Digest of the image's manifest (what `docker pull name@sha256:…` takes).",
    },
  ];

  private prepared!: Prepared;

  /**
   * Resolves `search_dir` and checks that it is a directory.
   * @throws `ConfigError` naming `search_dir` when it is not.
   */
  async prepare(config: DockerLikeLayoutConfig, location: ComponentLocation): Promise<void> {
    const searchDir = resolve(config.searchDir);
    const problem = await stat(searchDir).then(
      (info) => (info.isDirectory() ? undefined : 'is a file, not a directory'),
      () => 'does not exist',
    );
    if (problem !== undefined) {
      throw new ConfigError(location, [
        {
          path: 'search_dir',
          kind: 'invalid',
          message: `${searchDir} ${problem}; set it to the directory this machine keeps OCI layouts in`,
        },
      ]);
    }
    this.prepared = { imageId: config.imageId, searchDir, location };
  }

  /**
   * Searches for the image.
   * @throws `ConfigError` naming `image_id` when it is not a `sha256:` digest.
   * @throws {@link ImageNotFoundError} when no layout holds it, {@link AmbiguousImageError}
   *   when several manifests do, {@link UnnamedImageError} when its manifest has no ref name
   *   in a layout that holds other images.
   */
  async execute(context: DataSourceContext): Promise<Record<string, unknown>> {
    const { imageId, searchDir, location } = this.prepared;
    const where = describeLocation(location);
    context.signal.throwIfAborted();
    if (!SHA256_DIGEST_PATTERN.test(imageId)) {
      throw new ConfigError(location, [
        {
          path: 'image_id',
          kind: 'invalid',
          message: `must be an image ID: "sha256:" and 64 lower-case hex digits (got ${JSON.stringify(imageId)})`,
        },
      ]);
    }
    context.ui.say(`Looking for image ${imageId} in the OCI layouts under ${searchDir}`);
    const search = await findImage(searchDir, imageId, LAYOUT_SEARCH_DEPTH, context.signal);
    for (const u of search.unreadable) context.ui.error(`Skipped ${u.dir}: ${u.reason}`);
    const [found, ...others] = search.locations;
    if (found === undefined) {
      throw new ImageNotFoundError(
        where,
        imageId,
        searchDir,
        LAYOUT_SEARCH_DEPTH,
        search.layoutCount,
        search.unreadable,
      );
    }
    if (others.length > 0) {
      throw new AmbiguousImageError(
        where,
        imageId,
        searchDir,
        search.locations.map((l) => `${l.dir} (manifest ${l.manifestDigest})`),
      );
    }
    const ref = found.refs.at(-1) ?? '';
    if (ref === '' && found.manifestCount > 1) {
      throw new UnnamedImageError(
        where,
        imageId,
        found.dir,
        found.manifestDigest,
        found.manifestCount,
      );
    }
    context.ui.message(
      `Found it in ${found.dir}${ref === '' ? '' : ` as '${ref}'`} (manifest ${found.manifestDigest})`,
    );
    return { dir: found.dir, ref, manifest_digest: found.manifestDigest };
  }
}
