import type { Command } from 'commander';
import { describeBucket, table } from '../format';
import type { Context } from './context';
import { UsageError, actionHelpers, checkNewName } from './context';
import type { DeleteFlags, ReadFlags } from './options';
import { all, collectLabel, deleteCommand, registryCommand } from './options';

type BucketFlags = ReadFlags & { description?: string; label?: Record<string, string> };

/** The fields of a bucket that `--description` and `--label` set; absent flags leave them out. */
function bucketFields(flags: BucketFlags): {
  description?: string;
  labels?: Record<string, string>;
} {
  return {
    ...(flags.description === undefined ? {} : { description: flags.description }),
    ...(flags.label === undefined ? {} : { labels: flags.label }),
  };
}

/** `imprint buckets list|get|create|update|delete`. */
export function addBucketsCommands(program: Command, c: Context): void {
  const { show, remove } = actionHelpers(c);
  const buckets = program
    .command('buckets')
    .description('list, show, create, update and delete buckets');
  registryCommand(buckets, 'list', 'list buckets', [
    'imprint buckets list',
    'imprint buckets list --json',
  ]).action((flags: ReadFlags) =>
    show(
      flags,
      (client) => all(client.paginate('listBuckets')),
      (list) =>
        table(
          ['NAME', 'LATEST', 'VERSIONS', 'UPDATED'],
          list.map((b) => [b.name, b.latest_version?.name ?? '-', b.version_count, b.updated_at]),
        ),
    ),
  );
  registryCommand(buckets, 'get', 'show a bucket', [
    'imprint buckets get ubuntu-base',
    'imprint buckets get ubuntu-base --json',
  ])
    .argument('<name>', 'bucket name')
    .action((name: string, flags: ReadFlags) =>
      show(flags, (client) => client.getBucket(name), describeBucket),
    );
  registryCommand(
    buckets,
    'create',
    'create a bucket (the registry adds its managed latest channel)',
    [
      "imprint buckets create ubuntu-base --description 'Ubuntu 24.04 base' --label os=ubuntu",
      'imprint buckets create ubuntu-base --json',
    ],
  )
    .argument('<name>', 'bucket name: 3 to 36 letters, digits or hyphens')
    .option('--description <text>', 'what the bucket holds')
    .option('--label <key=value>', 'set a label (repeatable)', collectLabel)
    .action((name: string, flags: BucketFlags) => {
      checkNewName('bucket', name, flags.description);
      return show(
        flags,
        (client) => client.createBucket({ name, ...bucketFields(flags) }),
        describeBucket,
      );
    });
  registryCommand(buckets, 'update', "change a bucket's description or labels", [
    "imprint buckets update ubuntu-base --description 'Ubuntu 24.04 LTS base'",
    'imprint buckets update ubuntu-base --label os=ubuntu --label team=platform',
  ])
    .argument('<name>', 'bucket name')
    .option('--description <text>', 'new description (empty to clear)')
    .option(
      '--label <key=value>',
      "replace the bucket's labels with these (repeatable)",
      collectLabel,
    )
    .action(async (name: string, flags: BucketFlags) => {
      if (flags.description === undefined && flags.label === undefined) {
        throw new UsageError('nothing to update: pass --description and/or --label');
      }
      if (flags.description !== undefined) checkNewName('bucket', name, flags.description);
      await show(flags, (client) => client.updateBucket(name, bucketFields(flags)), describeBucket);
    });
  deleteCommand(buckets, 'delete', 'delete a bucket with all its versions, builds and channels', [
    'imprint buckets delete ubuntu-base --yes',
  ])
    .argument('<name>', 'bucket name')
    .action((name: string, flags: DeleteFlags) =>
      remove(
        flags,
        {
          what: `deleting bucket '${name}' also deletes all its versions, builds and channels`,
          retry: `imprint buckets delete ${name}`,
        },
        (client) => client.deleteBucket(name),
        `Deleted bucket ${name}.\n`,
      ),
    );
}
