import type { CloudImage } from '../../cloud/cloud-client';
import { describeFilter, findImageByFilter } from '../../cloud/find-image';
import { SourceImageNotFoundError } from '../../errors';
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
      const query = describeFilter('source_ami_filter', filter);
      context.ui.say(`Looking up source image by ${query} in ${region}`);
      image = await findImageByFilter(client, region, filter, {
        query,
        where,
        narrow: 'source_ami_filter',
      });
    }
    context.ui.message(
      `Found source image ${image.imageId} (${image.name}, owner ${image.ownerId})`,
    );
    state.sourceImage = image;
  },
};
