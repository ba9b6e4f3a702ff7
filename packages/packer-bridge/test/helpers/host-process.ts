import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Call, CallReply, Event, ReadyLine, Reply } from '@imprint/packer-bridge';
import { LineSplitter, encodeLine } from '@imprint/packer-bridge';

/** The repository root: the examples resolve from here (they are workspace packages). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
/** The built host (`cd /work/main && npx tsc -b tsconfig.json`). */
export const HOST = join(REPO_ROOT, 'packages', 'packer-bridge', 'dist', 'host', 'main.js');

if (!existsSync(HOST)) {
  throw new Error(
    `${HOST} is missing: run \`npx tsc -b tsconfig.json\` at the repository root first`,
  );
}

/** What a successful or failed reply carries. */
export type ReplyOf = Extract<Reply, { ok: true }>['result'] & Record<string, unknown>;

/**
 * A host process driven the way the Go bridge drives it: requests on fd 3,
 * replies and events from fd 4, calls from fd 6 answered on fd 5.
 */
export class HostProcess {
  readonly child: ChildProcess;
  readonly events: Event[] = [];
  stderr = '';
  private readonly replies = new Map<number, (reply: Reply) => void>();
  private readyLine?: Promise<ReadyLine>;
  private nextId = 1;
  /** Answers the host's calls; the default refuses them. */
  onCall: (call: Call) => Promise<CallReply> | CallReply = (call) => ({
    ok: false,
    error: `no call handler for ${call.call}`,
  });
  /** Called for every event, e.g. to cancel once something started. */
  onEvent: (event: Event) => void = () => undefined;
  readonly exit: Promise<number | null>;

  constructor(args: {
    kind: string;
    component: string;
    pkg: string;
    cwd: string;
    from?: string;
    extra?: string[];
  }) {
    this.child = spawn(
      process.execPath,
      [
        HOST,
        '--kind',
        args.kind,
        '--component',
        args.component,
        '--package',
        args.pkg,
        '--from',
        args.from ?? REPO_ROOT,
        ...(args.extra ?? []),
      ],
      { cwd: args.cwd, stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'] },
    );
    this.exit = new Promise((done) => this.child.on('exit', (code) => done(code)));
    this.child.stdout!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.readyLine = new Promise((ready) => {
      const splitter = new LineSplitter();
      let first = true;
      this.stream(4).on('data', (chunk: Buffer) => {
        for (const line of splitter.push(chunk)) {
          const message = JSON.parse(line) as ReadyLine | Reply | Event;
          if (first) {
            first = false;
            ready(message as ReadyLine);
          } else if ('event' in message) {
            this.events.push(message);
            this.onEvent(message);
          } else {
            this.replies.get((message as Reply).id)?.(message as Reply);
          }
        }
      });
    });
    const calls = new LineSplitter();
    this.stream(6).on('data', (chunk: Buffer) => {
      for (const line of calls.push(chunk)) {
        void Promise.resolve(this.onCall(JSON.parse(line) as Call)).then((reply) =>
          (this.stream(5) as Writable).write(encodeLine(reply)),
        );
      }
    });
  }

  ready(): Promise<ReadyLine> {
    return this.readyLine!;
  }

  /** Sends a request and resolves with its reply (ok or not). */
  request(op: string, fields: Record<string, unknown> = {}): Promise<Reply> & { id: number } {
    const id = this.nextId++;
    const reply = this.send({ id, op, ...fields }, id);
    return Object.assign(reply, { id });
  }

  /** Sends a raw line and resolves with the reply to `id`. */
  send(message: unknown, id: number): Promise<Reply> {
    const reply = new Promise<Reply>((done) => this.replies.set(id, done));
    (this.stream(3) as Writable).write(typeof message === 'string' ? message : encodeLine(message));
    return reply;
  }

  /** Sends a request that must succeed and returns its result. */
  async ok(op: string, fields: Record<string, unknown> = {}): Promise<ReplyOf> {
    const reply = await this.request(op, fields);
    if (!reply.ok) throw new Error(`${op} failed: ${reply.error.code}: ${reply.error.message}`);
    return reply.result as ReplyOf;
  }

  /** Closes fd 3, as the bridge does when it goes away. */
  closeRequests(): void {
    (this.stream(3) as Writable).end();
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  private stream(fd: number): Readable | Writable {
    return this.child.stdio[fd] as Readable | Writable;
  }
}
