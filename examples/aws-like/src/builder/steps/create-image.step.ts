import type { BuildState, BuildStep } from '../build-state';

/**
 * Snapshots the instance into the new image. Its cleanup owns every image the
 * build made (copies included): when the build fails or is cancelled, it
 * deregisters them all, so a failed build leaves nothing behind.
 */
export const createImageStep: BuildStep = {
  name: 'create-image',
  async run(state: BuildState): Promise<void> {
    const { config, client, context, instance, images } = state;
    const running = instance!;
    context.ui.say(`Creating image '${config.amiName}' from instance ${running.instanceId}`);
    const image = await client.createImage({
      instance: running,
      name: config.amiName,
      description: config.amiDescription,
    });
    images.set(image.region, image.imageId);
    state.image = image;
    context.ui.message(`Image ${image.imageId} created in ${image.region}`);
  },
  async cleanup({ client, context, images }: BuildState, failed: boolean): Promise<void> {
    if (!failed) return;
    for (const [region, imageId] of [...images]) {
      context.ui.say(`Deregistering ${imageId} in ${region}: the build did not finish`);
      try {
        await client.deregisterImage(region, imageId);
        images.delete(region);
      } catch (error) {
        context.ui.error(
          `Could not deregister ${imageId} in ${region}: ${(error as Error).message}. Deregister it by hand.`,
        );
      }
    }
  },
};
