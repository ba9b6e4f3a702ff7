import type { RunEvent, RunResult, Template } from '@imprint/core';
import { Listr } from 'listr2';
import type { ListrTaskWrapper } from 'listr2';

interface Slot {
  task?: { output: string; title: string; skip(message?: string): void };
  latest?: string;
  settled: boolean;
  resolve(): void;
  reject(error: Error): void;
}

/** Width used when neither the terminal nor `COLUMNS` tells one. */
export const FALLBACK_COLUMNS = 80;

/**
 * The terminal's width: the stream's `columns` when the terminal reports one,
 * else `$COLUMNS`, else {@link FALLBACK_COLUMNS}. A pseudo-terminal nobody
 * sized (CI, `script`) reports 0 columns.
 */
export function terminalColumns(
  stream: { readonly columns?: number },
  env: Readonly<Record<string, string | undefined>>,
): number {
  if (typeof stream.columns === 'number' && stream.columns > 0) return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return FALLBACK_COLUMNS;
}

/** Build names as the runner gives them: `<type>.<name>`, or `<build>.<type>.<name>` when shared. */
export function buildNames(template: Template): string[] {
  const uses = new Map<string, number>();
  for (const b of template.builds) for (const s of b.sources) uses.set(s, (uses.get(s) ?? 0) + 1);
  const names: string[] = [];
  template.builds.forEach((b, i) => {
    for (const s of b.sources) {
      const name = (uses.get(s) ?? 0) > 1 ? `${b.name ?? String(i)}.${s}` : s;
      if (!names.includes(name)) names.push(name);
    }
  });
  return names;
}

/**
 * A live display of the builds (listr2): one task per build with its latest
 * message and final status. Every line is cut to the terminal's width (so a
 * long message never wraps and scrolls the display); error and warning lines
 * are kept whole and printed by the caller after {@link LiveProgress.finish},
 * so that none is hidden.
 */
export class LiveProgress {
  private readonly slots = new Map<string, Slot>();
  private readonly listr: Listr;
  private readonly running: Promise<unknown>;
  /** Error and warning lines, printed once the display has ended. */
  readonly deferred: string[] = [];

  /**
   * @param stdout the terminal written to; when it reports no width (0 or
   *   none) its `columns` is set to `columns`, since listr2 reads that
   *   property to cut lines, and wraps at every character without it.
   */
  constructor(
    names: readonly string[],
    options: { readonly stdout?: { columns?: number }; readonly columns?: number } = {},
  ) {
    const stdout = options.stdout ?? process.stdout;
    if (!(typeof stdout.columns === 'number' && stdout.columns > 0)) {
      stdout.columns = options.columns ?? FALLBACK_COLUMNS;
    }
    this.listr = new Listr([], {
      concurrent: true,
      exitOnError: false,
      rendererOptions: { collapseErrors: false, formatOutput: 'truncate' },
    });
    for (const name of names) this.add(name);
    this.running = this.listr.run().catch(() => undefined);
  }

  private add(name: string): Slot {
    let slot!: Slot;
    const done = new Promise<void>((resolve, reject) => {
      slot = { settled: false, resolve, reject };
    });
    this.slots.set(name, slot);
    this.listr.add({
      title: name,
      task: async (_ctx: unknown, task: ListrTaskWrapper<unknown, never, never>) => {
        slot.task = task;
        if (slot.latest !== undefined) task.output = slot.latest;
        await done;
      },
      rendererOptions: { outputBar: 1, persistentOutput: false },
    } as never);
    return slot;
  }

  /** Shows an event as its build's latest message. */
  event(e: RunEvent, line: string): void {
    if (e.kind === 'error' || e.kind === 'warning') this.deferred.push(line);
    const slot = this.slots.get(e.build ?? '');
    if (!slot) return;
    slot.latest = e.message;
    if (slot.task) slot.task.output = e.message;
  }

  /**
   * Settles every task from the result (or fails them with `error`) and waits
   * for the display to end. Each title ends with the build's final state
   * (`docker-like.base: done (BUILD_DONE)`); a failed build shows its error below.
   */
  async finish(result?: RunResult, error?: unknown): Promise<void> {
    for (const [name, slot] of this.slots) {
      if (slot.settled) continue;
      slot.settled = true;
      const b = result?.builds.find((x) => x.name === name);
      if (b === undefined) {
        if (error !== undefined) slot.reject(new Error('run failed'));
        else slot.resolve();
        continue;
      }
      const state = `${name}: ${b.status}${b.registryStatus ? ` (${b.registryStatus})` : ''}`;
      if (slot.task) slot.task.title = state;
      if (b.status === 'done') {
        slot.resolve();
      } else if (b.status === 'skipped') {
        slot.task?.skip(`${name}: skipped (already done)`);
        slot.resolve();
      } else {
        slot.reject(new Error(b.error ?? b.status));
      }
    }
    await this.running;
  }
}
