import type { ProgressUpdate, Ui } from '../plugin/ui';

/** One line a component wrote through its {@link Ui}. */
export type UiEntry =
  | { readonly level: 'say' | 'message' | 'error'; readonly text: string }
  | { readonly level: 'progress'; readonly update: ProgressUpdate };

/** A {@link Ui} that keeps everything written to it, for assertions. */
export class RecordingUi implements Ui {
  readonly entries: UiEntry[] = [];

  say(message: string): void {
    this.entries.push({ level: 'say', text: message });
  }
  message(message: string): void {
    this.entries.push({ level: 'message', text: message });
  }
  error(message: string): void {
    this.entries.push({ level: 'error', text: message });
  }
  progress(update: ProgressUpdate): void {
    this.entries.push({ level: 'progress', update });
  }

  /** The text of every `say`, `message` and `error` line, in order. */
  lines(): string[] {
    return this.entries.flatMap((e) => (e.level === 'progress' ? [] : [e.text]));
  }
}
