import { Artifact } from '../artifact/artifact';

/** Settings of a {@link MockArtifact}. */
export interface MockArtifactOptions {
  /** `id()`; default `mock-artifact-id`. */
  readonly id?: string;
  /** `builderId()`; default `imprint.mock`. */
  readonly builderId?: string;
  /** `files()`; default none. */
  readonly files?: readonly string[];
  /**
   * Values `state(name)` returns, by name. A value under `par.artifact.metadata`
   * replaces the metadata the class would build from its decorators.
   */
  readonly state?: Readonly<Record<string, unknown>>;
}

/**
 * An artifact with configurable id, builder id, files and state values, for
 * tests of code that consumes artifacts (post-processors, runners). Subclass
 * it and add decorators to test metadata declarations.
 */
export class MockArtifact extends Artifact {
  /** Number of times `destroy()` was called. */
  destroyCalls = 0;
  private readonly options: MockArtifactOptions;

  constructor(options: MockArtifactOptions = {}) {
    super();
    this.options = options;
    this.stateData = { ...(options.state ?? {}) };
  }

  builderId(): string {
    return this.options.builderId ?? 'imprint.mock';
  }

  id(): string {
    return this.options.id ?? 'mock-artifact-id';
  }

  override files(): string[] {
    return [...(this.options.files ?? [])];
  }

  override state(name: string): unknown {
    if (Object.hasOwn(this.stateData, name)) return this.stateData[name];
    return super.state(name);
  }

  override destroy(): void {
    this.destroyCalls += 1;
  }
}
