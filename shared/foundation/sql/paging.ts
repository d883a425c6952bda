import { sql, type SelectQueryBuilder, type Selectable } from "kysely";
import type { DatabaseSchema } from "./schema.js";

/**
 * One page of a filtered table and the filter's total, the way every list endpoint pages:
 * ordered (the last column breaks ties, so pages never overlap), offset by page.
 */
export async function selectPage<T extends keyof DatabaseSchema & string>(
  query: SelectQueryBuilder<DatabaseSchema, T, object>,
  orderBy: readonly (readonly [column: keyof DatabaseSchema[T] & string, direction: "asc" | "desc"])[],
  page: number,
  pageSize: number,
): Promise<{ rows: Selectable<DatabaseSchema[T]>[]; total: number }> {
  let rowsQuery = query.selectAll();
  for (const [column, direction] of orderBy) rowsQuery = rowsQuery.orderBy(sql.ref(column), direction);
  const [rows, count] = await Promise.all([
    rowsQuery.limit(pageSize).offset((page - 1) * pageSize).execute(),
    query.select(sql<number | string>`count(*)`.as("n")).executeTakeFirstOrThrow(),
  ]);
  // Kysely cannot prove a generic selectAll() is the table's Selectable row; it is.
  return { rows: rows as unknown as Selectable<DatabaseSchema[T]>[], total: Number((count as { n: number | string }).n) };
}
