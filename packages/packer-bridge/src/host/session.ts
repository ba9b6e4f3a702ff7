import type { PackerArtifact, PluginSet } from '@imprint/sdk';
import { ARTIFACT_STATE_URI, decodeImages } from '@imprint/sdk';
import { BRIDGE_ERROR_CODES, BadRequestError } from '../errors';
import { LONG_OPS } from '../protocol/messages';
import type {
  BuildInfo,
  Event,
  Reply,
  Request,
  Results,
  WireArtifact,
  WireError,
} from '../protocol/messages';
import type { HostArgs } from './args';
import { createEventUi } from './event-ui';
import { BridgedInputArtifact } from './input-artifact';
import { RequestLineError, parseRequest } from './parse-request';
import { PreparedComponent } from './prepared-component';
import type { SyncChannel } from './sync-channel';

/** `{code, message}` of a thrown error: its `code` property, else the bridge's fallback. */
export function wireError(error: unknown): WireError {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    code: typeof code === 'string' && code !== '' ? code : BRIDGE_ERROR_CODES.UNCODED,
    message: error instanceof Error ? error.message : String(error),
  };
}

type Pending = { resolve(answer: string): void; reject(error: Error): void };

/**
 * Serves the requests of one component process (PROTOCOL.md §3). Every
 * request gets exactly one reply; a request that cannot be served gets an
 * error naming why, never a crash.
 */
export class Session {
  private component?: PreparedComponent;
  private readonly running = new Map<
    number,
    { controller: AbortController; done: Promise<void> }
  >();
  private readonly seen = new Set<number>();
  private readonly asks = new Map<number, Pending>();
  private readonly artifacts = new Map<string, PackerArtifact>();
  private nextAsk = 1;
  private nextHandle = 1;

  constructor(
    private readonly plugin: PluginSet,
    private readonly args: HostArgs,
    private readonly send: (message: Reply | Event) => void,
    private readonly channel: SyncChannel,
    private readonly cwd: string = process.cwd(),
  ) {}

  /** Handles one line of fd 3; long requests keep running after it returns. */
  handleLine(line: string): void {
    let request: Request;
    try {
      request = parseRequest(line);
    } catch (error) {
      if (error instanceof RequestLineError && error.id !== undefined) {
        this.send({ id: error.id, ok: false, error: wireError(error.error) });
      } else {
        // No id to answer: the bridge cannot match a reply, so it goes to Packer's log.
        process.stderr.write(`imprint packer host: ${(error as Error).message}\n`);
      }
      return;
    }
    if (this.seen.has(request.id)) {
      this.send({
        id: request.id,
        ok: false,
        error: wireError(
          new BadRequestError(`request id ${request.id} was already used; ids are unique`),
        ),
      });
      return;
    }
    this.seen.add(request.id);
    if (!LONG_OPS.includes(request.op)) {
      void this.serve(request);
      return;
    }
    const controller = new AbortController();
    const done = this.serveLong(request, controller.signal).finally(() =>
      this.running.delete(request.id),
    );
    this.running.set(request.id, { controller, done });
  }

  /** Aborts every running request and waits for them, at most `ms`. */
  async shutdown(ms: number): Promise<void> {
    for (const { controller } of this.running.values())
      controller.abort(new Error('the bridge is gone'));
    const all = Promise.allSettled([...this.running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((done) => (timer = setTimeout(done, ms)))]);
    clearTimeout(timer);
    this.component?.workDir?.removeIfEmpty();
  }

  private async serve(request: Request): Promise<void> {
    try {
      const result = await this.answer(request);
      this.send({ id: request.id, ok: true, result });
    } catch (error) {
      this.send({ id: request.id, ok: false, error: wireError(error) });
    }
  }

  private async answer(request: Request): Promise<Results[Request['op']]> {
    switch (request.op) {
      case 'prepare':
        return this.prepare(request.config, request.build);
      case 'cancel': {
        const target = this.running.get(request.target);
        if (target === undefined && !this.seen.has(request.target)) {
          throw new BadRequestError(`cancel: there is no request ${request.target}`);
        }
        // A target that finished already has nothing left to cancel.
        target?.controller.abort(new Error('cancelled'));
        return {};
      }
      case 'answer': {
        const pending = this.asks.get(request.ask);
        if (pending === undefined) {
          throw new BadRequestError(`answer: no question ${request.ask} is waiting for an answer`);
        }
        this.asks.delete(request.ask);
        if (typeof request.answer === 'string') pending.resolve(request.answer);
        else pending.reject(new Error(request.error ?? 'no answer'));
        return {};
      }
      case 'state': {
        const artifact = this.artifact(request.handle);
        const raw = artifact.state(request.key);
        // Packer core decodes this key into []Image with Go's field names.
        const value =
          request.key === ARTIFACT_STATE_URI
            ? decodeImages(raw).map((image) => image.toJSON())
            : toJson(raw);
        return { value };
      }
      case 'destroy': {
        await this.artifact(request.handle).destroy();
        this.artifacts.delete(request.handle);
        return {};
      }
      default:
        throw new BadRequestError(`op ${request.op} is not answered here`);
    }
  }

  private async prepare(config: Record<string, unknown>, build: BuildInfo | undefined) {
    const component = await PreparedComponent.create(
      this.plugin,
      this.args,
      config,
      build,
      this.cwd,
    );
    this.component = component;
    return { warnings: component.warnings };
  }

  private async serveLong(request: Request, signal: AbortSignal): Promise<void> {
    try {
      const c = this.component;
      if (c === undefined) throw new BadRequestError(`${request.op}: send prepare first`);
      const ask = (question: string) => this.ask(request.id, question, signal);
      const ui = createEventUi(request.id, this.send, ask);
      let result: Results['run' | 'postProcess' | 'execute'];
      if (request.op === 'run') {
        result = { artifact: this.keep(await c.run(ui, signal)) };
      } else if (request.op === 'postProcess') {
        const input = new BridgedInputArtifact(request.input, this.channel);
        const out = await c.postProcess(ui, signal, input);
        result = { artifact: this.keep(out.artifact), keepInput: Boolean(out.keepInput) };
      } else if (request.op === 'execute') {
        result = { outputs: await c.execute(createEventUi(request.id, this.send), signal) };
      } else {
        throw new BadRequestError(`op ${request.op} does not run the component`);
      }
      this.send({ id: request.id, ok: true, result });
    } catch (error) {
      this.send({ id: request.id, ok: false, error: wireError(error) });
    }
  }

  private ask(id: number, question: string, signal: AbortSignal): Promise<string> {
    signal.throwIfAborted();
    const ask = this.nextAsk++;
    return new Promise<string>((resolve, reject) => {
      const onAbort = () => {
        this.asks.delete(ask);
        reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const settle =
        <T>(fn: (v: T) => void) =>
        (v: T) => {
          signal.removeEventListener('abort', onAbort);
          fn(v);
        };
      this.asks.set(ask, { resolve: settle(resolve), reject: settle(reject) });
      this.send({ id, event: 'ask', ask, question });
    });
  }

  private keep(artifact: PackerArtifact): WireArtifact {
    if (typeof artifact !== 'object' || artifact === null) {
      throw new BadRequestError(
        `the component returned ${String(artifact)} instead of an artifact`,
      );
    }
    const wire = {
      handle: `a${this.nextHandle++}`,
      builderId: String(artifact.builderId()),
      id: String(artifact.id()),
      files: [...(artifact.files() ?? [])].map(String),
      string: String(artifact),
    };
    this.artifacts.set(wire.handle, artifact);
    return wire;
  }

  private artifact(handle: string): PackerArtifact {
    const artifact = this.artifacts.get(handle);
    if (artifact === undefined) {
      throw new BadRequestError(
        `no artifact has handle '${handle}'${this.artifacts.size > 0 ? `; held: ${[...this.artifacts.keys()].join(', ')}` : ''}`,
      );
    }
    return artifact;
  }
}

/** A state value as JSON (`toJSON` applied, `undefined` as null). */
function toJson(value: unknown): unknown {
  const text = JSON.stringify(value === undefined ? null : value);
  return text === undefined ? null : (JSON.parse(text) as unknown);
}
