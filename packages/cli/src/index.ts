/**
 * `@imprint/cli`: the `imprint` command. Run in-process with {@link run}.
 * @packageDocumentation
 */
export { run, createProgram, exitCodeOf, EXIT, UsageError } from './cli';
export type { CliIo } from './cli';
export { connectRegistry, resolveDataDir, withRegistry } from './registry';
export type { Env, RegistryConnection, RegistryFlags } from './registry';
