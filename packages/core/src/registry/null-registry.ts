import type { RegistryPort, SbomsSent } from './registry-port';

/** The registry of a run that publishes nothing: every operation does nothing. */
export class NullRegistry implements RegistryPort {
  async open(): Promise<void> {}

  isDone(): boolean {
    return false;
  }

  unpublishable(): undefined {
    return undefined;
  }

  async uploadSboms(): Promise<SbomsSent> {
    return { sboms: [] };
  }

  async startBuild(): Promise<void> {}

  async completeBuild(): Promise<undefined> {
    return undefined;
  }

  async finish(): Promise<undefined> {
    return undefined;
  }

  close(): void {}
}
