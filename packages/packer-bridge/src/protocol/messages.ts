/*
 * The messages of PROTOCOL.md §2–4, one definition for the host and the tests
 * that drive it as the Go side does.
 */

/** `{code, message}` of a failed request: the thrown error's `code` and its message unchanged. */
export interface WireError {
  readonly code: string;
  readonly message: string;
}

/** First line on fd 4. */
export type ReadyLine =
  | { readonly ready: true; readonly plugin: { readonly name: string; readonly version: string } }
  | { readonly ready: false; readonly error: WireError };

/** `build` of a `prepare` request: what Packer passes as `packer_*` keys. */
export interface BuildInfo {
  /** `packer_build_name`: the source's name in the template. */
  readonly name: string;
  /** `packer_builder_type`. */
  readonly type: string;
  /** `packer build -force`. */
  readonly force: boolean;
  /** Every `packer_*` key as given. */
  readonly packer: Record<string, unknown>;
}

/** The four values of an artifact the bridge caches; `state` and `destroy` go to the host. */
export interface ArtifactValues {
  readonly builderId: string;
  readonly id: string;
  readonly files: string[];
  readonly string: string;
}

/** An artifact the host holds: its values and the handle to reach it by. */
export interface WireArtifact extends ArtifactValues {
  readonly handle: string;
}

/** The requests of PROTOCOL.md §3, by `op`. */
export type Request = { readonly id: number } & (
  | {
      readonly op: 'prepare';
      readonly config: Record<string, unknown>;
      readonly build?: BuildInfo;
    }
  | { readonly op: 'run' }
  | { readonly op: 'postProcess'; readonly input: ArtifactValues }
  | { readonly op: 'execute' }
  | { readonly op: 'cancel'; readonly target: number }
  | {
      readonly op: 'answer';
      readonly ask: number;
      readonly answer?: string;
      readonly error?: string;
    }
  | { readonly op: 'state'; readonly handle: string; readonly key: string }
  | { readonly op: 'destroy'; readonly handle: string }
);

export type Op = Request['op'];

/** Requests that run the component; every other request is answered while they run. */
export const LONG_OPS: readonly Op[] = ['run', 'postProcess', 'execute'];

/** What each request's successful reply carries. */
export interface Results {
  prepare: { readonly warnings: readonly string[] };
  run: { readonly artifact: WireArtifact };
  postProcess: { readonly artifact: WireArtifact; readonly keepInput: boolean };
  execute: { readonly outputs: Record<string, unknown> };
  cancel: Record<string, never>;
  answer: Record<string, never>;
  state: { readonly value: unknown };
  destroy: Record<string, never>;
}

export type Reply =
  | { readonly id: number; readonly ok: true; readonly result: Results[Op] }
  | { readonly id: number; readonly ok: false; readonly error: WireError };

/** Events during `run`, `postProcess` and `execute`, carrying the request's id. */
export type Event = { readonly id: number } & (
  | { readonly event: 'say' | 'message' | 'error'; readonly text: string }
  | {
      readonly event: 'progress';
      readonly step: string;
      readonly completed?: number;
      readonly total?: number;
    }
  | { readonly event: 'ask'; readonly ask: number; readonly question: string }
);

/** Calls on fd 6 about a post-processor's input artifact (one outstanding at a time, so no id). */
export type Call =
  { readonly call: 'input.state'; readonly key: string } | { readonly call: 'input.destroy' };

/** Replies on fd 5. */
export type CallReply =
  { readonly ok: true; readonly value?: unknown } | { readonly ok: false; readonly error: string };

/** The host's file descriptors (PROTOCOL.md §2). */
export const FD = { requests: 3, replies: 4, callReplies: 5, calls: 6 } as const;
