/** A step's progress, for the runner's live display. */
export interface ProgressUpdate {
  /** What is happening, e.g. `copying image to eu-west-1`. */
  readonly step: string;
  /** Units done so far, with `total`. */
  readonly completed?: number;
  readonly total?: number;
}

/**
 * How a component talks to the person running the build (Packer's `packersdk.Ui`).
 * The runner prefixes every line with the build's name.
 */
export interface Ui {
  /** A main step: `Creating image ami-0abc…`. */
  say(message: string): void;
  /** A detail under the current step. */
  message(message: string): void;
  /** Something went wrong (the component still throws to fail the build). */
  error(message: string): void;
  /** Progress of a long step. */
  progress(update: ProgressUpdate): void;
  /**
   * Asks the person running the build a question and resolves with the answer.
   * Present only when the run can ask someone: under Packer (through
   * `@imprint/packer-bridge`) it is Packer's `Ui.Ask`; the Imprint runner does
   * not ask, so check for it first: `if (ctx.ui.ask) { … }`.
   */
  ask?(question: string): Promise<string>;
}
