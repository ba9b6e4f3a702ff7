import type { Command } from 'commander';
import { artifactList, describeBuild, json, table } from '../format';
import type { Context } from './context';
import { actionHelpers } from './context';
import type { DeleteFlags, ReadFlags } from './options';
import { all, examples, requireYes, withRegistryFlags, withYes } from './options';

/** `imprint builds list|get|delete`. */
export function addBuildsCommands(program: Command, c: Context): void {
  const { read, out } = actionHelpers(c);
  const builds = program.command('builds').description("list, show and delete a version's builds");
  withRegistryFlags(
    builds
      .command('list')
      .description("list a version's builds and their artifacts")
      .argument('<bucket>')
      .argument('<fingerprint>'),
  )
    .addHelpText(
      'after',
      examples(
        'imprint builds list ubuntu-base 01J...',
        'imprint builds list ubuntu-base 01J... --json',
      ),
    )
    .action(async (bucket: string, fp: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const list = await all(client.paginate('listBuilds', bucket, fp));
        if (flags.json) return out(json(list));
        out(
          table(
            ['ID', 'COMPONENT', 'PLATFORM', 'STATUS', 'ARTIFACTS'],
            list.map((b) => [b.id, b.component_type, b.platform || '-', b.status, artifactList(b)]),
          ),
        );
      });
    });
  withRegistryFlags(
    builds
      .command('get')
      .description('show a build: artifacts per region, labels, source image, metadata')
      .argument('<bucket>')
      .argument('<fingerprint>')
      .argument('<build-id>'),
  )
    .addHelpText('after', examples('imprint builds get ubuntu-base 01J... 01J... --json'))
    .action(async (bucket: string, fp: string, id: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const b = await client.getBuild(bucket, fp, id);
        out(flags.json ? json(b) : describeBuild(b));
      });
    });
  withYes(
    withRegistryFlags(
      builds
        .command('delete')
        .description('delete a build of an incomplete version')
        .argument('<bucket>')
        .argument('<fingerprint>')
        .argument('<build-id>'),
      false,
    ),
  )
    .addHelpText('after', examples('imprint builds delete ubuntu-base 01J... 01J... --yes'))
    .action(async (bucket: string, fp: string, id: string, flags: DeleteFlags) => {
      requireYes(
        flags,
        `deleting build ${id} of ${bucket} ${fp} also deletes its artifacts`,
        `imprint builds delete ${bucket} ${fp} ${id}`,
      );
      await read(flags, async (client) => {
        await client.deleteBuild(bucket, fp, id);
        out(`Deleted build ${id} of ${bucket} ${fp}.\n`);
      });
    });
}
