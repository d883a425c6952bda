import { createHash } from "node:crypto";
import { SignJWT, importPKCS8 } from "jose";
import { BudgetSourceUnavailableError } from "../../ports/budget-file-source.js";

/** Read-only access to spreadsheets is all a budget poll needs. */
export const SHEETS_READONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** Google accepts assertions of at most an hour. */
const ASSERTION_SECONDS = 3600;
/** A cached token is renewed this long before it expires, so no request carries a dying one. */
const RENEW_BEFORE_MS = 5 * 60_000;
const TIMEOUT_MS = 30_000;

/** The fields of a Google service-account JSON key this client uses. */
export interface ServiceAccountKey {
  readonly client_email: string;
  readonly private_key: string;
  readonly private_key_id?: string;
  readonly token_uri: string;
}

/** Parses a service-account JSON key (as Google Cloud downloads it); the message never shows the key. */
export function parseServiceAccountKey(json: string): ServiceAccountKey {
  let key: Record<string, unknown>;
  try {
    key = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw new BudgetSourceUnavailableError("The service-account key is not JSON", "sheets");
  }
  const text = (name: string) => (typeof key[name] === "string" && key[name] !== "" ? key[name] : null);
  const missing = ["client_email", "private_key", "token_uri"].filter((name) => text(name) === null);
  if (missing.length > 0)
    throw new BudgetSourceUnavailableError(`The service-account key has no ${missing.join(", ")}`, "sheets");
  if (!/^https?:\/\//.test(text("token_uri")!))
    throw new BudgetSourceUnavailableError("The service-account key's token_uri is not a URL", "sheets");
  return {
    client_email: text("client_email")!,
    private_key: text("private_key")!,
    token_uri: text("token_uri")!,
    ...(text("private_key_id") ? { private_key_id: text("private_key_id")! } : {}),
  };
}

interface CachedToken {
  readonly accessToken: string;
  readonly renewAt: number;
}

/**
 * OAuth 2.0 access tokens for service accounts (Google's JWT bearer grant): an RS256
 * assertion signed with the account's private key is exchanged at the key's token_uri.
 * Tokens are cached per account and scope until shortly before they expire, so a poll of
 * many sources (or a poll every minute) asks for one token an hour. One instance lives as
 * long as the source opener; concurrent callers share one exchange.
 */
export class GoogleAccessTokens {
  readonly #now: () => number;
  readonly #cache = new Map<string, Promise<CachedToken>>();

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async token(key: ServiceAccountKey, scope = SHEETS_READONLY_SCOPE): Promise<string> {
    // Keyed by the private key itself too: only a caller holding the key gets its token.
    const keyHash = createHash("sha256").update(key.private_key).digest("hex");
    const id = `${key.client_email}\n${keyHash}\n${key.token_uri}\n${scope}`;
    const cached = this.#cache.get(id);
    if (cached) {
      const token = await cached.catch(() => undefined);
      if (token && token.renewAt > this.#now()) return token.accessToken;
    }
    const pending = this.#exchange(key, scope);
    this.#cache.set(id, pending);
    // A failed exchange is not cached: the next poll tries again.
    pending.catch(() => this.#cache.get(id) === pending && this.#cache.delete(id));
    return (await pending).accessToken;
  }

  async #exchange(key: ServiceAccountKey, scope: string): Promise<CachedToken> {
    let assertion: string;
    try {
      const privateKey = await importPKCS8(key.private_key, "RS256");
      const issuedAt = Math.floor(this.#now() / 1000);
      assertion = await new SignJWT({ scope })
        .setProtectedHeader({ alg: "RS256", typ: "JWT", ...(key.private_key_id ? { kid: key.private_key_id } : {}) })
        .setIssuer(key.client_email)
        .setAudience(key.token_uri)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ASSERTION_SECONDS)
        .sign(privateKey);
    } catch {
      throw new BudgetSourceUnavailableError(
        "The service-account key's private_key is not an RSA PKCS#8 key",
        "sheets",
      );
    }
    let response: Response;
    try {
      response = await fetch(key.token_uri, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: JWT_BEARER, assertion }).toString(),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new BudgetSourceUnavailableError(
        `The Google token endpoint could not be reached: ${(error as Error).message}`,
        "sheets",
      );
    }
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
    };
    if (!response.ok || typeof body.access_token !== "string")
      throw new BudgetSourceUnavailableError(
        `The Google token endpoint refused service account ${key.client_email}: ${response.status}${
          typeof body.error === "string" ? ` ${body.error.slice(0, 100)}` : ""
        }`,
        "sheets",
      );
    const expiresInMs = (typeof body.expires_in === "number" ? body.expires_in : ASSERTION_SECONDS) * 1000;
    return { accessToken: body.access_token, renewAt: this.#now() + expiresInMs - RENEW_BEFORE_MS };
  }
}
