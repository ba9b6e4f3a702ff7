import type { Command } from 'commander';
import { artifactList, describeBuild, table } from '../format';
import type { Context } from './context';
import { actionHelpers } from './context';
import type { DeleteFlags, ReadFlags } from './options';
import { all, deleteCommand, registryCommand } from './options';

/** `imprint builds list|get|delete`. */
export function addBuildsCommands(program: Command, c: Context): void {
  const { show, remove } = actionHelpers(c);
  const builds = program.command('builds').description("list, show and delete a version's builds");
  registryCommand(
    builds,
    'list <bucket> <fingerprint>',
    "list a version's builds and their artifacts",
    ['imprint builds list ubuntu-base 01J...', 'imprint builds list ubuntu-base 01J... --json'],
  ).action((bucket: string, fp: string, flags: ReadFlags) =>
    show(
      flags,
      (client) => all(client.paginate('listBuilds', bucket, fp)),
      (list) =>
        table(
          ['ID', 'COMPONENT', 'PLATFORM', 'STATUS', 'ARTIFACTS'],
          list.map((b) => [b.id, b.component_type, b.platform || '-', b.status, artifactList(b)]),
        ),
    ),
  );
  registryCommand(
    builds,
    'get <bucket> <fingerprint> <build-id>',
    'show a build: artifacts per region, labels, source image, metadata',
    ['imprint builds get ubuntu-base 01J... 01J... --json'],
  ).action((bucket: string, fp: string, id: string, flags: ReadFlags) =>
    show(flags, (client) => client.getBuild(bucket, fp, id), describeBuild),
  );
  deleteCommand(
    builds,
    'delete <bucket> <fingerprint> <build-id>',
    'delete a build of an incomplete version',
    ['imprint builds delete ubuntu-base 01J... 01J... --yes'],
  ).action((bucket: string, fp: string, id: string, flags: DeleteFlags) =>
    remove(
      flags,
      {
        what: `deleting build ${id} of ${bucket} ${fp} also deletes its artifacts`,
        retry: `imprint builds delete ${bucket} ${fp} ${id}`,
      },
      (client) => client.deleteBuild(bucket, fp, id),
      `Deleted build ${id} of ${bucket} ${fp}.\n`,
    ),
  );
}
