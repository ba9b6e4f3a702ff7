import type { Ui } from './ui';

/** Where a component is configured, for messages: `aws-like source 'base'`. */
export interface ComponentLocation {
  /** `source` for builders, `post-processor` for post-processors, `data` for data sources. */
  readonly kind: 'source' | 'post-processor' | 'data';
  /** Registered component name, e.g. `aws-like`. */
  readonly component: string;
  /** Name given in the template, e.g. `base`; absent for unnamed post-processors. */
  readonly name?: string;
  /** Template file, when known. */
  readonly file?: string;
}

/** What a builder's `run()` or a post-processor's `postProcess()` receives. */
export interface BuildContext {
  /** Output to the person running the build. */
  readonly ui: Ui;
  /** Aborted when the build is cancelled (Ctrl-C, timeout): stop work and throw. */
  readonly signal: AbortSignal;
  /** A directory for this build only; it exists and is empty at the start. */
  readonly workDir: string;
  /** Name of the build, e.g. `aws-like.base`. */
  readonly buildName: string;
}

/** Describes a location the way errors print it: `aws-like source 'base'`, `imprint-artifact data 'base'`. */
export function describeLocation(location: ComponentLocation): string {
  const named = location.name === undefined ? '' : ` '${location.name}'`;
  const file = location.file === undefined ? '' : ` (${location.file})`;
  return `${location.component} ${location.kind}${named}${file}`;
}
