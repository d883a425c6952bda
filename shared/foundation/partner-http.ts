import type { SecretStore } from "../ports/secret-store.js";

/** How a partner API is called: per-call timeout, attempts, and the backoff between them. */
export interface RetryPolicy {
  readonly timeoutMs: number;
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Backoff before attempt n+1 is drawn from [0, min(maxDelayMs, baseDelayMs * 2^(n-1))] (full jitter). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** A partner call that failed for good: the last HTTP status (or none for a network error), and why. */
export class PartnerCallError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly attempts: number,
  ) {
    super(message);
    this.name = "PartnerCallError";
  }
}

/** The longest Retry-After honoured; a partner asking for more is asked again after this. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** 408, 425, 429 and 5xx are worth another try; other 4xx will not change. */
export const isRetriableStatus = (status: number) =>
  status === 408 || status === 425 || status === 429 || status >= 500;

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function backoffMs(attempt: number, policy: RetryPolicy, random = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
}

export interface RetryHooks {
  /** Called before every attempt (a shared rate limit waits here). */
  readonly beforeAttempt?: () => Promise<void>;
  /** Called on each 429 / 503 answer (an adaptive rate slows down). */
  readonly onThrottled?: () => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends one logical request with retries: exponential backoff with full jitter, a
 * `Retry-After` from the partner taking precedence (never waiting less than it asks, up
 * to MAX_RETRY_AFTER_MS),
 * a timeout per attempt. Returns the first answer that is not retriable (2xx, 304, 4xx);
 * throws PartnerCallError when the attempts run out.
 */
export async function fetchWithRetry(
  send: (signal: AbortSignal) => Promise<Response>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<Response & { attempts: number }> {
  const sleep = hooks.sleep ?? defaultSleep;
  let lastError = "";
  let lastStatus: number | undefined;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    await hooks.beforeAttempt?.();
    let waitMs = backoffMs(attempt, policy);
    try {
      const response = await send(AbortSignal.timeout(policy.timeoutMs));
      if (!isRetriableStatus(response.status)) return Object.assign(response, { attempts: attempt });
      lastStatus = response.status;
      lastError = `answered ${response.status}${await briefBody(response)}`;
      if (response.status === 429 || response.status === 503) hooks.onThrottled?.();
      const asked = retryAfterMs(response.headers.get("retry-after"));
      if (asked !== undefined) waitMs = Math.max(waitMs, Math.min(asked, MAX_RETRY_AFTER_MS));
    } catch (error) {
      lastStatus = undefined;
      lastError =
        (error as Error).name === "TimeoutError"
          ? `no answer within ${policy.timeoutMs} ms`
          : `network error: ${(error as Error).message}`;
    }
    if (attempt < policy.maxAttempts) await sleep(waitMs);
  }
  throw new PartnerCallError(`${lastError} (after ${policy.maxAttempts} attempts)`, lastStatus, policy.maxAttempts);
}

async function briefBody(response: Response): Promise<string> {
  const text = (await response.text().catch(() => "")).trim();
  return text ? `: ${text.slice(0, 200)}` : "";
}

/** How a partner authenticates us; the credentials are Key Vault secrets. */
export type PartnerAuth =
  | { readonly kind: "none" }
  | { readonly kind: "api-key"; readonly header: string; readonly secretName: string }
  | {
      readonly kind: "oauth-client-credentials";
      readonly tokenUrl: string;
      readonly scope?: string;
      readonly clientIdSecret: string;
      readonly clientSecretSecret: string;
    };

/**
 * Authorization headers for a partner, from secrets read through the secret store (so a
 * rotation in Key Vault applies). OAuth tokens are cached until a minute before expiry;
 * concurrent callers share one token request.
 */
export class PartnerCredentials {
  #token: { value: string; expiresAt: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(
    readonly auth: PartnerAuth,
    private readonly secrets: SecretStore,
  ) {}

  async headers(): Promise<Record<string, string>> {
    switch (this.auth.kind) {
      case "none":
        return {};
      case "api-key": {
        const key = await this.secrets.findSecret(this.auth.secretName);
        if (!key) throw new PartnerCallError(`secret ${this.auth.secretName} is not set`, undefined, 0);
        return { [this.auth.header]: key };
      }
      case "oauth-client-credentials":
        return { authorization: `Bearer ${await this.#bearer(this.auth)}` };
    }
  }

  /** Drops a token the partner refused (401), so the next call fetches a new one. */
  invalidate(): void {
    this.#token = undefined;
  }

  async #bearer(auth: Extract<PartnerAuth, { kind: "oauth-client-credentials" }>): Promise<string> {
    if (this.#token && this.#token.expiresAt > Date.now()) return this.#token.value;
    this.#pending ??= (async () => {
      try {
        const [clientId, clientSecret] = await Promise.all([
          this.secrets.findSecret(auth.clientIdSecret),
          this.secrets.findSecret(auth.clientSecretSecret),
        ]);
        if (!clientId || !clientSecret)
          throw new PartnerCallError(
            `secrets ${auth.clientIdSecret} and ${auth.clientSecretSecret} are required for OAuth`,
            undefined,
            0,
          );
        const form = new URLSearchParams({
          grant_type: "client_credentials",
          client_id: clientId,
          client_secret: clientSecret,
          ...(auth.scope ? { scope: auth.scope } : {}),
        });
        const response = await fetch(auth.tokenUrl, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: form,
          signal: AbortSignal.timeout(10_000),
        });
        if (!response.ok) throw new PartnerCallError(`token endpoint answered ${response.status}`, response.status, 1);
        const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
        if (typeof body.access_token !== "string")
          throw new PartnerCallError("token endpoint gave no access_token", response.status, 1);
        const ttl = typeof body.expires_in === "number" ? body.expires_in : 300;
        this.#token = { value: body.access_token, expiresAt: Date.now() + Math.max(0, ttl - 60) * 1000 };
        return body.access_token;
      } finally {
        this.#pending = undefined;
      }
    })();
    return this.#pending;
  }
}
