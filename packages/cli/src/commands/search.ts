import type { Command } from 'commander';
import { json, table } from '../format';
import type { Context } from './context';
import { actionHelpers } from './context';
import type { ReadFlags } from './options';
import { examples, withRegistryFlags } from './options';

/** `imprint search`: which version produced an external artifact. */
export function addSearchCommand(program: Command, c: Context): void {
  const { read, out } = actionHelpers(c);
  withRegistryFlags(
    program
      .command('search')
      .description('which bucket, version and build produced an external artifact id')
      .argument('<external-id>', 'e.g. an AMI id or an image digest'),
  )
    .addHelpText('after', examples('imprint search ami-0123456789abcdef0'))
    .action(async (id: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const { artifacts } = await client.searchExternalArtifact({ external_identifier: id });
        if (flags.json) return out(json(artifacts));
        out(
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
        );
      });
    });
}
