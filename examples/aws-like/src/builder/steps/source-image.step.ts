import type { CloudImage } from '../../cloud/cloud-client';
import { AmbiguousSourceImageError, SourceImageNotFoundError } from '../../errors';
import type { BuildState, BuildStep } from '../build-state';

/** Finds the source image by `source_ami` or `source_ami_filter`. */
export const sourceImageStep: BuildStep = {
  name: 'source-image',
  async run(state: BuildState): Promise<void> {
    const { config, client, context, where } = state;
    const region = config.region;
    let image: CloudImage | undefined;
    if (config.sourceAmi !== undefined) {
      context.ui.say(`Looking up source image ${config.sourceAmi} in ${region}`);
      [image] = await client.describeImages({ region, imageIds: [config.sourceAmi] });
      if (image === undefined) {
        throw new SourceImageNotFoundError(region, `source_ami ${config.sourceAmi}`, where);
      }
    } else {
      // prepare() guarantees exactly one of the two.
      const filter = config.sourceAmiFilter!;
      const owners = filter.owners.length > 0 ? `, owners ${filter.owners.join(', ')}` : '';
      const query = `source_ami_filter (name "${filter.name}"${owners})`;
      context.ui.say(`Looking up source image by ${query} in ${region}`);
      const images = await client.describeImages({
        region,
        name: filter.name,
        owners: filter.owners,
      });
      if (images.length === 0) throw new SourceImageNotFoundError(region, query, where);
      if (images.length > 1 && !filter.mostRecent) {
        throw new AmbiguousSourceImageError(
          region,
          query,
          images.map((i) => i.imageId),
          where,
        );
      }
      // Ties go to the later entry: images are listed in creation order.
      image = images.reduce((newest, i) => (i.creationDate >= newest.creationDate ? i : newest));
    }
    context.ui.message(
      `Found source image ${image.imageId} (${image.name}, owner ${image.ownerId})`,
    );
    state.sourceImage = image;
  },
};
