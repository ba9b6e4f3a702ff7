import type { BuildState, BuildStep } from '../build-state';

/** Sets `tags` on the image in every region (EC2 does not copy tags with an image). */
export const tagImagesStep: BuildStep = {
  name: 'tag-images',
  async run({ config, client, context, images }: BuildState): Promise<void> {
    const count = Object.keys(config.tags).length;
    if (count === 0) return;
    context.ui.say(`Tagging the image in ${[...images.keys()].join(', ')} with ${count} tag(s)`);
    for (const [region, imageId] of images) {
      context.signal.throwIfAborted();
      await client.createTags(region, imageId, config.tags);
    }
  },
};
