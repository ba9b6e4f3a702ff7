import { Client } from 'pg';

/**
 * Distinct statement texts that get a name (a server-side prepared
 * statement on each connection), and the most parameters one may have:
 * the registry sends a small, fixed set of statements; the long tail (IN
 * lists of every length) stays unnamed so no connection caches without end.
 */
const MAX_NAMED_STATEMENTS = 512;
const MAX_NAMED_PARAMETERS = 200;

/** SQL text → statement name, shared by every connection of the process. */
const names = new Map<string, string>();

function nameFor(text: string, parameters: number): string | undefined {
  if (parameters > MAX_NAMED_PARAMETERS) return undefined;
  let name = names.get(text);
  if (name === undefined) {
    if (names.size >= MAX_NAMED_STATEMENTS) return undefined;
    name = `imprint_${names.size}`;
    names.set(text, name);
  }
  return name;
}

/**
 * PostgreSQL drops a prepared plan whose result columns a schema change
 * altered (another instance ran a migration), and says so once per plan.
 * Answered 503 (retry); the connection prepares afresh on the next use.
 */
export function isStalePlan(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === '0A000' && typeof message === 'string' && /cached plan must not change/.test(message)
  );
}

type QueryFn = Client['query'];

/**
 * A `pg` Client that runs every parameterised statement Kysely sends as a
 * named prepared statement: the server parses and plans each text once per
 * connection instead of on every call, which roughly halves the cost of a
 * round trip for the registry's short statements. Given to the pool as its
 * `Client` class.
 */
export class PreparingClient extends Client {
  /** Bumped when the server dropped our plans, so the names are new. */
  epoch = 0;
}

type AnyQuery = (this: Client, ...args: unknown[]) => unknown;
const plainQuery = Client.prototype.query as unknown as AnyQuery;

PreparingClient.prototype.query = function query(
  this: PreparingClient,
  config: unknown,
  values?: unknown,
  callback?: unknown,
) {
  if (typeof config === 'string' && Array.isArray(values) && callback === undefined) {
    const name = nameFor(config, values.length);
    if (name !== undefined) {
      const named = plainQuery.call(this, {
        name: `${name}_${this.epoch}`,
        text: config,
        values,
      }) as Promise<unknown>;
      return named.catch((error: unknown) => {
        if (isStalePlan(error)) this.epoch += 1;
        throw error;
      });
    }
  }
  return plainQuery.call(this, config, values, callback);
} as unknown as QueryFn;
