import { readOsPackages } from '@imprint/sdk';
import { buildAmiSbom } from '../../sbom/ami-sbom';
import type { BuildState, BuildStep } from '../build-state';

/**
 * Lists the OS packages the instance holds (its dpkg and apk databases, and
 * its os-release, as the SDK reads them) and writes the new image's SBOM.
 * It runs right after create-image, on the instance that was snapshotted and
 * has not changed since, so the packages are the image's.
 */
export const sbomStep: BuildStep = {
  name: 'sbom',
  async run(state: BuildState): Promise<void> {
    const { client, context } = state;
    const instance = state.instance!;
    const image = state.image!;
    const found = await readOsPackages((path) => client.downloadFile(instance, `/${path}`));
    const release = found.osRelease?.prettyName ?? found.osRelease?.id;
    context.ui.message(
      `SBOM of ${image.imageId}: ${found.packages.length} OS package(s)${release === undefined ? '' : ` (${release})`}`,
    );
    state.sbom = buildAmiSbom(image, state.sourceImage!.imageId, found);
  },
};
