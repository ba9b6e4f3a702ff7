/* eslint-disable @typescript-eslint/no-require-imports */
import type * as Client from '@imprint/client';
import type * as Core from '@imprint/core';
import type * as PackerBridge from '@imprint/packer-bridge';
import type * as CoreTemplate from '@imprint/core/template';
import type * as Registry from '@imprint/registry';
import type * as Sdk from '@imprint/sdk';
import type * as CliErrors from './commands/cli-errors';
import type * as Progress from './progress';

/*
 * The heavy packages, each loaded the first time a command needs it: the
 * runner (`@imprint/core`), the registry (fastify, SQLite, PostgreSQL), the
 * client, the SDK (class-validator) and the Packer bridge. `imprint --help`
 * and `--version` load none of them. Command files import what they call from here, under the
 * package's own names, and take only types from the packages themselves.
 */

const loaded: {
  client?: typeof Client;
  core?: typeof Core;
  coreTemplate?: typeof CoreTemplate;
  packerBridge?: typeof PackerBridge;
  registry?: typeof Registry;
  sdk?: typeof Sdk;
  cliErrors?: typeof CliErrors;
  progress?: typeof Progress;
} = {};

export const client = (): typeof Client => (loaded.client ??= require('@imprint/client'));
export const core = (): typeof Core => (loaded.core ??= require('@imprint/core'));
export const registry = (): typeof Registry => (loaded.registry ??= require('@imprint/registry'));
export const sdk = (): typeof Sdk => (loaded.sdk ??= require('@imprint/sdk'));
/** `imprint plugins package`: the manifest generator and the Go build. */
export const packerBridge = (): typeof PackerBridge =>
  (loaded.packerBridge ??= require('@imprint/packer-bridge'));
/** The live display of `imprint build`: it loads listr2. */
const progress = (): typeof Progress => (loaded.progress ??= require('./progress'));
/** The CLI's wording of errors: it loads the client. */
export const cliErrors = (): typeof CliErrors =>
  (loaded.cliErrors ??= require('./commands/cli-errors'));

/** Templates without the runner (and its registry client): all `imprint validate` loads. */
const coreTemplate = (): typeof CoreTemplate =>
  (loaded.coreTemplate ??= require('@imprint/core/template'));

export const loadTemplate: typeof Core.loadTemplate = (...args) =>
  coreTemplate().loadTemplate(...args);
export const validateTemplate: typeof Core.validateTemplate = (...args) =>
  coreTemplate().validateTemplate(...args);
export const runBuild: typeof Core.runBuild = (...args) => core().runBuild(...args);
export const pushSpool: typeof Core.pushSpool = (...args) => core().pushSpool(...args);

export const loadPlugin: typeof Sdk.loadPlugin = (...args) => sdk().loadPlugin(...args);
export const isUnsafeKey: typeof Sdk.isUnsafeKey = (...args) => sdk().isUnsafeKey(...args);

export const isNotFound = (error: unknown): error is Client.RegistryApiError =>
  client().isNotFound(error);

export const buildNames: typeof Progress.buildNames = (...args) => progress().buildNames(...args);
export const terminalColumns: typeof Progress.terminalColumns = (...args) =>
  progress().terminalColumns(...args);
/** `new LiveProgress(…)` constructs the class of ./progress, loaded then. */
export const LiveProgress = function LiveProgress(
  ...args: ConstructorParameters<typeof Progress.LiveProgress>
) {
  return new (progress().LiveProgress)(...args);
} as unknown as typeof Progress.LiveProgress;
