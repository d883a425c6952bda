import type { EsgResultRepository } from "./esg-result-repository.js";
import type { EsgRunRepository } from "./esg-run-repository.js";
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

export async function buildEsgSummary(
  runs: EsgRunRepository,
  results: EsgResultRepository,
  runId: string,
): Promise<EsgSummary> {
  const run = await runs.findForSummary(runId);
  const byStatus = await results.countsByStatus(runId);
  const count = (s: string) => Number(byStatus.find((r) => r.status === s)?.n ?? 0);
  const total = byStatus.reduce((sum, r) => sum + Number(r.n), 0);
  const successful = count("Successful");
  const partial = count("Partial");
  const failed = total - successful - partial;

  const sums = await results.scoreSums(runId);
  const avg = (k: "overall" | "environmental" | "social" | "governance") =>
    mean(BigInt(sums[`${k}_sum`] ?? 0), BigInt(sums[`${k}_n`]));

  const focus = await results.focusCounts(runId);
  const distribution = Object.fromEntries(
    PILLARS.map((p) => [p, Number(focus.find((f) => f.primary_focus === p)?.n ?? 0)]),
  ) as Record<Pillar, number>;

  // One more than listed, to know whether the list is truncated.
  const failedRows = await results.firstFailed(runId, FAILED_LISTED + 1);

  // The previous finished full run: the day before's file, normally.
  const previousRunId = await runs.previousFullRun(runId, run.created_at);
  const movers = previousRunId ? await results.biggestMovers(runId, previousRunId, MOVERS) : [];

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
    previousRunId: previousRunId ?? null,
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
