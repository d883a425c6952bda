import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatDecimal, parseMoney, toMoney, variance } from "../../../shared/kernel/money.js";
import { mergeProject } from "../../../shared/systems/gateway/merge-project.js";
import type { ProjectRecord } from "../../../shared/systems/gateway/project-repository.js";
import {
  SapFieldError,
  fromSapTimestamp,
  sapAmountMinor,
  sapCurrency,
  sapDate,
  sapId,
  sapText,
  toSapTimestamp,
} from "../../../shared/sap/sap-normalize.js";

/** Asserts the call throws a SapFieldError for `field` whose message matches `reason`. */
function rejects(run: () => unknown, field: string, reason: RegExp) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof SapFieldError, String(error));
    assert.equal(error.field, field);
    assert.match(error.message, reason);
    return true;
  });
}

describe("SAP normalisation", () => {
  describe("CURR amounts in SAP's internal format become exact minor units", () => {
    const cases: [raw: string, currency: string, minor: bigint, shown: string][] = [
      ["1234.50", "EUR", 123450n, "1234.50"],
      ["    1234.50", "EUR", 123450n, "1234.50"],
      ["1234.5", "EUR", 123450n, "1234.50"],
      ["0.10", "EUR", 10n, "0.10"],
      ["1234.50-", "EUR", -123450n, "-1234.50"],
      ["-1234.50", "USD", -123450n, "-1234.50"],
      // TCURX shift: JPY has no decimals, SAP stores 1234 yen as 12.34.
      ["12.34", "JPY", 1234n, "1234"],
      // KWD has three: 12.345 KWD is stored as 123.45.
      ["123.45", "KWD", 12345n, "12.345"],
      ["99999999999999.99", "EUR", 9999999999999999n, "99999999999999.99"],
    ];
    for (const [raw, currency, minor, shown] of cases) {
      it(`${JSON.stringify(raw)} ${currency} → ${shown}`, () => {
        assert.equal(sapAmountMinor("NETWR", raw), minor);
        assert.deepEqual(toMoney(minor, currency), { amount: shown, currency });
      });
    }
  });

  describe("malformed values give a validation error naming the field", () => {
    const cases: [name: string, run: () => unknown, field: string, reason: RegExp][] = [
      ["blank amount", () => sapAmountMinor("PLKOST", "               "), "PLKOST", /blank/],
      ["empty amount", () => sapAmountMinor("PLKOST", ""), "PLKOST", /blank/],
      ["three decimals", () => sapAmountMinor("NETWR", "1.005"), "NETWR", /two decimals/],
      ["letters in an amount", () => sapAmountMinor("NETWR", "12A.00"), "NETWR", /not an amount/],
      ["two signs", () => sapAmountMinor("NETWR", "-5.00-"), "NETWR", /two signs/],
      ["a number instead of a CHAR/BCD string", () => sapAmountMinor("NETWR", 12.5), "NETWR", /character field/],
      [
        "00000000 where a date is required",
        () => sapDate("PLFAZ", "00000000", { required: true }),
        "PLFAZ",
        /initial date/,
      ],
      [
        "a date that is not on the calendar",
        () => sapDate("PLFAZ", "20250230", { required: true }),
        "PLFAZ",
        /calendar/,
      ],
      [
        "an ISO date where SAP sends YYYYMMDD",
        () => sapDate("PLFAZ", "2025-01-01", { required: false }),
        "PLFAZ",
        /YYYYMMDD/,
      ],
      ["unknown currency", () => sapCurrency("WAERS", "XYZ  "), "WAERS", /ISO 4217/],
      ["blank currency", () => sapCurrency("WAERS", "     "), "WAERS", /blank/],
      ["blank id", () => sapId("PERNR", "        "), "PERNR", /blank/],
    ];
    for (const [name, run, field, reason] of cases) it(name, () => rejects(run, field, reason));
  });

  describe("dates, ids and texts", () => {
    it("reads YYYYMMDD as an ISO date and the initial date as no date where optional", () => {
      assert.equal(sapDate("PLSEZ", "20260131", { required: true }), "2026-01-31");
      assert.equal(sapDate("PLSEZ", "20240229", { required: true }), "2024-02-29");
      assert.equal(sapDate("PLSEZ", "00000000", { required: false }), null);
      assert.equal(sapDate("PLSEZ", "        ", { required: false }), null);
    });
    it("drops ALPHA zero padding from numeric ids and trailing blanks from all", () => {
      assert.equal(sapId("PERNR", "00001234"), "1234");
      assert.equal(sapId("KOSTL", "0000004101"), "4101");
      assert.equal(sapId("PERNR", "00000000"), "0");
      assert.equal(sapId("PSPID", "PRJ-000123              "), "PRJ-000123");
      assert.equal(sapText("POST1", "Audit 2026      "), "Audit 2026");
      assert.equal(sapCurrency("WAERS", "eur  "), "EUR");
    });
  });

  it("writes and reads SAP timestamps (YYYYMMDDhhmmss, UTC)", () => {
    const ms = Date.UTC(2026, 10, 23, 5, 4, 3);
    assert.equal(toSapTimestamp(ms), "20261123050403");
    assert.equal(fromSapTimestamp("20261123050403"), ms);
    assert.equal(fromSapTimestamp(""), undefined);
    assert.equal(fromSapTimestamp("2026-11-23"), undefined);
  });

  describe("variance", () => {
    const cases: [actual: string, planned: string, diff: string, pct: string | null][] = [
      ["110.00", "100.00", "10.00", "10.00"],
      ["0.30", "0.30", "0.00", "0.00"],
      ["100.00", "300.00", "-200.00", "-66.67"],
      ["100.00", "75.00", "25.00", "33.33"],
      ["100.01", "100.00", "0.01", "0.01"],
      ["100.005", "100.00", "", ""], // refused below: more decimals than EUR has
      ["50.00", "0.00", "50.00", null],
      // Half away from zero: 1/8 % = 0.125 % → 0.13; -0.125 % → -0.13.
      ["8000.10", "8000.00", "0.10", "0.00"],
      ["1000.00", "800000.00", "-799000.00", "-99.88"],
    ];
    for (const [actual, planned, diff, pct] of cases) {
      it(`${actual} against ${planned}`, () => {
        if (diff === "") {
          assert.throws(() => parseMoney(actual, "EUR"), /decimal places/);
          return;
        }
        const v = variance(parseMoney(actual, "EUR"), parseMoney(planned, "EUR"));
        assert.equal(formatDecimal(v.variance, 2), diff);
        assert.equal(v.variancePct, pct);
      });
    }
    it("rounds half away from zero", () => {
      assert.equal(variance(801n, 800n).variancePct, "0.13"); // +0.125 % → 0.13
      assert.equal(variance(799n, 800n).variancePct, "-0.13"); // -0.125 % → -0.13
      assert.equal(variance(10_001n, 10_000n).variancePct, "0.01");
    });
  });
});

describe("merging a SAP project with its SQL record", () => {
  const sap = {
    ES_HEADER: {
      PSPNR: "00000042",
      PSPID: "PRJ-000042              ",
      POST1: "Harbor Audit 42                         ",
      ABTEI: "FIN         ",
      AEDAT: "20251201",
      BUKRS: "1000",
      WAERS: "EUR  ",
      PLFAZ: "20250101",
      PLSEZ: "00000000",
      STATUS: "REL ",
      VERNA: "Ana Costa                ",
      PRART: "FP",
      NETWR: "   100000.00",
      PLKOST: "80000.00",
      ISTKOST: "40000.10",
      FAKTWR: "25000.00",
      FAKDAT: "20251115",
      OUTSRC: "4000.01",
    },
    ET_WBS: [{ PSPNR: "00000420", POSID: "PRJ-000042.01           ", POST1: "Work package 1", STUFE: "1" }],
    ET_RESOURCE_PLAN: [{ PERNR: "00001007", POSID: "PRJ-000042.01", PLANSTD: "120.5", ISTSTD: "60.0" }],
  };
  const record = (overrides: Partial<ProjectRecord> = {}): ProjectRecord => ({
    projectId: "PRJ-000042",
    sapProjectCode: "PRJ-000042",
    name: null,
    status: "active",
    customField1: null,
    customField2: null,
    totalCostMinor: 4_000_010n,
    costCurrency: "EUR",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    version: 3,
    ...overrides,
  });

  it("normalises every SAP value and computes derived amounts exactly", () => {
    const p = mergeProject("PRJ-000042", sap, record());
    assert.equal(p.sapInternalId, "42");
    assert.equal(p.name, "Harbor Audit 42");
    assert.equal(p.endDate, null);
    assert.equal(p.sapStatus, "released");
    assert.deepEqual(p.pricing.plannedMargin, { amount: "20000.00", currency: "EUR" });
    assert.deepEqual(p.costs.variance, { amount: "-39999.90", currency: "EUR" });
    assert.equal(p.costs.variancePct, "-50.00");
    assert.deepEqual(p.billing.remainingToBill, { amount: "75000.00", currency: "EUR" });
    assert.equal(p.outsourcing.shareOfActualPct, "10.00");
    assert.equal(p.resourcePlanning.plannedHours, "120.5");
    assert.equal(p.resourcePlanning.assignments[0]!.resourceId, "1007");
    assert.deepEqual(p.validation, { consistent: true, issues: [] });
    assert.equal(p.version, 3);
  });

  it("accepts cost totals within 0.01 and flags larger differences", () => {
    assert.equal(mergeProject("PRJ-000042", sap, record({ totalCostMinor: 4_000_011n })).validation.consistent, true);
    const off = mergeProject("PRJ-000042", sap, record({ totalCostMinor: 4_000_012n }));
    assert.equal(off.validation.consistent, false);
    assert.deepEqual(
      off.validation.issues.map((i) => i.code),
      ["COST_TOTAL_MISMATCH"],
    );
  });

  it("flags an id mismatch and a currency mismatch, and notes a missing SQL record without failing it", () => {
    const mismatch = mergeProject("PRJ-000042", sap, record({ sapProjectCode: "PRJ-000043", costCurrency: "USD" }));
    assert.deepEqual(mismatch.validation.issues.map((i) => i.code).sort(), ["CURRENCY_MISMATCH", "ID_MISMATCH"]);
    const alone = mergeProject("PRJ-000042", sap, undefined);
    assert.equal(alone.validation.consistent, true);
    assert.deepEqual(
      alone.validation.issues.map((i) => i.code),
      ["NO_SQL_RECORD"],
    );
    assert.equal(alone.version, 0);
  });

  it("keeps the project when a value is malformed, with the field named on the record", () => {
    const bad = mergeProject(
      "PRJ-000042",
      { ...sap, ES_HEADER: { ...sap.ES_HEADER, PLKOST: "   ", WAERS: "EUR", PLFAZ: "00000000" } },
      record(),
    );
    assert.equal(bad.costs.planned, null);
    assert.equal(bad.costs.variance, null);
    assert.equal(bad.startDate, null);
    assert.deepEqual(bad.validation.issues.map((i) => i.field).sort(), ["ES_HEADER.PLFAZ", "ES_HEADER.PLKOST"]);
  });
});
