import { resolve } from 'node:path';
import { pushSpool } from '../lazy';
import type { Command } from 'commander';
import type { Context } from './context';
import { actionHelpers } from './context';
import type { ReadFlags } from './options';
import { registryCommand } from './options';

/** `imprint push`: publishes a spool file. */
export function addPushCommand(program: Command, c: Context): void {
  const { show } = actionHelpers(c);
  registryCommand(
    program,
    'push',
    'publish a spool file a build wrote while the registry was unreachable',
    ['imprint push /tmp/imprint-run-x/registry-spool.json'],
  )
    .argument('<spool>', 'spool file (registry-spool.json)')
    .action((file: string, flags: ReadFlags) =>
      show(
        flags,
        (client) =>
          pushSpool(resolve(file), client, {
            onEvent: (e) => {
              if (e.kind === 'warning') c.io.stderr(`warning: ${e.message}\n`);
            },
          }),
        (result) =>
          `Pushed ${result.pushed.length} build(s) to ${result.bucket} ${result.fingerprint}` +
          (result.skipped.length > 0 ? `; ${result.skipped.length} already done` : '') +
          (result.sboms.length > 0 ? `; ${result.sboms.length} SBOM(s)` : '') +
          `; version ${result.versionComplete ? 'complete' : 'incomplete'}` +
          (result.channels.length > 0 ? `; channels ${result.channels.join(', ')}` : '') +
          '\n',
      ),
    );
}
