import { sql, type SelectQueryBuilder, type Selectable } from "kysely";

/**
 * One page of a filtered table and the filter's total, the way every list endpoint pages:
 * ordered (the last column breaks ties, so pages never overlap), offset by page.
 */
export async function selectPage<DB, T extends keyof DB & string>(
  query: SelectQueryBuilder<DB, T, object>,
  orderBy: readonly (readonly [column: keyof DB[T] & string, direction: "asc" | "desc"])[],
  page: number,
  pageSize: number,
): Promise<{ rows: Selectable<DB[T]>[]; total: number }> {
  let rowsQuery = query.selectAll();
  for (const [column, direction] of orderBy) rowsQuery = rowsQuery.orderBy(sql.ref(column), direction);
  const [rows, count] = await Promise.all([
    rowsQuery
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    query.select(sql<number | string>`count(*)`.as("n")).executeTakeFirstOrThrow(),
  ]);
  // Kysely cannot prove a generic selectAll() is the table's Selectable row; it is.
  return { rows: rows as unknown as Selectable<DB[T]>[], total: Number((count as { n: number | string }).n) };
}
