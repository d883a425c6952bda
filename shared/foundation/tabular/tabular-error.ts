import { DomainError } from "../../kernel/errors.js";

/** Why a file could not be read as a table; stable codes that callers and tests match on. */
export type TabularProblem =
  | "EMPTY_FILE"
  | "NOT_TABULAR"
  | "UNSUPPORTED_FORMAT"
  | "CORRUPT_FILE"
  | "NO_HEADER_ROW"
  | "HEADER_ONLY"
  | "ZIP_BOMB"
  | "FILE_TOO_LARGE"
  | "TOO_MANY_ROWS"
  | "TOO_MANY_COLUMNS"
  | "CELL_TOO_LONG";

/** Limits are about size (413); everything else is a file the user must fix (400). */
const TOO_LARGE: ReadonlySet<TabularProblem> = new Set([
  "ZIP_BOMB",
  "FILE_TOO_LARGE",
  "TOO_MANY_ROWS",
  "TOO_MANY_COLUMNS",
  "CELL_TOO_LONG",
]);

/**
 * An uploaded file that is not a usable table. It is a DomainError, so the HTTP layer maps it
 * to 400 or 413 with the plain message; `problem` names the reason and `field` the upload.
 */
export class TabularError extends DomainError {
  constructor(
    readonly problem: TabularProblem,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(TOO_LARGE.has(problem) ? "PAYLOAD_TOO_LARGE" : "VALIDATION_ERROR", message, {
      problem,
      field: "file",
      ...details,
    });
  }
}
