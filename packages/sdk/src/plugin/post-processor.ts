import type { PackerArtifact } from '../artifact/packer-artifact';
import type { BuildContext, ComponentLocation } from './build-context';
import type { ConfigClass } from './config/config-class';

/** What a post-processor returns. */
export interface PostProcessResult {
  /** The new artifact; it states its own registry metadata. */
  readonly artifact: PackerArtifact;
  /** Whether the input artifact is kept (true) or may be destroyed by the runner (false). */
  readonly keepInput: boolean;
}

/**
 * A post-processor (Packer's `packersdk.PostProcessor`): takes an artifact and
 * returns a new one. Its artifact states its own images, with `sourceImageId`
 * pointing at the input image where that is the truth.
 */
export interface PostProcessor<C extends object = object> {
  /** Receives the validated configuration; see {@link Builder.prepare}. */
  prepare(config: C, location: ComponentLocation): void | string[] | Promise<void | string[]>;
  /** Processes one artifact. Throw to fail the build; honour `context.signal`. */
  postProcess(context: BuildContext, artifact: PackerArtifact): Promise<PostProcessResult>;
}

/** A post-processor class: constructed without arguments, with its config class as a static member. */
export interface PostProcessorClass<C extends object = object> {
  new (): PostProcessor<C>;
  readonly configClass: ConfigClass<C>;
}
