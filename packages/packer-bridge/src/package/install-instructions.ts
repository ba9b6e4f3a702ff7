import { basename } from 'node:path';
import type { Manifest, ManifestComponent } from '../protocol/manifest';
import { packerVisibleName } from '../manifest/packer-name';

/** Where templates with `required_plugins` find the plugin: `source = "github.com/imprint-dev/<packerName>"`. */
export const PLUGIN_SOURCE_NAMESPACE = 'github.com/imprint-dev';

/** How a template names a component under Packer: `source "docker-like" "NAME"`, `post-processor "docker-like-tag"`. */
export function templateUsage(manifest: Manifest, c: ManifestComponent): string {
  const name = packerVisibleName(manifest, c);
  if (c.kind === 'builder') return `source "${name}" "NAME" { … }`;
  if (c.kind === 'post-processor') return `post-processor "${name}" { … }`;
  return `data "${name}" "NAME" { … }`;
}

/**
 * How to install the binary. Packer v1.9.4 finds `packer-plugin-*` binaries
 * in its plugin directories by the part of the name before the first `_`, and,
 * for `required_plugins`, under `<host>/<namespace>/<type>/` with a
 * `_SHA256SUM` file beside them. Later versions install with
 * `packer plugins install --path`.
 */
export function installInstructions(
  manifest: Manifest,
  binary: string,
  checksumFile: string,
): string[] {
  const source = `${PLUGIN_SOURCE_NAMESPACE}/${manifest.packerName}`;
  const dir = '~/.config/packer/plugins';
  return [
    `Packer v1.9.4: copy both files into ${dir}/ (or a directory on PACKER_PLUGIN_PATH):`,
    `  mkdir -p ${dir} && cp ${binary} ${checksumFile} ${dir}/`,
    `  for templates with required_plugins { ${manifest.packerName} = { source = "${source}", version = "= ${manifest.plugin.version}" } }, under ${source}/ in that directory instead:`,
    `  mkdir -p ${dir}/${source} && cp ${binary} ${checksumFile} ${dir}/${source}/`,
    `Packer 1.10 and later: packer plugins install --path ${binary} ${source}`,
    `(${basename(binary)} starts Node and the plugin from where they are now: keep them in place, or package again after moving them.)`,
  ];
}
