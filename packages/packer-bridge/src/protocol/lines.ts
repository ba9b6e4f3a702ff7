/*
 * Framing: one JSON message per line, UTF-8, newline-terminated (PROTOCOL.md §2).
 */

/** A message as one protocol line. `JSON.stringify` escapes newlines inside strings. */
export function encodeLine(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}

/**
 * Splits a byte stream into lines. Bytes are kept until a newline arrives, so
 * a UTF-8 character split across chunks is decoded whole.
 */
export class LineSplitter {
  private pending: Buffer = Buffer.alloc(0);

  /** Adds a chunk; returns the complete lines it finished, without their newlines. */
  push(chunk: Buffer): string[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const lines: string[] = [];
    let start = 0;
    for (
      let nl = this.pending.indexOf(10, start);
      nl !== -1;
      nl = this.pending.indexOf(10, start)
    ) {
      const line = this.pending.subarray(start, nl).toString('utf8').replace(/\r$/, '');
      if (line.trim() !== '') lines.push(line);
      start = nl + 1;
    }
    this.pending = this.pending.subarray(start);
    return lines;
  }

  /** Bytes after the last newline (an unterminated line at end of input). */
  rest(): string {
    return this.pending.toString('utf8');
  }
}
