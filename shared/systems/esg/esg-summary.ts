import { sql, type Kysely } from "kysely";
import type { EsgTables } from "./esg-tables.js";
import { formatHundredths, PILLARS, type Pillar } from "./esg-rating.js";

/** Seed 001's daily summary report, plus the biggest movers since the previous full run. */
export interface EsgSummary {
  readonly runId: string;
  readonly runDate: string;
  readonly totalProcessed: number;
  readonly successful: number;
  readonly failed: number;
  readonly partial: number;
  /** Successful and Partial share, percent with two decimals. */
  readonly successRate: string;
  /** Means over the accounts that have each score, two decimals; null when none has it. */
  readonly averages: {
    readonly overall: string | null;
    readonly environmental: string | null;
    readonly social: string | null;
    readonly governance: string | null;
  };
  readonly primaryFocusDistribution: Readonly<Record<Pillar, number>>;
  readonly failedAccounts: readonly { readonly accountId: string; readonly error: string | null }[];
  /** True when there were more failed accounts than the list holds (the error file has them all). */
  readonly failedAccountsTruncated: boolean;
  readonly previousRunId: string | null;
  readonly biggestMovers: readonly {
    readonly accountId: string;
    readonly accountName: string;
    readonly previousOverall: string;
    readonly overall: string;
    readonly change: string;
  }[];
}

const FAILED_LISTED = 1000;
const MOVERS = 10;

/** Exact mean of hundredths, rounded half-up to hundredths. */
function mean(sum: bigint, count: bigint): string | null {
  if (count === 0n) return null;
  return formatHundredths(Number((2n * sum + count) / (2n * count)));
}

export async function buildEsgSummary(db: Kysely<EsgTables>, runId: string): Promise<EsgSummary> {
  const run = await db
    .selectFrom("esg_runs")
    .select(["run_id", "run_date", "created_at"])
    .where("run_id", "=", runId)
    .executeTakeFirstOrThrow();
  const byStatus = await db
    .selectFrom("esg_run_accounts")
    .select(["status", sql<number | string>`count(*)`.as("n")])
    .where("run_id", "=", runId)
    .groupBy("status")
    .execute();
  const count = (s: string) => Number(byStatus.find((r) => r.status === s)?.n ?? 0);
  const total = byStatus.reduce((sum, r) => sum + Number(r.n), 0);
  const successful = count("Successful");
  const partial = count("Partial");
  const failed = total - successful - partial;

  const sums = await db
    .selectFrom("esg_run_accounts")
    .select([
      sql<string | number | null>`sum(cast(overall as bigint))`.as("overall_sum"),
      sql<string | number>`count(overall)`.as("overall_n"),
      sql<string | number | null>`sum(cast(environmental as bigint))`.as("environmental_sum"),
      sql<string | number>`count(environmental)`.as("environmental_n"),
      sql<string | number | null>`sum(cast(social as bigint))`.as("social_sum"),
      sql<string | number>`count(social)`.as("social_n"),
      sql<string | number | null>`sum(cast(governance as bigint))`.as("governance_sum"),
      sql<string | number>`count(governance)`.as("governance_n"),
    ])
    .where("run_id", "=", runId)
    .where("status", "in", ["Successful", "Partial"])
    .executeTakeFirstOrThrow();
  const avg = (k: "overall" | "environmental" | "social" | "governance") =>
    mean(BigInt(sums[`${k}_sum`] ?? 0), BigInt(sums[`${k}_n`]));

  const focus = await db
    .selectFrom("esg_run_accounts")
    .select(["primary_focus", sql<number | string>`count(*)`.as("n")])
    .where("run_id", "=", runId)
    .where("status", "in", ["Successful", "Partial"])
    .groupBy("primary_focus")
    .execute();
  const distribution = Object.fromEntries(
    PILLARS.map((p) => [p, Number(focus.find((f) => f.primary_focus === p)?.n ?? 0)]),
  ) as Record<Pillar, number>;

  const failedRows = await db
    .selectFrom("esg_run_accounts")
    .select(["account_id", "error"])
    .where("run_id", "=", runId)
    .where("status", "in", ["Failed", "PENDING"])
    .orderBy("seq")
    .limit(FAILED_LISTED + 1)
    .execute();

  // The previous finished full run: the day before's file, normally.
  const previous = await db
    .selectFrom("esg_runs")
    .select("run_id")
    .where("run_id", "!=", runId)
    .where("trigger_source", "in", ["SCHEDULED", "MANUAL_FULL"])
    .where("status", "in", ["COMPLETED", "TIMED_OUT"])
    .where("created_at", "<", run.created_at)
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  const movers = previous
    ? await db
        .selectFrom("esg_run_accounts as a")
        .innerJoin("esg_run_accounts as p", (join) =>
          join.onRef("p.account_id", "=", "a.account_id").on("p.run_id", "=", previous.run_id),
        )
        .select(["a.account_id", "a.account_name", "a.overall as current", "p.overall as previous"])
        .where("a.run_id", "=", runId)
        .where("a.overall", "is not", null)
        .where("p.overall", "is not", null)
        .orderBy(sql`abs(a.overall - p.overall)`, "desc")
        .orderBy("a.account_id")
        .limit(MOVERS)
        .execute()
    : [];

  return {
    runId,
    runDate: run.run_date,
    totalProcessed: total,
    successful,
    failed,
    partial,
    successRate: total === 0 ? "0.00" : (mean(BigInt(successful + partial) * 10_000n, BigInt(total)) ?? "0.00"),
    averages: {
      overall: avg("overall"),
      environmental: avg("environmental"),
      social: avg("social"),
      governance: avg("governance"),
    },
    primaryFocusDistribution: distribution,
    failedAccounts: failedRows.slice(0, FAILED_LISTED).map((r) => ({ accountId: r.account_id, error: r.error })),
    failedAccountsTruncated: failedRows.length > FAILED_LISTED,
    previousRunId: previous?.run_id ?? null,
    biggestMovers: movers
      .filter((m) => m.current !== m.previous)
      .map((m) => ({
        accountId: m.account_id,
        accountName: m.account_name,
        previousOverall: formatHundredths(m.previous!),
        overall: formatHundredths(m.current!),
        change: formatHundredths(m.current! - m.previous!),
      })),
  };
}
