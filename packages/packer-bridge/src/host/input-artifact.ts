import type { PackerArtifact } from '@imprint/sdk';
import { InputCallError } from '../errors';
import type { ArtifactValues } from '../protocol/messages';
import type { SyncChannel } from './sync-channel';

/**
 * A post-processor's input artifact: a Packer artifact living in the bridge
 * (made by any plugin, Go or Imprint). Its four plain values came with the
 * request; `state` and `destroy` are asked of the bridge synchronously,
 * because `PackerArtifact.state()` is synchronous.
 */
export class BridgedInputArtifact implements PackerArtifact {
  constructor(
    private readonly values: ArtifactValues,
    private readonly channel: SyncChannel,
  ) {}

  builderId(): string {
    return this.values.builderId;
  }

  files(): string[] {
    return [...this.values.files];
  }

  id(): string {
    return this.values.id;
  }

  toString(): string {
    return this.values.string;
  }

  /** The value the Go artifact's `State(key)` returns; Go's nil (no such key) is `undefined`, as for TypeScript artifacts. */
  state(name: string): unknown {
    const reply = this.channel.call({ call: 'input.state', key: name });
    if (!reply.ok) {
      throw new InputCallError(`state('${name}') of the input artifact failed: ${reply.error}`);
    }
    return reply.value ?? undefined;
  }

  destroy(): void {
    const reply = this.channel.call({ call: 'input.destroy' });
    if (!reply.ok) throw new InputCallError(`destroying the input artifact failed: ${reply.error}`);
  }
}
