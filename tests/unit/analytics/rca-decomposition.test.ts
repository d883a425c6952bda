import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Dimension } from "../../../shared/systems/analytics/analytics-dimensions.js";
import { fiscalPeriodSpan, selectBudget } from "../../../shared/systems/analytics/rca-budget.js";
import {
  DEFAULT_DECOMPOSITION,
  DecompositionMismatchError,
  decompose,
  type Cell,
  type CellSource,
  type CurrencyTotal,
} from "../../../shared/systems/analytics/rca-decomposition.js";
import { rcaWaterfall } from "../../../shared/systems/analytics/rca-waterfall.js";

interface Row {
  readonly side: "base" | "comp";
  readonly currency?: string;
  readonly amount: bigint;
  readonly dims: Partial<Record<Dimension, string | null>>;
}

/** The SQL source's behaviour over rows in memory, recording what it was asked. */
class RowSource implements CellSource {
  readonly asked: { dims: readonly Dimension[]; allowed: Map<Dimension, Set<string | null>> }[] = [];
  constructor(readonly rows: readonly Row[]) {}
  async totals(): Promise<CurrencyTotal[]> {
    return (await this.cells([], new Map())).map(({ values: _v, ...t }) => t);
  }
  async cells(dims: readonly Dimension[], allowed: ReadonlyMap<Dimension, ReadonlySet<string | null>>) {
    this.asked.push({ dims: [...dims], allowed: new Map([...allowed].map(([d, v]) => [d, new Set(v)])) });
    const out = new Map<string, Cell>();
    for (const r of this.rows) {
      const values = dims.map((d) => r.dims[d] ?? null);
      if (dims.some((d, i) => allowed.has(d) && !allowed.get(d)!.has(values[i]!))) continue;
      const currency = r.currency ?? "EUR";
      const key = JSON.stringify([currency, ...values]);
      const c = out.get(key) ?? { currency, values, baseMinor: 0n, compMinor: 0n, baseRows: 0, compRows: 0 };
      out.set(
        key,
        r.side === "base"
          ? { ...c, baseMinor: c.baseMinor + r.amount, baseRows: c.baseRows + 1 }
          : { ...c, compMinor: c.compMinor + r.amount, compRows: c.compRows + 1 },
      );
    }
    return [...out.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1));
  }
}

const options = (dimensions: Dimension[], more: Partial<typeof DEFAULT_DECOMPOSITION> = {}) => ({
  ...DEFAULT_DECOMPOSITION,
  dimensions,
  ...more,
});

/** A deterministic little generator (no Math.random: same data every run). */
function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** Flat spend across 4 cost centers × 3 accounts × 3 regions, both periods, odd cents. */
function flatRows(): Row[] {
  const rand = lcg(7);
  const rows: Row[] = [];
  for (const cc of ["CC1", "CC2", "CC3", "CC4"])
    for (const acct of ["Travel", "Software", "Rent"])
      for (const region of ["North", "South", "West"])
        for (const side of ["base", "comp"] as const)
          for (let i = 0; i < 5; i++) {
            const amount = 10_000n + BigInt(Math.floor(rand() * 99)) * 101n + 1n;
            rows.push({ side, amount, dims: { cost_center_id: cc, general_ledger_account_name: acct, region } });
          }
  return rows;
}

const sum = (xs: readonly bigint[]) => xs.reduce((s, x) => s + x, 0n);

describe("RCA decomposition", () => {
  it("the partition plus 'other' and the waterfall add up to the change to the cent, odd cents and a decrease included", async () => {
    const rows: Row[] = [
      { side: "base", amount: 100_01n, dims: { cost_center_id: "A", supplier: "S1" } },
      { side: "base", amount: 333_33n, dims: { cost_center_id: "B", supplier: "S2" } },
      { side: "base", amount: -12_07n, dims: { cost_center_id: "B", supplier: "S1" } },
      { side: "comp", amount: 57_99n, dims: { cost_center_id: "A", supplier: "S1" } },
      { side: "comp", amount: 10_03n, dims: { cost_center_id: "B", supplier: "S2" } },
      { side: "comp", amount: -1n, dims: { cost_center_id: "C", supplier: null } },
    ];
    const [eur] = await decompose(
      new RowSource(rows),
      options(["cost_center_id", "supplier"], { minImpactShare: 0, maxSteps: 2 }),
    );
    const base = 100_01n + 333_33n - 12_07n;
    const comp = 57_99n + 10_03n - 1n;
    assert.equal(eur!.changeMinor, comp - base);
    assert.equal(eur!.changeMinor, -353_26n);
    assert.equal(sum(eur!.partition.map((p) => p.changeMinor)), eur!.changeMinor);
    assert.equal(eur!.partition.at(-1)!.label, "other");
    // The largest decrease leads: supplier S2 (−323.30 = 10.03 − 333.33; cost center B is −311.23).
    assert.equal(eur!.partition[0]!.label, "supplier=S2");
    assert.equal(eur!.partition[0]!.changeMinor, -323_30n);
    const waterfall = rcaWaterfall(eur!);
    assert.equal(
      waterfall.start.amountMinor + sum(waterfall.steps.map((s) => s.changeMinor)),
      waterfall.end.amountMinor,
    );
    assert.equal(waterfall.end.amountMinor, comp);
  });

  it("separates new and vanished segments (blank values too)", async () => {
    const rows: Row[] = [
      ...flatRows(),
      { side: "comp", amount: 250_000_17n, dims: { cost_center_id: "CC1", supplier: "NewCo" } },
      { side: "base", amount: 180_000_03n, dims: { cost_center_id: "CC2", supplier: "OldCo" } },
    ];
    const [eur] = await decompose(new RowSource(rows), options(["cost_center_id", "supplier"]));
    assert.deepEqual(
      eur!.newSegments.map((s) => [s.where, s.changeMinor]),
      [[[["supplier", "NewCo"]], 250_000_17n]],
    );
    assert.deepEqual(
      eur!.vanishedSegments.map((s) => [s.where, s.changeMinor]),
      [[[["supplier", "OldCo"]], -180_000_03n]],
    );
    assert.ok(eur!.drivers.every((s) => s.kind === "changed"));
    assert.equal(sum(eur!.partition.map((p) => p.changeMinor)), eur!.changeMinor);
  });

  it("finds a planted combination as top driver, and reports no combination that only mirrors its parents", async () => {
    const planted: Row[] = Array.from({ length: 10 }, () => ({
      side: "comp" as const,
      amount: 90_000_00n,
      dims: { cost_center_id: "CC3", general_ledger_account_name: "Travel", region: "North" },
    }));
    const [eur] = await decompose(
      new RowSource([...flatRows(), ...planted]),
      options(["cost_center_id", "general_ledger_account_name", "region"]),
    );
    const top = eur!.drivers[0]!;
    assert.deepEqual(top.where, [
      ["cost_center_id", "CC3"],
      ["general_ledger_account_name", "Travel"],
      ["region", "North"],
    ]);
    // Every reported combination explains materially more than each of its parents would predict.
    for (const s of eur!.drivers.filter((d) => d.where.length > 1)) {
      assert.ok(
        s.excessOverParentsMinor! * 4n >= (s.changeMinor < 0n ? -s.changeMinor : s.changeMinor),
        s.where.join(),
      );
      assert.ok(
        s.where.every(
          ([d, v]) =>
            (d === "cost_center_id" && v === "CC3") ||
            (d === "general_ledger_account_name" && v === "Travel") ||
            (d === "region" && v === "North"),
        ),
        `only the planted cells combine: ${JSON.stringify(s.where)}`,
      );
    }
    // Importance: the three planted dimensions explain it; the partition stays exact.
    assert.ok(eur!.importance.every((i) => i.importance > 0));
    assert.equal(sum(eur!.partition.map((p) => p.changeMinor)), eur!.changeMinor);
  });

  it("the dimension that carries the change scores highest in importance", async () => {
    const rows = flatRows().map((r) =>
      r.side === "comp" && r.dims.general_ledger_account_name === "Software" ? { ...r, amount: r.amount * 3n } : r,
    );
    const [eur] = await decompose(
      new RowSource(rows),
      options(["cost_center_id", "general_ledger_account_name", "region"], { maxDepth: 1 }),
    );
    assert.equal(eur!.importance[0]!.dimension, "general_ledger_account_name");
    assert.equal(eur!.importance[0]!.topValue, "Software");
    assert.ok(eur!.importance[0]!.importance > 0.8, String(eur!.importance[0]!.importance));
    assert.equal(eur!.drivers[0]!.where[0]![1], "Software");
  });

  it("prunes: combinations are asked only for values whose level-1 segment passed, and only under extended parents", async () => {
    const rows: Row[] = [
      ...flatRows(),
      ...Array.from({ length: 3 }, () => ({
        side: "comp" as const,
        amount: 500_000_00n,
        dims: { cost_center_id: "CC1", general_ledger_account_name: "Rent", region: "West" },
      })),
    ];
    const source = new RowSource(rows);
    const [eur] = await decompose(
      source,
      options(["cost_center_id", "general_ledger_account_name", "region"], {
        minImpactShare: 0.3,
        minSupportShare: 0.5,
      }),
    );
    const pair = source.asked.find((a) => a.dims.join() === "cost_center_id,general_ledger_account_name")!;
    assert.deepEqual([...pair.allowed.get("cost_center_id")!], ["CC1"]);
    assert.deepEqual([...pair.allowed.get("general_ledger_account_name")!], ["Rent"]);
    // 1 totals + 3 dimensions + 3 pairs + 1 triple, each narrowed: far fewer segments than the full cube.
    assert.equal(eur!.searched.queries, 8);
    assert.ok(eur!.searched.segmentsEvaluated < 4 + 3 + 3 + 3 + 3 + 3, String(eur!.searched.segmentsEvaluated));
    assert.deepEqual(eur!.drivers[0]!.where.length, 3);

    // Depth 1 only: no combination is ever asked for.
    const flat = new RowSource(rows);
    await decompose(flat, options(["cost_center_id", "general_ledger_account_name", "region"], { maxDepth: 1 }));
    assert.ok(flat.asked.every((a) => a.dims.length <= 1));
  });

  it("decomposes each currency on its own and never adds EUR to USD", async () => {
    const rows: Row[] = [
      { side: "base", currency: "EUR", amount: 100_00n, dims: { cost_center_id: "A" } },
      { side: "comp", currency: "EUR", amount: 150_00n, dims: { cost_center_id: "A" } },
      { side: "base", currency: "USD", amount: 70_00n, dims: { cost_center_id: "A" } },
      { side: "comp", currency: "USD", amount: 20_01n, dims: { cost_center_id: "A" } },
    ];
    const result = await decompose(new RowSource(rows), options(["cost_center_id"]));
    assert.deepEqual(
      result.map((r) => [r.currency, r.changeMinor, r.partition[0]!.changeMinor]),
      [
        ["EUR", 50_00n, 50_00n],
        ["USD", -49_99n, -49_99n],
      ],
    );
  });

  it("refuses a source whose partitions do not add up to its totals", async () => {
    const rows: Row[] = [{ side: "comp", amount: 1n, dims: { cost_center_id: "A" } }];
    const broken = new RowSource(rows);
    broken.totals = async () => [{ currency: "EUR", baseMinor: 0n, compMinor: 2n, baseRows: 0, compRows: 1 }];
    await assert.rejects(decompose(broken, options(["cost_center_id"])), DecompositionMismatchError);
  });
});

describe("budget fiscal periods", () => {
  it("maps periods, quarters and years onto posting periods", () => {
    const span = (s: string) => fiscalPeriodSpan(s);
    assert.deepEqual(span("2025-03"), { fiscalYear: 2025, periodFrom: 3, periodTo: 3 });
    assert.deepEqual(span("FY2025 P01"), { fiscalYear: 2025, periodFrom: 1, periodTo: 1 });
    assert.deepEqual(span("fy2025-p7"), { fiscalYear: 2025, periodFrom: 7, periodTo: 7 });
    assert.deepEqual(span("P12 2025"), { fiscalYear: 2025, periodFrom: 12, periodTo: 12 });
    assert.deepEqual(span("FY2025 Q2"), { fiscalYear: 2025, periodFrom: 4, periodTo: 6 });
    assert.deepEqual(span("FY2025"), { fiscalYear: 2025, periodFrom: 1, periodTo: 12 });
    assert.equal(span("2025-17"), null);
    assert.equal(span("next year"), null);
  });

  it("takes only lines wholly inside the range, with a cost center, and counts the rest", () => {
    const line = (fiscalPeriod: string, costCenter = "CC1", lines = 1) => ({
      department: "Ops",
      subCategory: "",
      fiscalPeriod,
      costCenter,
      currency: "EUR",
      budgetedMinor: 100n,
      lines,
      sampleBudgetId: fiscalPeriod,
    });
    const selection = selectBudget(
      [
        line("FY2025 P03"),
        line("FY2025 Q1"),
        line("FY2025", "CC1", 2),
        line("soon"),
        line("2025-03", ""),
        line("2024-03"),
      ],
      { fiscalYear: 2025, periodFrom: 1, periodTo: 3 },
    );
    assert.deepEqual(
      selection.used.map((p) => p.fiscalPeriod),
      ["FY2025 P03", "FY2025 Q1"],
    );
    assert.equal(selection.partlyInRange, 2);
    assert.equal(selection.unmapped, 1);
    assert.equal(selection.withoutCostCenter, 1);
  });
});
