import { createWriteStream, type WriteStream } from 'node:fs';
import type { AuditEvent } from '@imprint/client';
import type { FastifyBaseLogger } from 'fastify';

/** Where finished audit entries go besides the database. */
export interface AuditSink {
  write(event: AuditEvent): void;
  close(): Promise<void>;
}

/** No file sink (the default): the database is the record. */
export const NO_AUDIT_SINK: AuditSink = {
  write: () => undefined,
  close: () => Promise.resolve(),
};

/**
 * `--audit-log FILE`: appends each finished entry as one JSON line, for a log
 * shipper to follow. Lines are not fsync'ed one by one (the OS flushes them;
 * a machine crash may lose the last few): the database, written before every
 * change, is the record. A write error is logged, never fatal, for the same
 * reason; the stream keeps trying with the next entries.
 */
export class AuditFileSink implements AuditSink {
  private readonly stream: WriteStream;

  constructor(
    readonly file: string,
    private readonly log: FastifyBaseLogger,
  ) {
    this.stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
    this.stream.on('error', (error) =>
      this.log.error({ err: error, audit_log: file }, 'cannot write to the audit log file'),
    );
  }

  write(event: AuditEvent): void {
    if (this.stream.destroyed) return;
    this.stream.write(`${JSON.stringify(event)}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stream.destroyed) return resolve();
      this.stream.end(() => resolve());
    });
  }
}
