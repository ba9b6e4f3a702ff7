import { describeTypedValue } from '../errors/describe-value';
import type { DataSourceOutputProblem } from '../errors/plugin.errors';
import { DataSourceOutputError } from '../errors/plugin.errors';
import { InvalidArgumentError } from '../errors/sdk.errors';
import { isPlainRecord, isUnsafeKey } from '../image/unsafe-keys';
import type { ComponentLocation } from './build-context';
import { describeLocation } from './build-context';
import type {
  DataSource,
  DataSourceContext,
  DataSourceOutput,
  DataSourceOutputType,
} from './data-source';
import { DATA_SOURCE_OUTPUT_NAME, DATA_SOURCE_OUTPUT_TYPES } from './data-source';

const DESCRIBED_TYPE: Readonly<Record<DataSourceOutputType, string>> = {
  string: 'a string',
  number: 'a finite number',
  boolean: 'a boolean',
  map: 'a map (a plain object)',
  list: 'a list (an array)',
};

/**
 * What is wrong with a data source class's static `outputs` (empty when
 * nothing is). Checked once, when the class is registered.
 */
export function outputDeclarationProblems(outputs: unknown): string[] {
  if (!Array.isArray(outputs)) {
    return [
      `static outputs must be a list of { name, type, description }, got ${describeTypedValue(outputs)}`,
    ];
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  outputs.forEach((output: unknown, i) => {
    const at = `outputs[${i}]`;
    if (!isPlainRecord(output)) {
      problems.push(`${at} must be { name, type, description }, got ${describeTypedValue(output)}`);
      return;
    }
    const { name, type, description } = output;
    if (typeof name !== 'string' || !DATA_SOURCE_OUTPUT_NAME.test(name)) {
      problems.push(
        `${at}.name must be snake_case (lower-case letters, digits and '_', starting with a letter), got ${describeTypedValue(name)}`,
      );
    } else if (seen.has(name)) {
      problems.push(`${at}.name '${name}' is declared twice`);
    } else {
      seen.add(name);
    }
    if (!DATA_SOURCE_OUTPUT_TYPES.includes(type as DataSourceOutputType)) {
      problems.push(
        `${at}.type must be one of ${DATA_SOURCE_OUTPUT_TYPES.map((t) => `'${t}'`).join(', ')}, got ${describeTypedValue(type)}`,
      );
    }
    if (typeof description !== 'string' || description.trim() === '') {
      problems.push(`${at}.description must be a sentence for describe() and the docs`);
    }
  });
  return problems;
}

/** A frozen copy of valid output declarations, keeping only the declared keys. */
export function freezeOutputs(outputs: readonly DataSourceOutput[]): readonly DataSourceOutput[] {
  return Object.freeze(
    outputs.map(({ name, type, description }) => Object.freeze({ name, type, description })),
  );
}

/**
 * Checks what `execute()` returned against the declared outputs and returns
 * a new object holding exactly those outputs (an allow-list copy, so nothing
 * the data source did not declare reaches a template).
 *
 * @throws {@link DataSourceOutputError} listing every problem.
 */
export function checkDataSourceOutputs(
  outputs: readonly DataSourceOutput[],
  result: unknown,
  location: ComponentLocation,
): Record<string, unknown> {
  if (!isPlainRecord(result)) {
    throw new DataSourceOutputError(location, [
      {
        output: '(result)',
        problem: `execute() must resolve to an object of outputs, got ${describeTypedValue(result)}`,
      },
    ]);
  }
  const problems: DataSourceOutputProblem[] = [];
  const checked: Record<string, unknown> = {};
  for (const { name, type } of outputs) {
    if (!Object.hasOwn(result, name) || result[name] === undefined) {
      problems.push({ output: name, problem: `(${type}) is missing` });
      continue;
    }
    const problem = typeProblem(type, result[name]);
    if (problem !== undefined) problems.push({ output: name, problem });
    else checked[name] = result[name];
  }
  const declared = new Set(outputs.map((o) => o.name));
  for (const key of Object.keys(result)) {
    if (declared.has(key)) continue;
    problems.push({
      output: key,
      problem: `is not declared; declared outputs are ${[...declared].map((d) => `'${d}'`).join(', ') || 'none'}`,
    });
  }
  if (problems.length > 0) throw new DataSourceOutputError(location, problems);
  return checked;
}

function typeProblem(type: DataSourceOutputType, value: unknown): string | undefined {
  const ok =
    type === 'string'
      ? typeof value === 'string'
      : type === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : type === 'boolean'
          ? typeof value === 'boolean'
          : type === 'list'
            ? Array.isArray(value)
            : isPlainRecord(value);
  if (!ok) return `must be ${DESCRIBED_TYPE[type]}, got ${describeTypedValue(value)}`;
  if (type === 'map') {
    const unsafe = Object.keys(value as object).find(isUnsafeKey);
    if (unsafe !== undefined) return `has the key '${unsafe}', which is not allowed in a map`;
  }
  return undefined;
}

/**
 * Runs a prepared data source and checks its result against the outputs its
 * class declares (`static outputs`). `PluginSet.executeDataSource` does the
 * same with the class registered under `location.component`.
 *
 * @example
 * ```ts
 * const { component } = await plugin.createDataSource('aws-like-ami', raw, { name: 'base' });
 * const outputs = await executeDataSource(component, { ui, signal }, { kind: 'data', component: 'aws-like-ami', name: 'base' });
 * ```
 * @throws {@link DataSourceOutputError} when the result does not match the declared outputs.
 * @throws whatever `execute()` throws.
 */
export async function executeDataSource(
  dataSource: DataSource,
  context: DataSourceContext,
  location: ComponentLocation,
): Promise<Record<string, unknown>> {
  const outputs = (dataSource?.constructor as { outputs?: unknown } | undefined)?.outputs;
  const problems = outputDeclarationProblems(outputs);
  if (problems.length > 0) {
    throw new InvalidArgumentError(
      `${describeLocation(location)}: the data source's static outputs`,
      'a list of { name, type, description }',
      outputs,
    );
  }
  return executeAndCheck(dataSource, outputs as readonly DataSourceOutput[], context, location);
}

/** Runs `execute()` and checks its result against `outputs`. */
export async function executeAndCheck(
  dataSource: DataSource,
  outputs: readonly DataSourceOutput[],
  context: DataSourceContext,
  location: ComponentLocation,
): Promise<Record<string, unknown>> {
  const result: unknown = await dataSource.execute(context);
  return checkDataSourceOutputs(outputs, result, location);
}
