import type { Redis } from "ioredis";
import { ServiceUnavailableError } from "../../kernel/errors.js";

/** What a caller is told to wait before retrying while Redis is unreachable (reconnects take a few seconds). */
export const REDIS_RETRY_AFTER_SECONDS = 5;

/**
 * Replies Redis gives while it cannot serve for now (starting, failing over, out of
 * memory, busy with a script); any other reply error is a bug in the command and stays one.
 */
const TRANSIENT_REPLY = /^(LOADING|BUSY|OOM|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|NOREPLICAS)\b/;

/**
 * A failed Redis command as the platform's error: a timeout, a refused or closed connection,
 * or a transient reply is 503 SERVICE_UNAVAILABLE with Retry-After (the caller may retry),
 * never a generic 500. The ioredis error stays as the cause, for the logs.
 */
export function redisFailure(error: unknown): Error {
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "ReplyError" && !TRANSIENT_REPLY.test(message)) return error as Error;
  const unavailable = new ServiceUnavailableError(
    "The shared cache is unavailable; retry shortly",
    REDIS_RETRY_AFTER_SECONDS,
    { dependency: "cache" },
  );
  unavailable.cause = error;
  return unavailable;
}

/** Awaits one Redis command, failing with `redisFailure`. */
export async function redisCommand<T>(command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch (error) {
    throw redisFailure(error);
  }
}

/**
 * Listens to a client's `error` events, which ioredis otherwise prints to stderr as
 * "Unhandled error event" on every reconnect attempt, and passes each distinct error on
 * once until the connection is ready again, so an outage logs one line, not one a second.
 */
export function reportConnectionErrors(client: Redis, report: ((error: Error) => void) | undefined): void {
  let last: string | undefined;
  client.on("error", (error: Error) => {
    if (error.message === last) return;
    last = error.message;
    report?.(error);
  });
  client.on("ready", () => (last = undefined));
}
