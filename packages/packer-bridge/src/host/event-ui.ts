import type { ProgressUpdate, Ui } from '@imprint/sdk';
import type { Event } from '../protocol/messages';

/** At most one progress event per step per this many milliseconds (PROTOCOL.md §3). */
export const PROGRESS_INTERVAL_MS = 1000;

/**
 * The `Ui` of one running request: every call becomes an event carrying the
 * request's id. Progress is throttled per step (the last update of a step,
 * `completed === total`, always goes out); `ask` is present only when given.
 */
export function createEventUi(
  id: number,
  send: (event: Event) => void,
  ask?: (question: string) => Promise<string>,
  now: () => number = Date.now,
): Ui {
  const lastSent = new Map<string, number>();
  const text = (value: unknown) => (typeof value === 'string' ? value : String(value));
  const ui: Ui = {
    say: (m) => send({ id, event: 'say', text: text(m) }),
    message: (m) => send({ id, event: 'message', text: text(m) }),
    error: (m) => send({ id, event: 'error', text: text(m) }),
    progress: (update: ProgressUpdate) => {
      const step = text(update?.step);
      const at = now();
      const last = lastSent.get(step);
      const finished = update.total !== undefined && update.completed === update.total;
      if (last !== undefined && at - last < PROGRESS_INTERVAL_MS && !finished) return;
      lastSent.set(step, at);
      send({
        id,
        event: 'progress',
        step,
        ...(typeof update.completed === 'number' ? { completed: update.completed } : {}),
        ...(typeof update.total === 'number' ? { total: update.total } : {}),
      });
    },
  };
  if (ask !== undefined) ui.ask = (question) => ask(text(question));
  return ui;
}
