import type { Command } from 'commander';
import { table } from '../format';
import type { Context } from './context';
import { NotFoundError, actionHelpers } from './context';
import type { ReadFlags } from './options';
import { registryCommand } from './options';

/** `imprint search`: which version produced an external artifact. */
export function addSearchCommand(program: Command, c: Context): void {
  const { show } = actionHelpers(c);
  registryCommand(
    program,
    'search',
    'which bucket, version and build produced an external artifact id',
    ['imprint search ami-0123456789abcdef0'],
  )
    .argument('<external-id>', 'e.g. an AMI id or an image digest')
    .action((id: string, flags: ReadFlags) =>
      show(
        flags,
        async (client) => {
          const { artifacts } = await client.searchExternalArtifact({ external_identifier: id });
          if (artifacts.length === 0) {
            throw new NotFoundError(
              `no artifact '${id}' in this registry: no build of any bucket recorded it (check the id, or that --registry points at the registry the build published to)`,
            );
          }
          return artifacts;
        },
        (artifacts) =>
          table(
            ['BUCKET', 'VERSION', 'FINGERPRINT', 'BUILD', 'PLATFORM', 'STATUS'],
            artifacts.map((a) => [
              a.bucket.name,
              a.version.name,
              a.version.fingerprint,
              a.build.component_type,
              a.build.platform,
              a.version.status,
            ]),
          ),
      ),
    );
}
