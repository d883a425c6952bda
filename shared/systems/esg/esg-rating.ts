import { z } from "zod";

export const PILLARS = ["Environmental", "Social", "Governance"] as const;
export type Pillar = (typeof PILLARS)[number];

/** Scores in hundredths (7245 = 72.45): exact to the file's two decimals, and summable. */
export interface EsgScores {
  readonly overall: number | null;
  readonly environmental: number | null;
  readonly social: number | null;
  readonly governance: number | null;
  readonly primaryFocus: Pillar | null;
  readonly primaryFocusScore: number | null;
  readonly analysisDate: string | null;
}

/** What one account's answer means for the file. */
export type RatingOutcome =
  | {
      readonly kind: "rating";
      readonly status: "Successful" | "Partial";
      readonly scores: EsgScores;
      readonly etag: string | null;
      readonly note: string | null;
    }
  | { readonly kind: "not-modified" }
  | { readonly kind: "failed"; readonly error: string };

export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * A JSON score as exact hundredths, rounded half-up from its decimal text (72.455 → 7246),
 * never through binary arithmetic, where 72.455 * 100 is 7245.499….
 */
export function toHundredths(value: number): number {
  const text = Math.abs(value) < 1e-6 ? "0" : value.toFixed(Math.max(0, Math.min(20, decimalsOf(value))));
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = text.replace("-", "").split(".");
  const padded = (fraction + "000").slice(0, 3);
  let hundredths = Number(whole) * 100 + Number(padded.slice(0, 2));
  if (Number(padded[2]) >= 5) hundredths += 1;
  return negative ? -hundredths : hundredths;
}

function decimalsOf(value: number): number {
  const text = String(value);
  const exp = /e-(\d+)$/.exec(text);
  if (exp) return Number(exp[1]) + (text.split("e")[0]!.split(".")[1]?.length ?? 0);
  return text.split(".")[1]?.length ?? 0;
}

/** Hundredths as the file writes them: always two places. */
export function formatHundredths(value: number): string {
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

const score = z.number().finite();
const answerSchema = z.object({
  accountId: z.string(),
  analysisDate: z.iso.date().optional().nullable(),
  scores: z
    .object({
      overall: score.optional().nullable(),
      environmental: score.optional().nullable(),
      social: score.optional().nullable(),
      governance: score.optional().nullable(),
    })
    .optional()
    .nullable(),
  primaryFocus: z
    .object({ pillar: z.string().optional().nullable(), score: score.optional().nullable() })
    .optional()
    .nullable(),
});

const SCORE_MIN = 0;
const SCORE_MAX = 10_000; // 100.00

/**
 * Turns the ESG API's answer into the account's outcome. Never throws: anything malformed
 * becomes Failed (no usable overall score, out-of-range values, wrong account, not JSON)
 * or Partial (some of E/S/G missing) with the reason.
 */
export function interpretRating(accountId: string, bodyText: string, etag: string | null): RatingOutcome {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return { kind: "failed", error: `ESG API answer is not JSON: ${bodyText.slice(0, 80)}` };
  }
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      kind: "failed",
      error: `ESG API answer is malformed at ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    };
  }
  const answer = parsed.data;
  if (answer.accountId !== accountId)
    return { kind: "failed", error: `ESG API answered for account ${answer.accountId.slice(0, 64)}, not ${accountId}` };
  const raw = answer.scores ?? {};
  const values = {
    overall: raw.overall ?? null,
    environmental: raw.environmental ?? null,
    social: raw.social ?? null,
    governance: raw.governance ?? null,
    primaryFocusScore: answer.primaryFocus?.score ?? null,
  };
  const outOfRange = Object.entries(values).filter(
    ([, v]) => v !== null && (toHundredths(v) < SCORE_MIN || toHundredths(v) > SCORE_MAX),
  );
  if (outOfRange.length > 0)
    return {
      kind: "failed",
      error: `ESG API scores out of range 0-100: ${outOfRange.map(([k, v]) => `${k}=${v}`).join(", ")}`,
    };
  if (values.overall === null) return { kind: "failed", error: "ESG API answer has no overall score" };
  if (!answer.analysisDate) return { kind: "failed", error: "ESG API answer has no analysisDate" };

  const h = (v: number | null) => (v === null ? null : toHundredths(v));
  const [environmental, social, governance] = [h(values.environmental), h(values.social), h(values.governance)];
  const pillars: [Pillar, number | null][] = [
    ["Environmental", environmental],
    ["Social", social],
    ["Governance", governance],
  ];
  const missing = pillars.filter(([, v]) => v === null).map(([p]) => p);
  const pillarName = answer.primaryFocus?.pillar ?? null;
  if (pillarName !== null && !(PILLARS as readonly string[]).includes(pillarName))
    return {
      kind: "failed",
      error: `ESG API primary focus '${pillarName.slice(0, 40)}' is not Environmental, Social or Governance`,
    };
  // Without a stated focus, the strongest pillar present is the focus.
  let primaryFocus = pillarName as Pillar | null;
  let primaryFocusScore = h(values.primaryFocusScore);
  if (primaryFocus === null) {
    const best = pillars.filter(([, v]) => v !== null).sort((a, b) => b[1]! - a[1]!)[0];
    primaryFocus = best?.[0] ?? null;
    primaryFocusScore = best?.[1] ?? null;
  } else if (primaryFocusScore === null) {
    primaryFocusScore = pillars.find(([p]) => p === primaryFocus)?.[1] ?? null;
  }
  return {
    kind: "rating",
    status: missing.length === 0 ? "Successful" : "Partial",
    scores: {
      overall: h(values.overall),
      environmental,
      social,
      governance,
      primaryFocus,
      primaryFocusScore,
      analysisDate: answer.analysisDate,
    },
    etag,
    note:
      missing.length === 0 ? null : `ESG API answer lacks ${missing.join(", ")} score${missing.length > 1 ? "s" : ""}`,
  };
}
