import { BuildCancelledError, ImageCopyError } from '../../errors';
import type { BuildState, BuildStep } from '../build-state';

/** Copies the new image to each of `ami_regions`, one after the other. */
export const copyImageStep: BuildStep = {
  name: 'copy-image',
  async run({ config, client, context, copyRegions, images }: BuildState): Promise<void> {
    if (copyRegions.length === 0) return;
    const imageId = images.get(config.region)!;
    const total = copyRegions.length;
    context.ui.say(`Copying image ${imageId} to ${total} region(s): ${copyRegions.join(', ')}`);
    for (const [completed, region] of copyRegions.entries()) {
      if (context.signal.aborted) {
        throw new BuildCancelledError(context.buildName, `copy-image (to ${region})`, {
          cause: context.signal.reason,
        });
      }
      context.ui.progress({ step: `copying image to ${region}`, completed, total });
      let copy;
      try {
        copy = await client.copyImage({
          sourceRegion: config.region,
          imageId,
          destinationRegion: region,
          name: config.amiName,
          description: config.amiDescription,
        });
      } catch (error) {
        throw new ImageCopyError(imageId, config.region, region, Object.fromEntries(images), {
          cause: error,
        });
      }
      images.set(region, copy.imageId);
      context.ui.message(`Copied to ${region}: ${copy.imageId}`);
    }
    context.ui.progress({ step: 'copying image', completed: total, total });
  },
};
