import { CompiledQuery, type Compilable, type Kysely } from "kysely";

/**
 * A query built and compiled once, then run with fresh parameter values: for lookups made
 * on every request, where Kysely's builder and compiler would otherwise run, and allocate
 * dozens of frozen nodes, each time. `example` is the query written with stand-in values
 * in the order the parameters are later given; the count is checked on every call.
 */
export function precompiled<DB, Row>(db: Kysely<DB>, example: Compilable<Row>): (...parameters: readonly unknown[]) => Promise<Row[]> {
  const { sql, parameters: expected } = example.compile();
  return async (...parameters) => {
    if (parameters.length !== expected.length) throw new Error(`precompiled query takes ${expected.length} parameter(s), got ${parameters.length}`);
    return (await db.executeQuery<Row>(CompiledQuery.raw(sql, [...parameters]))).rows;
  };
}
