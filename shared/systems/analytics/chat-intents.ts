import type { Dimension } from "./analytics-dimensions.js";
import type { PeriodRange } from "./rca-repository.js";

export type { PeriodRange };

/**
 * The chat's deterministic question classifier: which analysis a question asks for
 * (intent) and with which parameters (dimension values, periods, direction, amounts).
 * Works offline from keyword cues in English, Dutch and French; an optional language model
 * is asked only when no cue decides. Pure: no I/O, the vocabulary comes from the caller.
 */
export const INTENTS = ["anomaly", "trend", "rca", "eda", "visualization", "help"] as const;
export type Intent = (typeof INTENTS)[number];

export const CHART_KINDS = ["trend", "category-breakdown", "heatmap", "anomaly-scatter", "rca-waterfall"] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

export interface ChatParameters {
  /** Dimension values the question names, e.g. functional_area = TRAVEL. */
  readonly values: Readonly<Partial<Record<Dimension, string>>>;
  /** "by cost center": the dimension to break down by. */
  readonly groupBy?: Dimension;
  /** The period asked about. */
  readonly period?: PeriodRange;
  /** What the period is compared with (RCA): the previous period of the same length unless said. */
  readonly baseline?: PeriodRange;
  readonly direction?: "increase" | "decrease";
  /** "over 10k": a minimum amount, as a plain decimal string. */
  readonly minAmount?: string;
  readonly chart?: ChartKind;
}

export interface Classification {
  readonly intent: Intent;
  /** 0–1: how clearly the cues pointed at the intent (below 0.5, a language model may decide). */
  readonly confidence: number;
  readonly parameters: ChatParameters;
  /** The words that decided, for the answer's "how I read your question". */
  readonly cues: readonly string[];
  /** The question only changed parameters of the room's previous one ("and for Q2?"). */
  readonly followUp: boolean;
}

export interface Vocabulary {
  /** Dimension values present in the data, to recognise "travel" or "CC-4100" in a question. */
  readonly values: readonly { readonly dimension: Dimension; readonly value: string }[];
  /** Fiscal years with data, ascending: a period named without a year means the latest. */
  readonly fiscalYears: readonly number[];
  /** The latest regular period with data: what a question naming no period is about. */
  readonly latestPeriod?: PeriodRange;
}

const CUES: Readonly<Record<Exclude<Intent, "help">, readonly string[]>> = {
  rca: [
    "why",
    "cause",
    "caused",
    "causes",
    "drove",
    "driven",
    "driver",
    "drivers",
    "root cause",
    "rca",
    "explain the",
    "reason",
    "behind the",
    "waarom",
    "oorzaak",
    "pourquoi",
    "expliqu",
  ],
  anomaly: [
    "anomal",
    "outlier",
    "unusual",
    "abnormal",
    "irregular",
    "suspicious",
    "odd",
    "strange",
    "afwijk",
    "uitschieter",
    "ongebruikelijk",
    "aberrant",
    "inhabituel",
  ],
  trend: [
    "trend",
    "over time",
    "evolution",
    "evolve",
    "pattern",
    "month over month",
    "monthly",
    "growth",
    "ontwikkeling",
    "verloop",
    "tendance",
    "évolution",
  ],
  visualization: [
    "chart",
    "plot",
    "graph",
    "visuali",
    "heatmap",
    "heat map",
    "pie",
    "waterfall",
    "scatter",
    "grafiek",
    "graphique",
    "diagram",
  ],
  eda: [
    "summary",
    "summarise",
    "summarize",
    "overview",
    "breakdown",
    "break down",
    "total",
    "how much",
    "spent",
    "spend",
    "spending",
    "distribution",
    "top",
    "largest",
    "biggest",
    "data quality",
    "samenvatting",
    "overzicht",
    "totaal",
    "résumé",
    "répartition",
    "dépense",
  ],
};

const HELP_CUES = ["help", "what can you", "how do i", "how does", "hello", "hi", "hallo", "bonjour", "aide"];

/** Ties go to the more specific analysis. */
const PRIORITY: readonly Intent[] = ["rca", "anomaly", "visualization", "trend", "eda", "help"];

const MONTHS: readonly (readonly string[])[] = [
  ["january", "jan", "januari", "janvier"],
  ["february", "feb", "februari", "février", "fevrier"],
  ["march", "mar", "maart", "mars"],
  ["april", "apr", "avril"],
  ["may", "mei", "mai"],
  ["june", "jun", "juni", "juin"],
  ["july", "jul", "juli", "juillet"],
  ["august", "aug", "augustus", "août", "aout"],
  ["september", "sep", "sept", "septembre"],
  ["october", "oct", "oktober", "okt", "octobre"],
  ["november", "nov", "novembre"],
  ["december", "dec", "decem", "décembre", "decembre"],
];

const GROUP_BY: readonly (readonly [RegExp, Dimension])[] = [
  [/\bcost ?cent(?:er|re)s?\b|\bkostenplaats/, "cost_center_id"],
  [/\bprofit ?cent(?:er|re)s?\b/, "profit_center_id"],
  [/\bregions?\b|\brégions?\b/, "region"],
  [/\bdirectorates?\b/, "directorate"],
  [/\bsuppliers?\b|\bvendors?\b|\bleveranciers?\b|\bfournisseurs?\b/, "supplier"],
  [/\bfunctional areas?\b|\bcategor(?:y|ies)\b|\bcatégories?\b/, "functional_area"],
  [/\bcompany codes?\b|\bcompan(?:y|ies)\b/, "company_code"],
  [/\b(?:gl |general ledger )?accounts?\b/, "general_ledger_account"],
  [/\bentit(?:y|ies)\b/, "entity"],
  [/\bfunds?\b/, "fund"],
  [/\bledgers?\b/, "ledger"],
];

const INCREASE =
  /\b(increase[sd]?|rise|rose|risen|grew|grow|growth|up|higher|spike[sd]?|jump(?:ed)?|stijging|gestegen|hausse|augment\w*)\b/;
const DECREASE = /\b(decrease[sd]?|drop(?:ped)?|fell|fall|down|lower|decline[sd]?|daling|gedaald|baisse|diminu\w*)\b/;
const FOLLOW_UP = /^(and|what about|how about|same for|now for|en|et|idem)\b/;

/** Lower case, accents kept (French cues use them), punctuation to spaces. */
function normalise(question: string): string {
  return ` ${question
    .toLowerCase()
    .replace(/[?!,;:()"“”]/g, " ")
    .replace(/\s+/g, " ")
    .trim()} `;
}

function cueMatches(text: string, cue: string): boolean {
  // Short cues ("hi", "odd", "top") must be whole words; stems ("anomal") match prefixes.
  if (cue.length <= 4 || cue.includes(" ")) return text.includes(` ${cue} `) || text.includes(` ${cue}s `);
  return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(cue)}`, "u").test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The periods the question names ("March 2024", "Q2", "period 13", "FY2023"), in order. */
export function periodsIn(question: string, fiscalYears: readonly number[]): PeriodRange[] {
  const text = normalise(question);
  const latest = fiscalYears.at(-1);
  const found: { at: number; from: number; to: number; year: number | undefined }[] = [];
  const yearAfter = (index: number): number | undefined => {
    const match = /^\s*(?:fy\s?)?(\d{4})\b/.exec(text.slice(index));
    return match ? Number(match[1]) : undefined;
  };
  MONTHS.forEach((names, i) => {
    for (const name of names) {
      for (const match of text.matchAll(new RegExp(`\\b${escapeRegExp(name)}\\b`, "g"))) {
        // "may" is also a verb: only a month when a year follows or it is capitalised in the question.
        if (name === "may" && yearAfter(match.index + name.length) === undefined && !/\bMay\b/.test(question)) {
          continue;
        }
        found.push({ at: match.index, from: i + 1, to: i + 1, year: yearAfter(match.index + name.length) });
      }
    }
  });
  for (const match of text.matchAll(/\b(?:q([1-4])|([1-4])(?:st|nd|rd|th) quarter|kwartaal ([1-4])|t([1-4]))\b/g)) {
    const quarter = Number(match[1] ?? match[2] ?? match[3] ?? match[4]);
    found.push({
      at: match.index,
      from: quarter * 3 - 2,
      to: quarter * 3,
      year: yearAfter(match.index + match[0].length),
    });
  }
  for (const match of text.matchAll(/\b(?:period|periode|période|p)\s?(\d{1,2})\b/g)) {
    const period = Number(match[1]);
    if (period >= 1 && period <= 16) {
      found.push({ at: match.index, from: period, to: period, year: yearAfter(match.index + match[0].length) });
    }
  }
  found.sort((a, b) => a.at - b.at);
  // De-duplicate the same start ("mar" inside "march" cannot happen with \b, but a month
  // spelt twice in two languages can).
  const unique = found.filter((f, i) => found.findIndex((g) => g.at === f.at) === i);
  const periods = unique.map((f) => ({
    fiscalYear: f.year ?? yearAlone(text) ?? latest ?? 0,
    periodFrom: f.from,
    periodTo: f.to,
  }));
  if (periods.length === 0) {
    const year = yearAlone(text);
    if (year !== undefined) periods.push({ fiscalYear: year, periodFrom: 1, periodTo: 12 });
  }
  return periods.filter((p) => p.fiscalYear > 0);
}

function yearAlone(text: string): number | undefined {
  const match = /\b(?:fy\s?)?(20\d{2}|19\d{2})\b/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** The range of the same length just before (March → February; Q1 → Q4 of the year before). */
export function rangeBefore(period: PeriodRange): PeriodRange {
  const length = period.periodTo - period.periodFrom + 1;
  if (period.periodFrom - length >= 1) {
    return {
      fiscalYear: period.fiscalYear,
      periodFrom: period.periodFrom - length,
      periodTo: period.periodTo - length,
    };
  }
  if (length >= 12)
    return { fiscalYear: period.fiscalYear - 1, periodFrom: period.periodFrom, periodTo: period.periodTo };
  return { fiscalYear: period.fiscalYear - 1, periodFrom: 13 - length, periodTo: 12 };
}

function sameLastYear(period: PeriodRange): PeriodRange {
  return { ...period, fiscalYear: period.fiscalYear - 1 };
}

function valuesIn(text: string, vocabulary: Vocabulary): Partial<Record<Dimension, string>> {
  const values: Partial<Record<Dimension, string>> = {};
  // Longest first, so "Travel & Subsistence" wins over "Travel".
  const candidates = [...vocabulary.values]
    .filter((v) => v.value.trim().length >= 3)
    .sort((a, b) => b.value.length - a.value.length);
  let rest = text;
  for (const { dimension, value } of candidates) {
    if (values[dimension] !== undefined) continue;
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(value.toLowerCase())}(?![\\p{L}\\p{N}])`, "u");
    if (pattern.test(rest)) {
      values[dimension] = value;
      rest = rest.replace(pattern, " ");
    }
  }
  return values;
}

function minAmountIn(text: string): string | undefined {
  const match =
    /\b(?:over|above|more than|greater than|at least|boven|meer dan|plus de|au-dessus de)\s*[€$£]?\s*(\d[\d,.' ]*)\s*(k|m|thousand|million)?\b/.exec(
      text,
    );
  if (!match) return undefined;
  const digits = match[1]!.replace(/[,' ]/g, "").replace(/\.$/, "");
  if (!/^\d+(\.\d+)?$/.test(digits)) return undefined;
  const scale = match[2] === "k" || match[2] === "thousand" ? 3 : match[2] === "m" || match[2] === "million" ? 6 : 0;
  return scaleDecimal(digits, scale);
}

function scaleDecimal(decimal: string, powerOfTen: number): string {
  const [whole, fraction = ""] = decimal.split(".");
  const digits = (whole ?? "") + fraction.padEnd(powerOfTen, "0");
  const point = (whole ?? "").length + powerOfTen;
  const scaled = `${digits.slice(0, point)}${point < digits.length ? `.${digits.slice(point)}` : ""}`;
  return scaled
    .replace(/^0+(?=\d)/, "")
    .replace(/(\.\d*?)0+$/, "$1")
    .replace(/\.$/, "");
}

function chartIn(text: string): ChartKind | undefined {
  if (/heat ?map/.test(text)) return "heatmap";
  if (/waterfall/.test(text)) return "rca-waterfall";
  if (/scatter/.test(text)) return "anomaly-scatter";
  if (/\bpie\b|breakdown|break down|by categor|répartition/.test(text)) return "category-breakdown";
  return undefined;
}

/**
 * Classifies a question. `context` is the room's previous classification: a question that
 * names no intent of its own, or starts like a follow-up ("and for Q2?"), keeps the
 * previous intent and parameters and changes only what it names.
 */
export function classify(question: string, vocabulary: Vocabulary, context?: Classification): Classification {
  const text = normalise(question);
  const scores = new Map<Intent, string[]>();
  for (const [intent, cues] of Object.entries(CUES) as [Exclude<Intent, "help">, readonly string[]][]) {
    const matched = cues.filter((cue) => cueMatches(text, cue));
    // "spend" inside "spending" is one cue, not two.
    const distinct = matched.filter((cue) => !matched.some((other) => other !== cue && other.startsWith(cue)));
    if (distinct.length > 0) scores.set(intent, distinct);
  }
  const helpCues = HELP_CUES.filter((cue) => cueMatches(text, cue));
  if (helpCues.length > 0 && scores.size === 0) scores.set("help", helpCues);

  const ranked = [...scores.entries()].sort(
    (a, b) => b[1].length - a[1].length || PRIORITY.indexOf(a[0]) - PRIORITY.indexOf(b[0]),
  );
  const periods = periodsIn(question, vocabulary.fiscalYears);
  const named: ChatParameters = parametersIn(text, periods, vocabulary);
  const followUp = context !== undefined && (FOLLOW_UP.test(text.trim()) || ranked.length === 0);

  if (followUp) {
    return {
      intent: context.intent,
      confidence: ranked.length === 0 ? 0.7 : 0.8,
      parameters: mergeFollowUp(context.parameters, named, context.intent),
      cues: ["follow-up"],
      followUp: true,
    };
  }
  const top = ranked[0];
  if (!top) return { intent: "help", confidence: 0.2, parameters: named, cues: [], followUp: false };
  const margin = top[1].length - (ranked[1]?.[1].length ?? 0);
  const intent = top[0];
  const parameters =
    intent === "rca" && named.period && !named.baseline ? { ...named, baseline: rangeBefore(named.period) } : named;
  return {
    intent,
    confidence: Math.min(1, 0.55 + 0.15 * top[1].length + 0.1 * margin),
    parameters: intent === "visualization" && !parameters.chart ? { ...parameters, chart: "trend" } : parameters,
    cues: top[1],
    followUp: false,
  };
}

function parametersIn(text: string, periods: readonly PeriodRange[], vocabulary: Vocabulary): ChatParameters {
  const increase = INCREASE.test(text);
  const decrease = DECREASE.test(text);
  const groupBy = GROUP_BY.find(([pattern]) => pattern.test(text))?.[1];
  const minAmount = minAmountIn(text);
  const chart = chartIn(text);
  const lastYear = /\b(last|previous|prior) year\b|\bvorig jaar\b|\bl'année (dernière|précédente)\b/.test(text);
  const [period, second] = periods;
  const baseline = second ?? (period && lastYear ? sameLastYear(period) : undefined);
  return {
    values: valuesIn(text, vocabulary),
    ...(groupBy ? { groupBy } : {}),
    ...(period ? { period } : {}),
    ...(baseline ? { baseline } : {}),
    ...(increase !== decrease ? { direction: increase ? ("increase" as const) : ("decrease" as const) } : {}),
    ...(minAmount ? { minAmount } : {}),
    ...(chart ? { chart } : {}),
  };
}

function mergeFollowUp(previous: ChatParameters, named: ChatParameters, intent: Intent): ChatParameters {
  const period = named.period ?? previous.period;
  const baseline =
    named.baseline ?? (named.period ? (intent === "rca" ? rangeBefore(named.period) : undefined) : previous.baseline);
  return {
    values: { ...previous.values, ...named.values },
    ...((named.groupBy ?? previous.groupBy) ? { groupBy: named.groupBy ?? previous.groupBy } : {}),
    ...(period ? { period } : {}),
    ...(baseline ? { baseline } : {}),
    ...((named.direction ?? previous.direction) ? { direction: named.direction ?? previous.direction } : {}),
    ...((named.minAmount ?? previous.minAmount) ? { minAmount: named.minAmount ?? previous.minAmount } : {}),
    ...((named.chart ?? previous.chart) ? { chart: named.chart ?? previous.chart } : {}),
  };
}
