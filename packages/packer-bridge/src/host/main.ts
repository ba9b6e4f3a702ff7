#!/usr/bin/env node
import { fstatSync } from 'node:fs';
import { Socket } from 'node:net';
import { loadPlugin } from '@imprint/sdk';
import type { PluginSet } from '@imprint/sdk';
import { LineSplitter, encodeLine } from '../protocol/lines';
import type { Event, ReadyLine, Reply } from '../protocol/messages';
import { FD } from '../protocol/messages';
import { parseHostArgs } from './args';
import { Session, wireError } from './session';
import { SyncChannel } from './sync-channel';
import { writeAllSync } from './sync-io';

/*
 * The host process (PROTOCOL.md §2): the bridge binary starts it with four
 * extra pipes, it loads the plugin, says it is ready, and serves requests
 * until the bridge closes fd 3.
 */

/** How long running requests get to finish once the bridge is gone. */
const SHUTDOWN_GRACE_MS = 5000;

function log(message: string): void {
  process.stderr.write(`imprint packer host: ${message}\n`);
}

let closing = false;

/** Writes one line on fd 4; synchronous, so lines keep their order. */
function send(message: ReadyLine | Reply | Event): void {
  if (closing) return;
  try {
    writeAllSync(FD.replies, encodeLine(message));
  } catch (error) {
    // EPIPE: the bridge is gone; what was running is aborted below.
    log(`cannot write to the bridge (${(error as Error).message}); stopping`);
    void stop(1);
  }
}

let session: Session | undefined;

async function stop(code: number): Promise<never> {
  if (!closing) {
    closing = true;
    await session?.shutdown(SHUTDOWN_GRACE_MS);
  }
  process.exit(code);
}

async function main(): Promise<void> {
  // Cancellation is the bridge's `cancel` request: Ctrl-C in Packer's terminal
  // reaches this process group too, and must not kill a build half-way.
  process.on('SIGINT', () => undefined);
  for (const fd of Object.values(FD)) {
    try {
      fstatSync(fd);
    } catch {
      log(
        `file descriptor ${fd} is not open: this program is started by a Packer plugin binary made with \`imprint plugins package\`, not by hand`,
      );
      process.exit(2);
    }
  }
  process.on('unhandledRejection', (reason) =>
    log(`unhandled rejection in the plugin: ${String(reason)}`),
  );
  process.on('uncaughtException', (error) =>
    log(`uncaught exception in the plugin: ${error.stack ?? String(error)}`),
  );

  let plugin: PluginSet;
  let args: ReturnType<typeof parseHostArgs>;
  try {
    args = parseHostArgs(process.argv.slice(2));
    plugin = await loadPlugin(args.package, args.from);
  } catch (error) {
    send({ ready: false, error: wireError(error) });
    process.exit(1);
  }
  send({ ready: true, plugin: { name: plugin.info.name, version: plugin.info.version } });
  session = new Session(plugin, args, send, new SyncChannel(FD.calls, FD.callReplies));

  const requests = new Socket({ fd: FD.requests, readable: true, writable: false });
  const splitter = new LineSplitter();
  requests.on('data', (chunk: Buffer) => {
    for (const line of splitter.push(chunk)) session!.handleLine(line);
  });
  requests.on('error', (error) => log(`reading requests failed: ${error.message}`));
  requests.on('close', () => void stop(0));
}

void main();
