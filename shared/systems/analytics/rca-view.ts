import type { WaterfallStep } from "../../foundation/charts/index.js";
import { currencyExponent, formatDecimal, isKnownCurrency } from "../../kernel/money.js";
import type { EvidenceRow } from "./rca-repository.js";
import type { CurrencyRca, ExplainedSegment, RcaResult } from "./rca-service.js";
import type { RcaWaterfall } from "./rca-waterfall.js";

/** Amounts on the wire: exact decimal strings in the currency's precision (2 for a code we do not know). */
export function amountOf(minor: bigint, currency: string): string {
  return formatDecimal(minor, isKnownCurrency(currency) ? currencyExponent(currency) : 2);
}

function evidenceView(row: EvidenceRow, currency: string) {
  return {
    id: row.id,
    side: row.side,
    monthYear: row.monthYear,
    amount: amountOf(row.amountMinor, currency),
    costCenterId: row.costCenterId,
    generalLedgerAccount: row.generalLedgerAccount,
    supplier: row.supplier,
    segment: row.segment,
  };
}

function segmentView(s: ExplainedSegment, currency: string) {
  return {
    label: s.label,
    where: Object.fromEntries(s.where),
    depth: s.where.length,
    kind: s.kind,
    baseline: amountOf(s.baseMinor, currency),
    comparison: amountOf(s.compMinor, currency),
    change: amountOf(s.changeMinor, currency),
    baselineRows: s.baseRows,
    comparisonRows: s.compRows,
    shareOfChange: s.shareOfChange,
    excessOverParents: s.excessOverParentsMinor === null ? null : amountOf(s.excessOverParentsMinor, currency),
    evidence: s.evidence.map((e) => evidenceView(e, currency)),
    ...(s.budgetLines
      ? {
          budgetLines: s.budgetLines.map((b) => ({
            budgetId: b.budgetId,
            fiscalPeriod: b.fiscalPeriod,
            budgeted: amountOf(b.budgetedMinor, currency),
          })),
        }
      : {}),
  };
}

export function waterfallView(w: RcaWaterfall) {
  return {
    currency: w.currency,
    start: { label: w.start.label, amount: amountOf(w.start.amountMinor, w.currency) },
    steps: w.steps.map((s) => ({ label: s.label, change: amountOf(s.changeMinor, w.currency), kind: s.kind })),
    end: { label: w.end.label, amount: amountOf(w.end.amountMinor, w.currency) },
  };
}

function currencyView(c: CurrencyRca) {
  const cur = c.currency;
  return {
    currency: cur,
    baseline: amountOf(c.baseMinor, cur),
    comparison: amountOf(c.compMinor, cur),
    change: amountOf(c.changeMinor, cur),
    baselineRows: c.baseRows,
    comparisonRows: c.compRows,
    drivers: c.drivers.map((s) => segmentView(s, cur)),
    newSegments: c.newSegments.map((s) => segmentView(s, cur)),
    vanishedSegments: c.vanishedSegments.map((s) => segmentView(s, cur)),
    partition: c.partition.map((p) => ({
      label: p.label,
      change: amountOf(p.changeMinor, cur),
      kind: p.segment?.kind ?? null,
    })),
    importance: c.importance.map((i) => ({
      dimension: i.dimension,
      importance: i.importance,
      nonProportionalChange: amountOf(i.nonProportionalMinor, cur),
      topValue: i.topValue,
      topValueShare: i.topValueShare,
      values: i.values,
    })),
    waterfall: waterfallView(c.waterfall),
    searched: c.searched,
  };
}

/** The JSON view of an RCA (routes and chat show the same thing). */
export function rcaView(r: RcaResult) {
  return {
    mode: r.mode,
    baseline: r.baseline,
    comparison: r.comparison,
    dimensions: [...r.dimensions],
    maxDepth: r.maxDepth,
    currencies: r.currencies.map(currencyView),
    importanceMethod: r.importanceMethod,
    notes: [...r.notes],
  };
}

export type RcaView = ReturnType<typeof rcaView>;

/**
 * The waterfall as chart steps (`waterfallSpec` / `waterfallFigure` of the charts draw it):
 * the start as absolute, each step relative, the end as the total. Charts plot numbers, so
 * the exact decimals become numbers here (display only); `text` keeps the exact amounts.
 */
export function rcaWaterfallSteps(w: RcaWaterfall): WaterfallStep[] {
  const view = waterfallView(w);
  return [
    { label: view.start.label, value: Number(view.start.amount), measure: "absolute", text: view.start.amount },
    ...view.steps.map((s) => ({
      label: s.label,
      value: Number(s.change),
      measure: "relative" as const,
      text: s.change,
    })),
    { label: view.end.label, value: Number(view.end.amount), measure: "total", text: view.end.amount },
  ];
}
