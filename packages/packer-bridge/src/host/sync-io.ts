import { readSync, writeSync } from 'node:fs';

/*
 * Blocking reads and writes on the protocol's file descriptors. A descriptor
 * may be in non-blocking mode (a socket pair from Node's spawn, or one another
 * reader switched), so EAGAIN means "not yet": wait a millisecond and retry.
 */

const pause = new Int32Array(new SharedArrayBuffer(4));

function isAgain(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK';
}

/** Writes all of `text`, in order, before returning. */
export function writeAllSync(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if (!isAgain(error)) throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/** Reads what is available (at least one byte), blocking until then; 0 at end of input. */
export function readSomeSync(fd: number, into: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, into, 0, into.length, null);
    } catch (error) {
      if (!isAgain(error)) throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
