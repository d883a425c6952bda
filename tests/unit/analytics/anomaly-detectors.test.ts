import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { after, before, describe, it } from "node:test";
import { MIGRATIONS, type PlatformTables } from "../../../shared/catalog.js";
import { openSqliteDatabase, tablesOf, type Database } from "../../../shared/foundation/sql/database.js";
import { seededRandom } from "../../../shared/kernel/seeded-random.js";
import type { AnalyticsTables } from "../../../shared/systems/analytics/analytics-tables.js";
import {
  ANOMALY_DEFAULTS,
  createAnomalyService,
  DETECT_CAP_PER_DETECTOR,
  type AnomalyService,
} from "../../../shared/systems/analytics/anomaly-service.js";

/**
 * Crafted data with known outliers: four cost centres posting about 1,000.00 a line every
 * month of FY2025, and three planted anomalies: a 25,000.00 line in CC-2 (row `big`), a
 * 9,000.00 credit in CC-3 (row `credit`), and CC-4's June doubled by extra lines.
 */
async function seed(db: Kysely<AnalyticsTables>) {
  const random = seededRandom(11);
  const rows: Record<string, unknown>[] = [];
  const line = (cc: string, period: number, minor: number, text = "normal") => {
    rows.push({
      posting_period: period,
      company_code: "1000",
      company_code_currency_key: "EUR",
      company_code_currency_value_minor: Math.abs(minor),
      debit_credit_ind: minor >= 0 ? "S" : "H",
      amount_minor: minor,
      cost_center_id: cc,
      general_ledger_account: cc === "CC-1" ? "600100" : "600200",
      supplier: `SUP-${rows.length % 7}`,
      document_header_text: text,
      general_ledger_fiscal_year: 2025,
      month_year: `2025-${String(period).padStart(2, "0")}`,
      row_fingerprint: `fp-${rows.length}`,
      loaded_at: "2026-01-01T00:00:00Z",
    });
  };
  for (const cc of ["CC-1", "CC-2", "CC-3", "CC-4"])
    for (let period = 1; period <= 12; period++)
      for (let i = 0; i < 8; i++) line(cc, period, 90_000 + Math.round(random() * 20_000));
  for (let i = 0; i < 8; i++) line("CC-4", 6, 100_000, "june extra");
  line("CC-2", 7, 2_500_000, "big");
  line("CC-3", 9, -900_000, "credit");
  for (let i = 0; i < rows.length; i += 100)
    await db
      .insertInto("finance_expense")
      .values(rows.slice(i, i + 100) as never)
      .execute();
  const find = async (text: string) =>
    (
      await db
        .selectFrom("finance_expense")
        .where("document_header_text", "=", text)
        .select("id")
        .executeTakeFirstOrThrow()
    ).id;
  return { big: await find("big"), credit: await find("credit") };
}

const page = { page: 1, pageSize: 25 };

describe("anomaly detectors on data with known outliers", () => {
  let database: Database<PlatformTables>;
  let service: AnomalyService;
  let planted: { big: number; credit: number };

  before(async () => {
    database = await openSqliteDatabase<PlatformTables>(":memory:", MIGRATIONS);
    const db = tablesOf<AnalyticsTables, PlatformTables>(database.db);
    planted = await seed(db);
    service = createAnomalyService(db);
  });
  after(async () => database.close());

  it("z-score: both planted rows, most extreme first, explained with the peer group's band in money", async () => {
    const result = await service.statistical({ filter: {} }, ANOMALY_DEFAULTS.statistical, page);
    const keys = result.items.map((a) => a.key);
    assert.deepEqual(keys.slice(0, 2), [`row:${planted.big}`, `row:${planted.credit}`]);
    const big = result.items[0]!;
    assert.equal(big.amount, "25000.00");
    assert.equal(big.direction, "increase");
    const finding = big.findings[0]!;
    assert.equal(finding.detector, "statistical");
    assert.deepEqual(finding.peerGroup.dimensions, { cost_center_id: "CC-2", company_code_currency_key: "EUR" });
    assert.equal(finding.peerGroup.size, 97);
    assert.equal(finding.peerGroup.normalRange.basis, "mean ± k·sd");
    assert.match(finding.peerGroup.normalRange.centre, /^\d+\.\d{2}$/);
    assert.equal(finding.contributions[0]!.feature, "amount");
    assert.deepEqual(
      big.evidence.map((e) => [e.id, e.amount, e.costCenterId]),
      [[planted.big, "25000.00", "CC-2"]],
    );
    assert.equal(result.items[1]!.direction, "decrease");
  });

  it("MAD: the robust variant finds the same rows and names its band", async () => {
    const result = await service.statistical({ filter: {} }, { ...ANOMALY_DEFAULTS.statistical, method: "mad" }, page);
    const keys = result.items.map((a) => a.key);
    assert.ok(keys.includes(`row:${planted.big}`) && keys.includes(`row:${planted.credit}`));
    assert.match(result.items[0]!.findings[0]!.peerGroup.normalRange.basis, /median/);
  });

  it("direction and materiality filter the findings", async () => {
    const up = await service.statistical({ filter: {}, direction: "increase" }, ANOMALY_DEFAULTS.statistical, page);
    assert.ok(up.items.every((a) => a.direction === "increase"));
    assert.ok(!up.items.some((a) => a.key === `row:${planted.credit}`));
    const material = await service.statistical(
      { filter: {}, minAmount: "9000.00" },
      ANOMALY_DEFAULTS.statistical,
      page,
    );
    assert.deepEqual(
      material.items.map((a) => a.key),
      [`row:${planted.big}`, `row:${planted.credit}`],
    );
    const above = await service.statistical({ filter: {}, minAmount: "9000.01" }, ANOMALY_DEFAULTS.statistical, page);
    assert.deepEqual(
      above.items.map((a) => a.key),
      [`row:${planted.big}`],
    );
  });

  it("isolation forest: the planted rows rank first, the same seed gives the same answer, attribution sums to 1", async () => {
    const params = { ...ANOMALY_DEFAULTS.ml, contamination: 0.02 };
    const first = await service.ml({ filter: {} }, params, page);
    const again = await service.ml({ filter: {} }, params, page);
    assert.deepEqual(again, first);
    const top = first.items.slice(0, 2).map((a) => a.key);
    assert.ok(top.includes(`row:${planted.big}`), JSON.stringify(top));
    assert.ok(top.includes(`row:${planted.credit}`), JSON.stringify(top));
    const finding = first.items[0]!.findings[0]!;
    assert.match(finding.method, /isolation forest .*isolation bits/);
    const sum = finding.contributions.reduce((s, c) => s + c.contribution, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9);
    assert.equal(first.total, Math.ceil(0.02 * 395));
  });

  it("trends: CC-4's June is up on May and back down in July, with its largest rows as evidence", async () => {
    const result = await service.trends({ filter: {} }, ANOMALY_DEFAULTS.trend, page);
    const keys = result.items.map((a) => a.key);
    assert.ok(keys.includes("segment:cost_center_id=CC-4@2025-06:EUR"), JSON.stringify(keys));
    const june = result.items.find((a) => a.key === "segment:cost_center_id=CC-4@2025-06:EUR")!;
    assert.equal(june.direction, "increase");
    assert.equal(june.findings[0]!.peerGroup.normalRange.basis, "previous period ± threshold");
    assert.equal(june.evidence.length, 5);
    assert.ok(june.evidence.every((e) => e.monthYear === "2025-06" && e.costCenterId === "CC-4"));
    const down = await service.trends({ filter: {}, direction: "decrease" }, ANOMALY_DEFAULTS.trend, page);
    assert.ok(down.items.every((a) => a.direction === "decrease"));
  });

  it("detect: a row found by the z-score and the forest is one entry naming both, ranked first", async () => {
    const result = await service.detect(
      { filter: {} },
      { ...ANOMALY_DEFAULTS, ml: { ...ANOMALY_DEFAULTS.ml, contamination: 0.02 } },
      page,
    );
    const first = result.items[0]!;
    assert.ok([`row:${planted.big}`, `row:${planted.credit}`].includes(first.key));
    assert.deepEqual([...first.detectors].sort(), ["ml", "statistical"]);
    assert.equal(new Set(result.items.map((a) => a.key)).size, result.items.length);
    assert.ok(result.items.some((a) => a.detectors.includes("trend")));
  });

  it("filters narrow the rows: a cost centre without outliers has none", async () => {
    const result = await service.statistical(
      { filter: { dimensions: { cost_center_id: "CC-1" } } },
      { ...ANOMALY_DEFAULTS.statistical, threshold: 4 },
      page,
    );
    assert.equal(result.total, 0);
  });
});

describe("detect's cap on trend findings, shared with the anomaly scatter", () => {
  let database: Database<PlatformTables>;
  let service: AnomalyService;

  // More cost centres jumping from P01 to P02 than detect keeps per detector; each jumps by a
  // different share, so the ranking (largest change first) is unambiguous.
  const centres = DETECT_CAP_PER_DETECTOR + 50;
  before(async () => {
    database = await openSqliteDatabase<PlatformTables>(":memory:", MIGRATIONS);
    const db = tablesOf<AnalyticsTables, PlatformTables>(database.db);
    const rows = Array.from({ length: centres }, (_, i) => [1, 2].map((period) => ({ i, period }))).flat();
    for (let at = 0; at < rows.length; at += 200)
      await db
        .insertInto("finance_expense")
        .values(
          rows.slice(at, at + 200).map(({ i, period }) => {
            const minor = period === 1 ? 100_000 : 200_000 + i * 100;
            return {
              posting_period: period,
              company_code: "1000",
              company_code_currency_key: "EUR",
              company_code_currency_value_minor: minor,
              debit_credit_ind: "S",
              amount_minor: minor,
              cost_center_id: `CC-${String(i).padStart(4, "0")}`,
              general_ledger_fiscal_year: 2025,
              month_year: `2025-0${period}`,
              row_fingerprint: `fp-${i}-${period}`,
              loaded_at: "2026-01-01T00:00:00Z",
            };
          }) as never,
        )
        .execute();
    service = createAnomalyService(db);
  });
  after(async () => database.close());

  it("trendSegments answers the strongest findings detect merges, and how many there were", async () => {
    const segments = await service.trendSegments({ filter: {} }, ANOMALY_DEFAULTS.trend);
    assert.equal(segments.total, centres);
    assert.equal(segments.items.length, DETECT_CAP_PER_DETECTOR);
    assert.equal(segments.items[0]!.subject.kind === "segment" && segments.items[0]!.subject.value, "CC-1049");
    const detected = await service.detect({ filter: {} }, ANOMALY_DEFAULTS, { page: 1, pageSize: 5_000 });
    assert.ok(detected.truncated);
    const keys = (items: readonly { key: string; subject: { kind: string } }[]) =>
      items
        .filter((a) => a.subject.kind === "segment")
        .map((a) => a.key)
        .sort();
    assert.deepEqual(keys(segments.items), keys(detected.items));
  });
});
