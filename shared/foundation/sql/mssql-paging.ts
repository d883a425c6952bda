import {
  MssqlDialect,
  MssqlQueryCompiler,
  OrderByItemNode,
  OrderByNode,
  RawNode,
  ValueNode,
  type FetchNode,
  type OffsetNode,
  type QueryCompiler,
  type SelectQueryNode,
} from "kysely";

/**
 * SQL Server has no LIMIT: Kysely's mssql compiler writes `.limit(n)` as `limit @1`, which
 * T-SQL refuses. This compiler turns it into `OFFSET x ROWS FETCH NEXT n ROWS ONLY`, adding
 * the ORDER BY T-SQL requires (`(select null)`) when a query has none, so one query
 * builder call pages on SQLite and SQL Server alike.
 */
export class PagingMssqlQueryCompiler extends MssqlQueryCompiler {
  protected override visitSelectQuery(node: SelectQueryNode): void {
    if (!node.limit) return super.visitSelectQuery(node);
    const offset: OffsetNode = node.offset ?? { kind: "OffsetNode", offset: ValueNode.createImmediate(0) };
    const fetch: FetchNode = { kind: "FetchNode", rowCount: node.limit.limit as ValueNode, modifier: "only" };
    const orderBy =
      node.orderBy ?? OrderByNode.create([OrderByItemNode.create(RawNode.createWithSql("(select null)"))]);
    super.visitSelectQuery({ ...node, limit: undefined, offset, fetch, orderBy });
  }
}

export class PagingMssqlDialect extends MssqlDialect {
  override createQueryCompiler(): QueryCompiler {
    return new PagingMssqlQueryCompiler();
  }
}
