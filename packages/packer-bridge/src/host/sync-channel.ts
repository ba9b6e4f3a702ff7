import { InputCallError } from '../errors';
import { LineSplitter, encodeLine } from '../protocol/lines';
import type { Call, CallReply } from '../protocol/messages';
import { readSomeSync, writeAllSync } from './sync-io';

/**
 * The synchronous channel of PROTOCOL.md §4: a call line out on one
 * descriptor, then a blocking read of its reply line on the other. Used where
 * the SDK's interface is synchronous (a post-processor's `input.state(key)`).
 */
export class SyncChannel {
  private readonly splitter = new LineSplitter();
  private readonly buffer = Buffer.alloc(64 * 1024);
  private readonly queued: string[] = [];

  constructor(
    private readonly callFd: number,
    private readonly replyFd: number,
  ) {}

  /** @throws {@link InputCallError} when the bridge closed the channel or answered something unreadable. */
  call(call: Call): CallReply {
    try {
      writeAllSync(this.callFd, encodeLine(call));
    } catch (error) {
      throw new InputCallError(
        `cannot ask the bridge for ${call.call} (${(error as Error).message}): is this host run by the bridge binary?`,
        { cause: error },
      );
    }
    const line = this.readLine(call);
    let reply: unknown;
    try {
      reply = JSON.parse(line);
    } catch {
      throw new InputCallError(
        `the bridge answered ${call.call} with a line that is not JSON: ${line}`,
      );
    }
    const r = reply as Partial<Record<'ok' | 'error' | 'value', unknown>> | null;
    if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean') {
      throw new InputCallError(`the bridge answered ${call.call} without "ok": ${line}`);
    }
    return r.ok
      ? { ok: true, value: r.value }
      : { ok: false, error: typeof r.error === 'string' ? r.error : JSON.stringify(r.error) };
  }

  private readLine(call: Call): string {
    while (this.queued.length === 0) {
      let n: number;
      try {
        n = readSomeSync(this.replyFd, this.buffer);
      } catch (error) {
        throw new InputCallError(
          `reading the bridge's answer to ${call.call} failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
      if (n === 0) {
        throw new InputCallError(
          `the bridge closed the call channel before answering ${call.call}`,
        );
      }
      this.queued.push(...this.splitter.push(Buffer.from(this.buffer.subarray(0, n))));
    }
    return this.queued.shift()!;
  }
}
