/** Kinds of {@link RunEvent}. */
export type RunEventKind = 'say' | 'message' | 'error' | 'progress' | 'info' | 'warning';

/** One line of output of a run, for a reporter. */
export interface RunEvent {
  readonly kind: RunEventKind;
  /** Build name, for lines of one build. */
  readonly build?: string;
  /** The message as the component or the runner wrote it. */
  readonly message: string;
  /** The line to print: the message prefixed with the build name (`docker-like.base: …`). */
  readonly line: string;
}

/** Receives every {@link RunEvent} of a run. */
export type RunEventHandler = (event: RunEvent) => void;

/** Emits one {@link RunEvent}; `build` names the build a line belongs to. */
export type Emit = (kind: RunEventKind, message: string, build?: string) => void;

export function emitter(onEvent: RunEventHandler | undefined): Emit {
  return (kind, message, build) => {
    onEvent?.({
      kind,
      message,
      line: build === undefined ? message : `${build}: ${message}`,
      ...(build === undefined ? {} : { build }),
    });
  };
}
