import type { Kysely } from "kysely";
import type { Clock } from "../../ports/clock.js";
import type { Dimension } from "./analytics-dimensions.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import type { Vocabulary } from "./chat-intents.js";
import { readVocabulary } from "./chat-repository.js";

/** The dimensions whose values a question may name ("travel", "CC-4100", "Marketing"). */
const NAMED_DIMENSIONS: readonly Dimension[] = [
  "functional_area",
  "functional_area_name",
  "cost_center_id",
  "cost_center_name",
  "directorate",
  "region",
  "company_code",
  "entity",
  "supplier",
];

/** Values per dimension the chat recognises: the largest by spend, so a long tail stays out. */
const VALUES_PER_DIMENSION = 200;
const REFRESH_MS = 5 * 60_000;

/**
 * What the chat can recognise in a question, read from the data (grouped in SQL) and kept
 * for a few minutes so a question does not scan the table.
 */
export function dataVocabulary(db: Kysely<AnalyticsTables>, clock: Clock): () => Promise<Vocabulary> {
  let cached: { vocabulary: Vocabulary; until: number } | undefined;
  let loading: Promise<Vocabulary> | undefined;
  const load = () => readVocabulary(db, NAMED_DIMENSIONS, VALUES_PER_DIMENSION);
  return async () => {
    const now = clock.now().getTime();
    if (cached && cached.until > now) return cached.vocabulary;
    loading ??= load().finally(() => (loading = undefined));
    const vocabulary = await loading;
    cached = { vocabulary, until: now + REFRESH_MS };
    return vocabulary;
  };
}
