import { resolve } from 'node:path';
import { pushSpool } from '@imprint/core';
import type { Command } from 'commander';
import { json } from '../format';
import type { Context } from './context';
import { actionHelpers } from './context';
import type { ReadFlags } from './options';
import { examples, withRegistryFlags } from './options';

/** `imprint push`: publishes a spool file. */
export function addPushCommand(program: Command, c: Context): void {
  const { read, out } = actionHelpers(c);
  withRegistryFlags(
    program
      .command('push')
      .description('publish a spool file a build wrote while the registry was unreachable')
      .argument('<spool>', 'spool file (registry-spool.json)'),
  )
    .addHelpText('after', examples('imprint push /tmp/imprint-run-x/registry-spool.json'))
    .action(async (file: string, flags: ReadFlags) => {
      await read(flags, async (client) => {
        const result = await pushSpool(resolve(file), client, {
          onEvent: (e) => {
            if (e.kind === 'warning') c.io.stderr(`warning: ${e.message}\n`);
          },
        });
        if (flags.json) return out(json(result));
        out(
          `Pushed ${result.pushed.length} build(s) to ${result.bucket} ${result.fingerprint}` +
            (result.skipped.length > 0 ? `; ${result.skipped.length} already done` : '') +
            `; version ${result.versionComplete ? 'complete' : 'incomplete'}` +
            (result.channels.length > 0 ? `; channels ${result.channels.join(', ')}` : '') +
            '\n',
        );
      });
    });
}
