import { ImageNameInUseError } from '../../errors';
import type { BuildState, BuildStep } from '../build-state';

/**
 * Fails before anything is launched when `ami_name` is taken in a target
 * region (or, with `force_deregister`, deregisters the old images), so that
 * a build does not fail half-way through its copies.
 */
export const checkImageNameStep: BuildStep = {
  name: 'check-image-name',
  async run({ config, client, context, copyRegions }: BuildState): Promise<void> {
    for (const region of [config.region, ...copyRegions]) {
      const taken = await client.describeImages({ region, name: config.amiName, owners: ['self'] });
      for (const image of taken) {
        if (!config.forceDeregister)
          throw new ImageNameInUseError(region, image.name, image.imageId);
        context.ui.say(
          `Deregistering ${image.imageId} in ${region}: it is named '${image.name}' (force_deregister)`,
        );
        await client.deregisterImage(region, image.imageId);
      }
    }
  },
};
