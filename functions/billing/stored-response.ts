import { DomainError, type ErrorCode, type StoredResponse } from "../../shared/index.js";

/** A saga's stored answer as the handler's outcome: replayed exactly for the same key. */
export function outcomeOf(answer: StoredResponse, headers: Record<string, string> = {}) {
  if (answer.body.error)
    throw new DomainError(answer.body.error.code as ErrorCode, answer.body.error.message, answer.body.error.details);
  return { data: answer.body.data as never, status: answer.status, headers };
}
