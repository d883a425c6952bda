import { currencyExponent, formatDecimal, isKnownCurrency } from "../../kernel/money.js";

/**
 * One format for every anomaly, whichever detector found it: what is unusual (a row or a
 * segment), which features or dimensions made it so and by how much, the peer group with
 * its normal range in money, and the evidence rows. Scores are doubles (they rank); every
 * amount shown is an exact decimal string re-derived from minor units.
 */

export type AnomalyDetector = "statistical" | "ml" | "trend";
export type AnomalyDirection = "increase" | "decrease";

/** A feature or dimension that made the subject unusual, and its share in the verdict. */
export interface AnomalyContribution {
  /** A feature name (`amount_vs_cost_center`) or a dimension (`cost_center_id`). */
  readonly feature: string;
  /** The subject's value of it, as text (an amount, a score, a dimension value). */
  readonly value: string;
  /** Share of the detector's verdict this feature carries (0–1; the shares of a finding sum to 1). */
  readonly contribution: number;
  /** What the value means in words. */
  readonly detail: string;
}

export interface AnomalyNormalRange {
  /** How the band is built: `mean ± k·sd`, `median ± k·MAD`, `previous period ± threshold`. */
  readonly basis: string;
  readonly k: number;
  readonly centre: string;
  readonly low: string;
  readonly high: string;
  readonly currency: string;
}

export interface AnomalyPeerGroup {
  /** The dimension values that define the group (the currency always among them). */
  readonly dimensions: Readonly<Record<string, string | null>>;
  /** Rows (or periods) in the group. */
  readonly size: number;
  readonly normalRange: AnomalyNormalRange;
}

/** What one detector found and why. */
export interface AnomalyFinding {
  readonly detector: AnomalyDetector;
  /** The method, named (z-score, MAD, isolation forest with its attribution, month-over-month). */
  readonly method: string;
  /** The detector's own score (|z|, isolation score, relative change). */
  readonly score: number;
  /** The score at which this detector calls an anomaly. */
  readonly threshold: number;
  /** 1 − 2^(−score/threshold): 0.5 at the threshold, towards 1 beyond; what `detect` ranks by. */
  readonly severity: number;
  readonly contributions: AnomalyContribution[];
  readonly peerGroup: AnomalyPeerGroup;
}

/** An expense row shown as evidence (ids and the fields a controller checks first). */
export interface AnomalyEvidence {
  readonly id: number;
  readonly monthYear: string;
  readonly postingPeriod: number;
  readonly companyCode: string;
  readonly costCenterId: string | null;
  readonly generalLedgerAccount: string | null;
  readonly supplier: string | null;
  readonly reference: string | null;
  readonly documentHeaderText: string | null;
  readonly amount: string;
  readonly currency: string;
}

export type AnomalySubject =
  | { readonly kind: "row"; readonly id: number }
  | { readonly kind: "segment"; readonly dimension: string; readonly value: string | null; readonly monthYear: string };

export interface Anomaly {
  /** Stable key: `row:<id>` or `segment:<dimension>=<value>@<YYYY-PP>`; one entry per key. */
  readonly key: string;
  readonly subject: AnomalySubject;
  readonly detectors: AnomalyDetector[];
  /** Σ severity over the findings: found by two detectors always ranks above found by one. */
  readonly rankScore: number;
  readonly direction: AnomalyDirection;
  /** The amount at issue: the row's amount, or a segment's change over its previous period. */
  readonly amount: string;
  readonly currency: string;
  readonly findings: AnomalyFinding[];
  readonly evidence: AnomalyEvidence[];
}

export interface AnomalyPage {
  readonly items: Anomaly[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  /** True when a detector hit its cap of candidates (`detect`): narrow the filter to see all. */
  readonly truncated: boolean;
}

/** 1 − 2^(−score/threshold): 0.5 at the threshold. */
export function severityOf(score: number, threshold: number): number {
  return threshold > 0 ? 1 - Math.pow(2, -Math.abs(score) / threshold) : 0;
}

/** Decimals of a currency; 2 for a code the platform does not know (still shown, never guessed wider). */
export function exponentOf(currency: string): number {
  return isKnownCurrency(currency) ? currencyExponent(currency) : 2;
}

/** Exact minor units as a decimal string in the currency's precision. */
export function moneyText(minor: number | bigint, currency: string): string {
  return formatDecimal(BigInt(minor), exponentOf(currency));
}

/** A statistic in minor units (a double: mean, band edge) rounded once to a decimal string. */
export function statisticText(minor: number, currency: string): string {
  return moneyText(Math.round(minor), currency);
}

/**
 * The smallest amount in minor units of `currency` that is at least `decimal` (materiality
 * in the currency's precision; a finer fraction rounds up so nothing below it passes).
 */
export function materialityMinor(decimal: string, currency: string): number {
  const [whole, fraction = ""] = decimal.split(".");
  const exponent = exponentOf(currency);
  const kept = BigInt(`${whole}${fraction.slice(0, exponent).padEnd(exponent, "0")}`);
  const roundUp = /[1-9]/.test(fraction.slice(exponent)) ? 1n : 0n;
  return Number(kept + roundUp);
}

/**
 * Merges findings about the same subject (a row found by the z-score and the forest) into
 * one entry naming each detector, and ranks: Σ severity, then the larger amount, then key.
 */
export function mergeAnomalies(lists: readonly (readonly Anomaly[])[]): Anomaly[] {
  const byKey = new Map<string, Anomaly>();
  for (const list of lists) {
    for (const anomaly of list) {
      const seen = byKey.get(anomaly.key);
      if (!seen) {
        byKey.set(anomaly.key, anomaly);
        continue;
      }
      const findings = [...seen.findings, ...anomaly.findings];
      const evidence = [...seen.evidence];
      for (const row of anomaly.evidence) if (!evidence.some((e) => e.id === row.id)) evidence.push(row);
      byKey.set(anomaly.key, {
        ...seen,
        detectors: [...new Set([...seen.detectors, ...anomaly.detectors])],
        findings,
        evidence,
        rankScore: findings.reduce((sum, f) => sum + f.severity, 0),
      });
    }
  }
  return [...byKey.values()].sort(compareAnomalies);
}

export function compareAnomalies(a: Anomaly, b: Anomaly): number {
  if (b.rankScore !== a.rankScore) return b.rankScore - a.rankScore;
  const size = absDecimal(b.amount) - absDecimal(a.amount);
  if (size !== 0) return size;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

// Ordering only (never shown): a double is plenty to compare magnitudes.
function absDecimal(text: string): number {
  return Math.abs(Number(text));
}
