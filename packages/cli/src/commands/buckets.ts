import type { Command } from 'commander';
import { describeBucket, json, table } from '../format';
import type { Context } from './context';
import { UsageError, actionHelpers } from './context';
import type { DeleteFlags, ReadFlags } from './options';
import { all, collectLabel, examples, requireYes, withRegistryFlags, withYes } from './options';

type BucketFlags = ReadFlags & { description?: string; label?: Record<string, string> };

/** `imprint buckets list|get|create|update|delete`. */
export function addBucketsCommands(program: Command, c: Context): void {
  const { read, out } = actionHelpers(c);
  const buckets = program
    .command('buckets')
    .description('list, show, create, update and delete buckets');
  withRegistryFlags(buckets.command('list').description('list buckets'))
    .addHelpText('after', examples('imprint buckets list', 'imprint buckets list --json'))
    .action(async (flags: ReadFlags) => {
      await read(flags, async (client) => {
        const list = await all(client.paginate('listBuckets'));
        if (flags.json) return out(json(list));
        out(
          table(
            ['NAME', 'LATEST', 'VERSIONS', 'UPDATED'],
            list.map((b) => [b.name, b.latest_version?.name ?? '-', b.version_count, b.updated_at]),
          ),
        );
      });
    });
  withRegistryFlags(
    buckets.command('get').description('show a bucket').argument('<name>', 'bucket name'),
  )
    .addHelpText(
      'after',
      examples('imprint buckets get ubuntu-base', 'imprint buckets get ubuntu-base --json'),
    )
    .action(async (name: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const b = await client.getBucket(name);
        out(flags.json ? json(b) : describeBucket(b));
      });
    });
  withRegistryFlags(
    buckets
      .command('create')
      .description('create a bucket (the registry adds its managed latest channel)')
      .argument('<name>', 'bucket name: 3 to 36 letters, digits or hyphens'),
  )
    .option('--description <text>', 'what the bucket holds')
    .option('--label <key=value>', 'set a label (repeatable)', collectLabel)
    .addHelpText(
      'after',
      examples(
        "imprint buckets create ubuntu-base --description 'Ubuntu 24.04 base' --label os=ubuntu",
        'imprint buckets create ubuntu-base --json',
      ),
    )
    .action(async (name: string, flags: BucketFlags) => {
      await read(flags, async (client) => {
        const b = await client.createBucket({
          name,
          ...(flags.description === undefined ? {} : { description: flags.description }),
          ...(flags.label === undefined ? {} : { labels: flags.label }),
        });
        out(flags.json ? json(b) : describeBucket(b));
      });
    });
  withRegistryFlags(
    buckets
      .command('update')
      .description("change a bucket's description or labels")
      .argument('<name>', 'bucket name'),
  )
    .option('--description <text>', 'new description (empty to clear)')
    .option(
      '--label <key=value>',
      "replace the bucket's labels with these (repeatable)",
      collectLabel,
    )
    .addHelpText(
      'after',
      examples(
        "imprint buckets update ubuntu-base --description 'Ubuntu 24.04 LTS base'",
        'imprint buckets update ubuntu-base --label os=ubuntu --label team=platform',
      ),
    )
    .action(async (name: string, flags: BucketFlags) => {
      if (flags.description === undefined && flags.label === undefined) {
        throw new UsageError('nothing to update: pass --description and/or --label');
      }
      await read(flags, async (client) => {
        const b = await client.updateBucket(name, {
          ...(flags.description === undefined ? {} : { description: flags.description }),
          ...(flags.label === undefined ? {} : { labels: flags.label }),
        });
        out(flags.json ? json(b) : describeBucket(b));
      });
    });
  withYes(
    withRegistryFlags(
      buckets
        .command('delete')
        .description('delete a bucket with all its versions, builds and channels')
        .argument('<name>', 'bucket name'),
      false,
    ),
  )
    .addHelpText('after', examples('imprint buckets delete ubuntu-base --yes'))
    .action(async (name: string, flags: DeleteFlags) => {
      requireYes(
        flags,
        `deleting bucket '${name}' also deletes all its versions, builds and channels`,
        `imprint buckets delete ${name}`,
      );
      await read(flags, async (client) => {
        await client.deleteBucket(name);
        out(`Deleted bucket ${name}.\n`);
      });
    });
}
