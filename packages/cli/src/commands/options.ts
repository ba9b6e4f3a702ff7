import { resolve } from 'node:path';
import { isUnsafeKey } from '../lazy';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { Env, RegistryFlags } from '../registry';

// Flags, argument parsers and help pieces that several commands share.

export interface VarFlags {
  var: Record<string, string>;
  varFile: string[];
  pluginDir?: string;
}

export function collectVar(
  value: string,
  previous: Record<string, string>,
): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected NAME=VALUE, got '${value}'`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function collectLabel(
  value: string,
  previous: Record<string, string> | undefined,
): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected KEY=VALUE, got '${value}'`);
  const key = value.slice(0, eq);
  if (isUnsafeKey(key)) throw new InvalidArgumentError(`'${key}' is not a valid label key`);
  return { ...previous, [key]: value.slice(eq + 1) };
}

/** Every item of a list operation, page after page. */
export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const list: T[] = [];
  for await (const item of items) list.push(item);
  return list;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

export function withVars(command: Command): Command {
  return command
    .option('--var <name=value>', 'set a template variable (repeatable)', collectVar, {})
    .option('--var-file <file>', 'JSON file of variable values (repeatable)', collect, [])
    .option('--plugin-dir <dir>', "directory plugins are resolved from (default: the template's)");
}

/**
 * `--registry`, `--data-dir` and, unless `json` is false, `--json` (described
 * by `json` when it is a string: a command whose JSON is not the API's answer).
 */
export function withRegistryFlags(command: Command, json: boolean | string = true): Command {
  command
    .addOption(
      new Option('--registry <url>', 'registry URL (default: the embedded registry)').env(
        'IMPRINT_REGISTRY_URL',
      ),
    )
    .addOption(
      new Option('--data-dir <dir>', 'data directory of the embedded registry').env(
        'IMPRINT_DATA_DIR',
      ),
    );
  if (json) command.option('--json', typeof json === 'string' ? json : 'print the raw JSON');
  return command;
}

export function loadVars(flags: VarFlags, env: Env) {
  return {
    vars: flags.var,
    varFiles: flags.varFile.map((f) => resolve(f)),
    env,
  };
}

export type ReadFlags = RegistryFlags & { json?: boolean };
export type DeleteFlags = RegistryFlags & { yes?: boolean };

/**
 * `parent.command(usage)` against the registry: the registry flags and `--json`, a description
 * and examples after the help. `usage` is commander's: the name, then the `<arguments>` that need
 * no description (add described ones with `.argument`).
 */
export function registryCommand(
  parent: Command,
  usage: string,
  description: string,
  exampleLines: readonly string[],
): Command {
  return withRegistryFlags(parent.command(usage).description(description)).addHelpText(
    'after',
    examples(...exampleLines),
  );
}

/** A {@link registryCommand} that deletes: `--yes` instead of `--json`, it prints one line. */
export function deleteCommand(
  parent: Command,
  usage: string,
  description: string,
  exampleLines: readonly string[],
): Command {
  return withRegistryFlags(parent.command(usage).description(description), false)
    .option('--yes', 'confirm the deletion (required: there is no prompt)')
    .addHelpText('after', examples(...exampleLines));
}
