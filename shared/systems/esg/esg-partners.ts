import { z } from "zod";
import {
  fetchWithRetry,
  PartnerCallError,
  type PartnerCredentials,
  type RetryPolicy,
} from "../../foundation/partner-http.js";
import type { AdaptiveRate } from "./adaptive-rate.js";
import { ACCOUNT_ID_PATTERN, interpretRating, type RatingOutcome } from "./esg-rating.js";

/**
 * The Account Management System's account ids: `ACC-` and seven digits (ACC-0000001), as
 * its API lists and finds them. A manual run's ids are held to it before the run exists;
 * the daily list is read with the looser ACCOUNT_ID_PATTERN, so an account the system
 * lists is never left out of the day's file for the shape of its id.
 */
export const AMS_ACCOUNT_ID_PATTERN = /^ACC-\d{7}$/;

/** Up to 40 characters of a caller's value, quoted, for a message about it. */
const quoted = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

/** Why `id` cannot be a manual run's account id. */
export const notAnAccountId = (id: string) =>
  `${quoted(id)} is not an Account Management System account id (ACC- and 7 digits, e.g. ACC-0000001)`;

/** A manual run's ids named again after their first position: each repeat, by position. */
export function repeatedAccountIds(ids: readonly string[]): { index: number; message: string }[] {
  const first = new Map<string, number>();
  const repeats: { index: number; message: string }[] = [];
  ids.forEach((id, index) => {
    const seen = first.get(id);
    if (seen === undefined) first.set(id, index);
    else repeats.push({ index, message: `${quoted(id)} repeats accountIds.${seen}` });
  });
  return repeats;
}

/** Every id of a manual run that is malformed or repeated, by position (none: the list is good). */
export function manualAccountIdProblems(ids: readonly string[]): { index: number; message: string }[] {
  const malformed = ids.flatMap((id, index) =>
    AMS_ACCOUNT_ID_PATTERN.test(id) ? [] : [{ index, message: notAnAccountId(id) }],
  );
  return [...malformed, ...repeatedAccountIds(ids)].sort((a, b) => a.index - b.index);
}

export interface Account {
  readonly accountId: string;
  readonly accountName: string;
}

export interface AccountPage {
  readonly accounts: readonly Account[];
  /** Entries the page held that had no usable account id. */
  readonly invalidEntries: number;
  readonly nextCursor: string | null;
}

const pageSchema = z.object({
  accounts: z.array(z.unknown()),
  nextCursor: z.string().min(1).max(2000).nullable().optional(),
});
const accountSchema = z.object({
  accountId: z.string().regex(ACCOUNT_ID_PATTERN),
  accountName: z.string().max(300).optional().nullable(),
  status: z.string().optional(),
});

/**
 * The Account Management System's REST API (seed 001): active accounts, paginated by
 * cursor. `GET {base}/v1/accounts?status=active&limit=N[&cursor=C]` answers
 * `{accounts: [{accountId, accountName, status}], nextCursor}`; `GET {base}/v1/accounts/{id}`
 * answers one account or 404. A failing page is retried with backoff.
 */
export class AccountDirectory {
  constructor(
    private readonly o: {
      readonly baseUrl: string;
      readonly credentials: PartnerCredentials;
      readonly policy: RetryPolicy;
      readonly pageSize: number;
    },
  ) {}

  async listPage(cursor: string | null): Promise<AccountPage> {
    const url = new URL(`${this.o.baseUrl.replace(/\/$/, "")}/v1/accounts`);
    url.searchParams.set("status", "active");
    url.searchParams.set("limit", String(this.o.pageSize));
    if (cursor) url.searchParams.set("cursor", cursor);
    // A page that is not the expected JSON is retried like a failed one.
    for (let attempt = 1; ; attempt++) {
      const response = await fetchWithRetry(
        async (signal) =>
          fetch(url, { headers: { accept: "application/json", ...(await this.o.credentials.headers()) }, signal }),
        this.o.policy,
      );
      const text = await response.text();
      if (!response.ok)
        throw new PartnerCallError(
          `Account Management System answered ${response.status} for a page: ${text.slice(0, 200)}`,
          response.status,
          response.attempts,
        );
      const page = parseJson(text, pageSchema);
      if (page) {
        const accounts: Account[] = [];
        let invalidEntries = 0;
        for (const entry of page.accounts) {
          const account = accountSchema.safeParse(entry);
          if (!account.success || (account.data.status !== undefined && account.data.status !== "active")) {
            invalidEntries += account.success ? 0 : 1;
            continue;
          }
          accounts.push({ accountId: account.data.accountId, accountName: (account.data.accountName ?? "").trim() });
        }
        return { accounts, invalidEntries, nextCursor: page.nextCursor ?? null };
      }
      if (attempt >= this.o.policy.maxAttempts)
        throw new PartnerCallError(
          `Account Management System page is not the expected JSON: ${text.slice(0, 120)}`,
          response.status,
          attempt,
        );
    }
  }

  /** One account by id, or undefined when the system does not know it as active. */
  async find(accountId: string): Promise<Account | undefined> {
    const url = `${this.o.baseUrl.replace(/\/$/, "")}/v1/accounts/${encodeURIComponent(accountId)}`;
    const response = await fetchWithRetry(
      async (signal) =>
        fetch(url, { headers: { accept: "application/json", ...(await this.o.credentials.headers()) }, signal }),
      this.o.policy,
    );
    const text = await response.text();
    if (response.status === 404) return undefined;
    if (!response.ok)
      throw new PartnerCallError(
        `Account Management System answered ${response.status} for ${accountId}`,
        response.status,
        response.attempts,
      );
    const account = parseJson(text, accountSchema);
    if (!account || account.accountId !== accountId)
      throw new PartnerCallError(
        `Account Management System gave a malformed account for ${accountId}`,
        response.status,
        response.attempts,
      );
    return account.status !== undefined && account.status !== "active"
      ? undefined
      : { accountId, accountName: (account.accountName ?? "").trim() };
  }
}

function parseJson<T>(text: string, schema: z.ZodType<T>): T | undefined {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Multi-Objective ESG Portfolio Analysis API: one call per account,
 * `GET {base}/v1/accounts/{id}/esg-ratings`, conditional on the last ETag (304 = unchanged).
 * Every attempt waits for a slot of the shared adaptive rate; 429/503 slow it down.
 */
export class EsgRatingsClient {
  constructor(
    private readonly o: {
      readonly baseUrl: string;
      readonly credentials: PartnerCredentials;
      readonly policy: RetryPolicy;
      readonly rate: AdaptiveRate;
    },
  ) {}

  async fetchRating(accountId: string, etag: string | null): Promise<RatingOutcome> {
    const url = `${this.o.baseUrl.replace(/\/$/, "")}/v1/accounts/${encodeURIComponent(accountId)}/esg-ratings`;
    try {
      const response = await fetchWithRetry(
        async (signal) => {
          const r = await fetch(url, {
            headers: {
              accept: "application/json",
              ...(etag ? { "if-none-match": etag } : {}),
              ...(await this.o.credentials.headers()),
            },
            signal,
          });
          if (r.status === 401) this.o.credentials.invalidate();
          return r;
        },
        this.o.policy,
        {
          beforeAttempt: () => this.o.rate.acquire(),
          onThrottled: () => void this.o.rate.throttled().catch(() => undefined),
        },
      );
      if (response.status === 304) {
        await response.body?.cancel();
        return { kind: "not-modified" };
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        return { kind: "failed", error: `ESG API answer could not be read: ${(error as Error).message}` };
      }
      if (response.status === 404) return { kind: "failed", error: "ESG API has no analysis for this account (404)" };
      if (!response.ok) return { kind: "failed", error: `ESG API answered ${response.status}: ${text.slice(0, 200)}` };
      return interpretRating(accountId, text, response.headers.get("etag"));
    } catch (error) {
      if (error instanceof PartnerCallError) return { kind: "failed", error: `ESG API ${error.message}` };
      throw error;
    }
  }
}
