import { CompiledQuery } from 'kysely';
import type { Compilable, DialectAdapter, QueryResult } from 'kysely';
import type { Db } from './schema';

/** Stands for the `index`-th argument (or a property of it, by `path`) while a {@link ReusableQuery} is compiled. */
class Slot {
  constructor(
    readonly index: number,
    readonly path: readonly (string | symbol)[],
  ) {}
}

/**
 * The stand-in for an argument: itself a {@link Slot}, and each property
 * read from it (`write.build.id`) the stand-in of that property.
 */
function standIn(index: number, path: readonly (string | symbol)[] = []): unknown {
  return new Proxy(new Slot(index, path), {
    get: (target, key) =>
      key in target ? target[key as keyof Slot] : standIn(index, [...path, key]),
  });
}

interface Compiled {
  readonly sql: string;
  /** Per parameter: the argument (and property) it takes, or undefined for a constant. */
  readonly slots: readonly (Slot | undefined)[];
  readonly constants: readonly unknown[];
}

/**
 * A Kysely query built and compiled once (per SQL dialect) and then run
 * with new argument values. Building and compiling a query costs tens of
 * microseconds, as much as SQLite takes to run it; the registry's hot
 * statements (one per step of the Packer build path) have a fixed shape, so
 * they are compiled once.
 *
 * `build` receives stand-ins for the arguments and must use them only as
 * values, or read properties of them as values (`write.build.id`, not
 * `{...build}` or `Object.entries(build)`); never branch on them, read an
 * array's length from them, or put them in `sql.lit`. The query's shape
 * must not depend on them.
 *
 * @example
 * ```ts
 * const bucketByName = reusableQuery((db, name: string) =>
 *   db.selectFrom('buckets').selectAll().where('name', '=', name),
 * );
 * const [bucket] = await bucketByName.execute(db, 'ubuntu-base');
 * ```
 */
export class ReusableQuery<A extends unknown[], R> {
  private readonly compiled = new WeakMap<DialectAdapter, Compiled>();

  constructor(
    private readonly arity: number,
    private readonly build: (db: Db, ...args: A) => Compilable<R>,
  ) {}

  /** Runs the query on `db` (a store or a transaction) with `args`. */
  async run(db: Db, ...args: A): Promise<QueryResult<R>> {
    const adapter = db.getExecutor().adapter;
    let compiled = this.compiled.get(adapter);
    if (compiled === undefined) {
      const stand = Array.from({ length: this.arity }, (_, i) => standIn(i)) as A;
      const query = this.build(db, ...stand).compile();
      compiled = {
        sql: query.sql,
        slots: query.parameters.map((p) => (p instanceof Slot ? p : undefined)),
        constants: query.parameters,
      };
      this.compiled.set(adapter, compiled);
    }
    const { slots, constants } = compiled;
    const parameters = slots.map((slot, i) => {
      if (slot === undefined) return constants[i];
      let value: unknown = args[slot.index];
      for (const key of slot.path) value = (value as Record<string | symbol, unknown>)[key];
      return value;
    });
    return db.executeQuery<R>(CompiledQuery.raw(compiled.sql, parameters));
  }

  /** The rows the query returned. */
  async execute(db: Db, ...args: A): Promise<R[]> {
    return (await this.run(db, ...args)).rows;
  }
}

/** A {@link ReusableQuery} whose arity is that of `build`'s arguments after `db`. */
export function reusableQuery<A extends unknown[], R>(
  build: (db: Db, ...args: A) => Compilable<R>,
): ReusableQuery<A, R> {
  return new ReusableQuery(build.length - 1, build);
}
