// The messages between an expense import and its rows worker (expense-rows-worker.ts).
import type { FieldIssue } from "../../kernel/errors.js";
import type { PreparedExpenseBatch } from "./expense-import-rows.js";

/** Batches the worker may prepare before the import has taken them: one in SQL, one ready. */
export const AHEAD = 2;

/**
 * File bytes the import sends ahead of what the worker has read. The import's thread feeds
 * the worker only between its SQL statements; a window this wide (about 130,000 rows of a
 * typical CSV) keeps the worker busy through a long commit instead of waiting on each chunk.
 */
export const INPUT_WINDOW_BYTES = 8 * 1024 * 1024;

/** The import to the worker: the file's next chunk or its end, or one batch taken. */
export type ToRowsWorker = { type: "chunk"; bytes: Uint8Array } | { type: "end" } | { type: "ack" };

/** The worker to the import: a chunk read (its window moves on), a batch ready, the file read, or why it stopped. */
export type FromRowsWorker =
  | { type: "consumed"; bytes: number }
  | { type: "batch"; batch: PreparedExpenseBatch }
  | { type: "done" }
  | { type: "failed"; message: string; issues?: readonly FieldIssue[] };
