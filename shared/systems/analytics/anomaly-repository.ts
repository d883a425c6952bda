import { expressionBuilder, sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from "kysely";
import { ValidationError } from "../../kernel/errors.js";
import { MAD_TO_SD, MEAN_AD_TO_SD } from "../../kernel/outlier-stats.js";
import type { Dimension } from "./analytics-dimensions.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import { materialityMinor, type AnomalyDirection, type AnomalyEvidence } from "./anomaly-explanation.js";
import { expenseWhere, type ExpenseFilter } from "./expense-filter.js";

/**
 * The SQL of the anomaly detectors. Every aggregate runs in the database: peer-group
 * moments as AVG(x) and AVG(x²), per-group medians and MADs by window ordering
 * (ROW_NUMBER within the group), monthly totals by GROUP BY; rows are only read for the
 * page shown, or streamed in keyset batches by the forest. Works on SQLite and SQL Server
 * (CAST AS FLOAT, SQRT, window functions, integer division on both).
 */

type Db = Kysely<AnalyticsTables>;

/** Peer groups smaller than this have no meaningful spread and are not tested. */
export const MIN_PEER_ROWS = 5;

/** The filter as a SQL fragment (unqualified columns of finance_expense). */
export function filterSql(filter: ExpenseFilter): Expression<SqlBool> {
  return expenseWhere(expressionBuilder<AnalyticsTables, "finance_expense">(), filter);
}

/** Currencies under the filter (few): materiality is compared in each one's minor units. */
export async function currenciesOf(db: Db, filter: ExpenseFilter): Promise<string[]> {
  const rows = await db
    .selectFrom("finance_expense")
    .where(() => filterSql(filter))
    .select("company_code_currency_key")
    .distinct()
    .limit(1000)
    .execute();
  return rows.map((r) => r.company_code_currency_key).sort();
}

/** |amount| ≥ the materiality, in each row's currency precision; true without one. */
export function materialitySql(
  minAmount: string | undefined,
  currencies: readonly string[],
  amount: RawBuilder<unknown> = sql`amount_minor`,
): RawBuilder<SqlBool> {
  if (minAmount === undefined) return sql<SqlBool>`1 = 1`;
  const fallback = materialityMinor(minAmount, "XXX");
  if (currencies.length === 0) return sql<SqlBool>`abs(${amount}) >= ${fallback}`;
  const cases = currencies.map((c) => sql`when ${c} then ${materialityMinor(minAmount, c)}`);
  return sql<SqlBool>`abs(${amount}) >= case company_code_currency_key ${sql.join(cases, sql` `)} else ${fallback} end`;
}

export type PeerMethod = "zscore" | "mad";

/** The peer_stats CTE: per (peer value, currency) its size, centre and scale. */
function peerStatsCte(method: PeerMethod, peer: Dimension, filter: ExpenseFilter): RawBuilder<unknown> {
  const key = sql`coalesce(${sql.ref(peer)}, '')`;
  if (method === "zscore") {
    return sql`peer_moments as (
      select ${key} as peer_key, company_code_currency_key as peer_currency, count(*) as peer_size,
        avg(cast(amount_minor as float)) as peer_centre,
        avg(cast(amount_minor as float) * amount_minor) - avg(cast(amount_minor as float)) * avg(cast(amount_minor as float)) as peer_var
      from finance_expense where ${filterSql(filter)}
      group by ${key}, company_code_currency_key
      having count(*) >= ${MIN_PEER_ROWS}
    ), peer_stats as (
      select peer_key, peer_currency, peer_size, peer_centre,
        case when peer_var > 0 then sqrt(peer_var) else 0 end as peer_scale
      from peer_moments
    )`;
  }
  // Medians by ordering: the middle row(s) of each group by ROW_NUMBER, then the same over
  // the absolute deviations; the mean absolute deviation is the fallback when MAD = 0.
  return sql`peer_ranked as (
      select ${key} as peer_key, company_code_currency_key as peer_currency, amount_minor as a,
        row_number() over (partition by ${key}, company_code_currency_key order by amount_minor) as rn,
        count(*) over (partition by ${key}, company_code_currency_key) as n
      from finance_expense where ${filterSql(filter)}
    ), peer_medians as (
      select peer_key, peer_currency, n as peer_size, avg(cast(a as float)) as med
      from peer_ranked where n >= ${MIN_PEER_ROWS} and rn in ((n + 1) / 2, (n + 2) / 2)
      group by peer_key, peer_currency, n
    ), peer_deviations as (
      select r.peer_key, r.peer_currency, m.peer_size, m.med, abs(r.a - m.med) as d,
        row_number() over (partition by r.peer_key, r.peer_currency order by abs(r.a - m.med)) as rn
      from peer_ranked r join peer_medians m on m.peer_key = r.peer_key and m.peer_currency = r.peer_currency
    ), peer_spread as (
      select peer_key, peer_currency, peer_size, med,
        avg(case when rn in ((peer_size + 1) / 2, (peer_size + 2) / 2) then d end) as mad, avg(d) as mean_ad
      from peer_deviations group by peer_key, peer_currency, peer_size, med
    ), peer_stats as (
      select peer_key, peer_currency, peer_size, med as peer_centre,
        case when mad > 0 then mad * ${MAD_TO_SD} else mean_ad * ${MEAN_AD_TO_SD} end as peer_scale
      from peer_spread
    )`;
}

export interface PeerOutlierQuery {
  readonly method: PeerMethod;
  readonly peer: Dimension;
  readonly threshold: number;
  readonly filter: ExpenseFilter;
  readonly direction?: AnomalyDirection;
  readonly minAmount?: string;
  readonly currencies: readonly string[];
}

export interface PeerOutlierRow extends EvidenceRow {
  readonly peer_value: string | null;
  readonly peer_size: number;
  readonly peer_centre: number;
  readonly peer_scale: number;
}

export interface EvidenceRow {
  readonly id: number;
  readonly month_year: string;
  readonly posting_period: number;
  readonly company_code: string;
  readonly cost_center_id: string | null;
  readonly general_ledger_account: string | null;
  readonly supplier: string | null;
  readonly reference: string | null;
  readonly document_header_text: string | null;
  readonly amount_minor: number;
  readonly company_code_currency_key: string;
}

const EVIDENCE_COLUMNS = sql`finance_expense.id, month_year, posting_period, company_code, cost_center_id,
  general_ledger_account, supplier, reference, document_header_text, amount_minor, company_code_currency_key`;

function outlierBody(q: PeerOutlierQuery): RawBuilder<unknown> {
  const direction =
    q.direction === "increase"
      ? sql`and amount_minor > peer_centre`
      : q.direction === "decrease"
        ? sql`and amount_minor < peer_centre`
        : sql``;
  return sql`from finance_expense join peer_stats
      on peer_stats.peer_key = coalesce(finance_expense.${sql.ref(q.peer)}, '')
      and peer_stats.peer_currency = finance_expense.company_code_currency_key
    where ${filterSql(q.filter)} and ${materialitySql(q.minAmount, q.currencies)}
      and peer_scale > 0 and abs(amount_minor - peer_centre) > ${q.threshold} * peer_scale ${direction}`;
}

/** One page of the rows outside `centre ± threshold·scale` of their peer group, most extreme first. */
export async function peerOutliers(
  db: Db,
  q: PeerOutlierQuery,
  limit: number,
  offset: number,
): Promise<PeerOutlierRow[]> {
  const query = sql<PeerOutlierRow>`with ${peerStatsCte(q.method, q.peer, q.filter)}
    select ${EVIDENCE_COLUMNS}, finance_expense.${sql.ref(q.peer)} as peer_value, peer_size, peer_centre, peer_scale
    ${outlierBody(q)}
    order by abs(amount_minor - peer_centre) / peer_scale desc, finance_expense.id
    limit ${limit} offset ${offset}`;
  return (await query.execute(db)).rows;
}

export async function countPeerOutliers(db: Db, q: PeerOutlierQuery): Promise<number> {
  const query = sql<{ total: number }>`with ${peerStatsCte(q.method, q.peer, q.filter)}
    select count(*) as total ${outlierBody(q)}`;
  return Number((await query.execute(db)).rows[0]?.total ?? 0);
}

export interface PeerMoments {
  readonly count: number;
  readonly mean: number;
  readonly sd: number;
}

/** Per (dimension value, currency): count, mean and sd of the amount (the forest's peer features). */
export async function peerMoments(
  db: Db,
  peer: Dimension,
  filter: ExpenseFilter,
  cap: number,
): Promise<Map<string, PeerMoments>> {
  const key = sql`coalesce(${sql.ref(peer)}, '')`;
  const rows = (
    await sql<{ k: string; c: string; n: number; m: number; sq: number }>`
      select ${key} as k, company_code_currency_key as c, count(*) as n, avg(cast(amount_minor as float)) as m,
        avg(cast(amount_minor as float) * amount_minor) as sq
      from finance_expense where ${filterSql(filter)}
      group by ${key}, company_code_currency_key
      limit ${cap + 1}`.execute(db)
  ).rows;
  if (rows.length > cap) throw tooManyGroups(peer, cap);
  const out = new Map<string, PeerMoments>();
  for (const r of rows) {
    const variance = Math.max(0, r.sq - r.m * r.m);
    out.set(`${r.k}\u0000${r.c}`, { count: Number(r.n), mean: r.m, sd: Math.sqrt(variance) });
  }
  return out;
}

/** Rows per (cost centre, account) pair: how common the combination is. */
export async function pairCounts(db: Db, filter: ExpenseFilter, cap: number): Promise<Map<string, number>> {
  const rows = (
    await sql<{ cc: string; gl: string; n: number }>`
      select coalesce(cost_center_id, '') as cc, coalesce(general_ledger_account, '') as gl, count(*) as n
      from finance_expense where ${filterSql(filter)}
      group by coalesce(cost_center_id, ''), coalesce(general_ledger_account, '')
      limit ${cap + 1}`.execute(db)
  ).rows;
  if (rows.length > cap) throw tooManyGroups("cost_center_id × general_ledger_account", cap);
  return new Map(rows.map((r) => [`${r.cc}\u0000${r.gl}`, Number(r.n)]));
}

function tooManyGroups(what: string, cap: number): ValidationError {
  return new ValidationError(
    [{ field: "filter", message: `at most ${cap} groups; narrow the filter`, location: "query" }],
    `More than ${cap} distinct ${what} groups under this filter: narrow the filter`,
  );
}

/** What the forest reads of each row. */
export interface StreamRow {
  readonly id: number;
  readonly amount_minor: number;
  readonly posting_period: number;
  readonly cost_center_id: string | null;
  readonly general_ledger_account: string | null;
  readonly company_code_currency_key: string;
}

/** The filtered rows in id order, `batch` at a time (keyset pagination: flat memory, stable order). */
export async function* streamRows(db: Db, filter: ExpenseFilter, batch: number): AsyncGenerator<StreamRow[]> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom("finance_expense")
      .where((eb) => eb.and([filterSql(filter), eb("id", ">", after)]))
      .select([
        "id",
        "amount_minor",
        "posting_period",
        "cost_center_id",
        "general_ledger_account",
        "company_code_currency_key",
      ])
      .orderBy("id")
      .limit(batch)
      .execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.id;
    if (rows.length < batch) return;
  }
}

/**
 * The filtered rows' ids in id order, `batch` at a time (keyset pagination): the forest
 * counts positions on them to find its sample without reading every row's fields.
 */
export async function* streamIds(db: Db, filter: ExpenseFilter, batch: number): AsyncGenerator<number[]> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom("finance_expense")
      .where((eb) => eb.and([filterSql(filter), eb("id", ">", after)]))
      .select("id")
      .orderBy("id")
      .limit(batch)
      .execute();
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.id);
    yield ids;
    after = ids[ids.length - 1]!;
    if (rows.length < batch) return;
  }
}

/** The forest's fields of the given rows (keep `ids` under SQL Server's 2,100 parameters). */
export async function streamRowsById(db: Db, ids: readonly number[]): Promise<StreamRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom("finance_expense")
    .where("id", "in", [...ids])
    .select([
      "id",
      "amount_minor",
      "posting_period",
      "cost_center_id",
      "general_ledger_account",
      "company_code_currency_key",
    ])
    .execute();
}

/** The evidence fields of the given rows (a page's worth), by id. */
export async function evidenceRows(db: Db, ids: readonly number[]): Promise<Map<number, EvidenceRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("finance_expense")
    .where("id", "in", [...ids])
    .select([
      "id",
      "month_year",
      "posting_period",
      "company_code",
      "cost_center_id",
      "general_ledger_account",
      "supplier",
      "reference",
      "document_header_text",
      "amount_minor",
      "company_code_currency_key",
    ])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

export interface PeriodTotal {
  readonly value: string | null;
  readonly currency: string;
  readonly fiscalYear: number;
  readonly period: number;
  readonly totalMinor: number;
  readonly rows: number;
}

/** Monthly totals per dimension value and currency (periods 1–12: special periods are not months). */
export async function monthlyTotals(
  db: Db,
  dimension: Dimension,
  filter: ExpenseFilter,
  cap: number,
): Promise<PeriodTotal[]> {
  const rows = await db
    .selectFrom("finance_expense")
    .where((eb) => eb.and([filterSql(filter), eb("posting_period", "<=", 12)]))
    .select((eb) => [
      eb.ref(dimension).as("value"),
      "company_code_currency_key as currency",
      "general_ledger_fiscal_year as fiscalYear",
      "posting_period as period",
      eb.fn.sum<number>("amount_minor").as("totalMinor"),
      eb.fn.countAll<number>().as("rows"),
    ])
    .groupBy([dimension, "company_code_currency_key", "general_ledger_fiscal_year", "posting_period"])
    .orderBy(dimension)
    .orderBy("company_code_currency_key")
    .orderBy("general_ledger_fiscal_year")
    .orderBy("posting_period")
    .limit(cap + 1)
    .execute();
  if (rows.length > cap) throw tooManyGroups(`${dimension} × month`, cap);
  return rows.map((r) => ({
    value: r.value,
    currency: r.currency,
    fiscalYear: Number(r.fiscalYear),
    period: Number(r.period),
    totalMinor: Number(r.totalMinor),
    rows: Number(r.rows),
  }));
}

/** The largest rows of one segment-month: the evidence of a trend. */
export async function segmentEvidence(
  db: Db,
  dimension: Dimension,
  value: string | null,
  currency: string,
  fiscalYear: number,
  period: number,
  filter: ExpenseFilter,
  limit: number,
): Promise<EvidenceRow[]> {
  return db
    .selectFrom("finance_expense")
    .where((eb) =>
      eb.and([
        filterSql(filter),
        value === null ? eb(dimension, "is", null) : eb(dimension, "=", value),
        eb("company_code_currency_key", "=", currency),
        eb("general_ledger_fiscal_year", "=", fiscalYear),
        eb("posting_period", "=", period),
      ]),
    )
    .select([
      "id",
      "month_year",
      "posting_period",
      "company_code",
      "cost_center_id",
      "general_ledger_account",
      "supplier",
      "reference",
      "document_header_text",
      "amount_minor",
      "company_code_currency_key",
    ])
    .orderBy(sql`abs(amount_minor)`, "desc")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** An evidence row on the wire. */
export function evidenceView(row: EvidenceRow, money: (minor: number, currency: string) => string): AnomalyEvidence {
  return {
    id: row.id,
    monthYear: row.month_year,
    postingPeriod: row.posting_period,
    companyCode: row.company_code,
    costCenterId: row.cost_center_id,
    generalLedgerAccount: row.general_ledger_account,
    supplier: row.supplier,
    reference: row.reference,
    documentHeaderText: row.document_header_text,
    amount: money(row.amount_minor, row.company_code_currency_key),
    currency: row.company_code_currency_key,
  };
}
