import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Seeded simulators of seed 001's two partners, as real HTTP servers so the platform's
 * HTTP clients (retries, Retry-After, timeouts, auth) are exercised as in production:
 * the Account Management System (paginated active accounts) and the ESG Portfolio
 * Analysis API (one rating per account, ETags, a rate limit of its own).
 */
export interface EsgSimulatorControls {
  /** Both APIs answer 503 to everything. */
  readonly down: boolean;
  readonly latencyMs: number;
  /** Share of accounts whose rating calls always fail (500). */
  readonly errorRate: number;
  /** Share of rating requests that fail once (500). */
  readonly transientErrorRate: number;
  readonly partialRate: number;
  readonly malformedRate: number;
  readonly rateLimitPerSecond: number;
  /** Every N seconds, one second of 429 to everything (0: never). */
  readonly burst429EverySeconds: number;
  /** Share of account-list page requests failing with 503. */
  readonly pageErrorRate: number;
  /** Bumping it changes every rating (and ETag), as a new day of analysis would. */
  readonly ratingVersion: number;
  /** Whether answers carry an ETag (and honour If-None-Match); without, the client's refresh interval applies. */
  readonly etags: boolean;
  /** Accounts whose rating calls always fail (500), whatever `errorRate` picks: one failure, named. */
  readonly failingAccounts: readonly string[];
}

export interface EsgSimulatorOptions {
  readonly accounts: number;
  readonly seed: number;
  readonly duplicates: number;
  /** When set, both APIs require it in the `x-api-key` header (the ESG_API_KEY_HEADER default). */
  readonly accountsApiKey?: string;
  readonly ratingsApiKey?: string;
  readonly apiKeyHeader?: string;
  /** When set, both APIs take OAuth bearer tokens instead, issued at `{accountsUrl}/oauth/token` (client credentials). */
  readonly oauthClient?: { readonly id: string; readonly secret: string };
  /** `etags` defaults to true, `failingAccounts` to none. */
  readonly controls: Omit<EsgSimulatorControls, "etags" | "failingAccounts"> & {
    readonly etags?: boolean;
    readonly failingAccounts?: readonly string[];
  };
}

export interface EsgSimulatorStats {
  readonly ratingRequests: number;
  readonly throttled: number;
  readonly notModified: number;
  readonly pageRequests: number;
}

const FIRST = [
  "Northwind",
  "Contoso",
  "Fabrikam",
  "Tailspin",
  "Woodgrove",
  "Litware",
  "Adatum",
  "Proseware",
  "Wingtip",
  "Alpine",
  "Coho",
  "Fourth Coffee",
];
const SECOND = ["Capital", "Pension Fund", "Family Office", "Endowment", "Trust", "Holdings", "Partners", "Foundation"];

/** A number in [0, 1) from the seed and some labels: the same every run. */
function unit(...parts: (string | number)[]): number {
  return createHash("sha256").update(parts.join("|")).digest().readUInt32BE(0) / 2 ** 32;
}

export const simulatedAccountId = (i: number) => `ACC-${String(i).padStart(7, "0")}`;

/** Names, with a few that test quoting and formula neutralisation in the file. */
export function simulatedAccountName(i: number, seed: number): string {
  if (i % 997 === 0) return `Smith, Jones & "Partners" ${i}`;
  if (i % 1499 === 0) return `=HYPERLINK("http://example.invalid","Account ${i}")`;
  if (i % 1201 === 0) return `Société Générale Conseil ${i}`;
  const a = FIRST[Math.floor(unit(seed, "first", i) * FIRST.length)]!;
  const b = SECOND[Math.floor(unit(seed, "second", i) * SECOND.length)]!;
  return `${a} ${b} ${i}`;
}

export class EsgSimulators {
  controls: EsgSimulatorControls;
  readonly #o: EsgSimulatorOptions;
  readonly #servers: Server[] = [];
  readonly #callsByAccount = new Map<string, number>();
  readonly #tokens = new Set<string>();
  tokensIssued = 0;
  #stats = { ratingRequests: 0, throttled: 0, notModified: 0, pageRequests: 0 };
  #bucket = { tokens: 0, at: 0 };
  accountsUrl = "";
  ratingsUrl = "";

  private constructor(options: EsgSimulatorOptions) {
    this.#o = options;
    this.controls = { etags: true, failingAccounts: [], ...options.controls };
    this.#bucket = { tokens: this.#burst(), at: Date.now() };
  }

  static async start(options: EsgSimulatorOptions): Promise<EsgSimulators> {
    const sim = new EsgSimulators(options);
    sim.accountsUrl = await sim.#listen((req, res) => sim.#accounts(req, res));
    sim.ratingsUrl = await sim.#listen((req, res) => sim.#ratings(req, res));
    return sim;
  }

  setControls(patch: Partial<EsgSimulatorControls>): EsgSimulatorControls {
    this.controls = {
      ...this.controls,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    };
    return this.controls;
  }

  get stats(): EsgSimulatorStats {
    return { ...this.#stats };
  }

  /** Rating requests received for one account (retries included). */
  callsFor(accountId: string): number {
    return this.#callsByAccount.get(accountId) ?? 0;
  }

  async close(): Promise<void> {
    await Promise.all(
      this.#servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }

  async #listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<string> {
    const server = createServer((req, res) => {
      handler(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    this.#servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  #authorised(req: IncomingMessage, key: string | undefined): boolean {
    if (this.#o.oauthClient) return this.#tokens.has((req.headers.authorization ?? "").replace(/^Bearer /, ""));
    return !key || req.headers[(this.#o.apiKeyHeader ?? "x-api-key").toLowerCase()] === key;
  }

  /** Revokes every token issued so far (a partner rotating its signing key): the next call gets 401. */
  revokeTokens(): void {
    this.#tokens.clear();
  }

  async #issueToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = "";
    for await (const chunk of req) body += String(chunk);
    const form = new URLSearchParams(body);
    const client = this.#o.oauthClient;
    if (
      !client ||
      form.get("grant_type") !== "client_credentials" ||
      form.get("client_id") !== client.id ||
      form.get("client_secret") !== client.secret
    ) {
      return json(res, 401, { error: "invalid_client" });
    }
    const token = randomBytes(24).toString("base64url");
    this.#tokens.add(token);
    this.tokensIssued++;
    return json(res, 200, { access_token: token, token_type: "Bearer", expires_in: 3600 });
  }

  async #accounts(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/oauth/token" && req.method === "POST") return this.#issueToken(req, res);
    if (!this.#authorised(req, this.#o.accountsApiKey)) return json(res, 401, { error: "invalid API key" });
    if (this.controls.down) return json(res, 503, { error: "down" }, { "retry-after": "1" });
    const one = /^\/v1\/accounts\/([^/]+)$/.exec(url.pathname);
    if (one) {
      const id = decodeURIComponent(one[1]!);
      const i = /^ACC-(\d{7})$/.test(id) ? Number(id.slice(4)) : 0;
      if (i < 1 || i > this.#o.accounts) return json(res, 404, { error: "no such active account" });
      return json(res, 200, { accountId: id, accountName: simulatedAccountName(i, this.#o.seed), status: "active" });
    }
    if (url.pathname !== "/v1/accounts") return json(res, 404, { error: "not found" });
    this.#stats.pageRequests++;
    if (Math.random() < this.controls.pageErrorRate) return json(res, 503, { error: "page temporarily unavailable" });
    const limit = Math.min(10_000, Math.max(1, Number(url.searchParams.get("limit") ?? 100)));
    const offset = Number(
      url.searchParams.get("cursor") ? Buffer.from(url.searchParams.get("cursor")!, "base64url").toString() : 0,
    );
    // The listing is every account, then a few listed again (a duplicate across pages).
    const length = this.#o.accounts + Math.min(this.#o.duplicates, this.#o.accounts);
    const accounts = [];
    for (let k = offset; k < Math.min(length, offset + limit); k++) {
      const i = k < this.#o.accounts ? k + 1 : k - this.#o.accounts + 1;
      accounts.push({
        accountId: simulatedAccountId(i),
        accountName: simulatedAccountName(i, this.#o.seed),
        status: "active",
      });
    }
    const next = offset + limit < length ? Buffer.from(String(offset + limit)).toString("base64url") : null;
    return json(res, 200, { accounts, nextCursor: next });
  }

  #burst(): number {
    return Math.max(1, Math.ceil(this.controls.rateLimitPerSecond / 10));
  }

  /** The partner's own token bucket: above its rate, 429 with Retry-After. */
  #admit(): boolean {
    const now = Date.now();
    const every = this.controls.burst429EverySeconds;
    if (every > 0 && Math.floor(now / 1000) % every === 0) return false;
    const rate = this.controls.rateLimitPerSecond / 1000;
    this.#bucket.tokens = Math.min(this.#burst(), this.#bucket.tokens + (now - this.#bucket.at) * rate);
    this.#bucket.at = now;
    if (this.#bucket.tokens < 1) return false;
    this.#bucket.tokens -= 1;
    return true;
  }

  async #ratings(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const match = /^\/v1\/accounts\/([^/]+)\/esg-ratings$/.exec(url.pathname);
    if (!this.#authorised(req, this.#o.ratingsApiKey)) return json(res, 401, { error: "invalid API key" });
    if (!match) return json(res, 404, { error: "not found" });
    const id = decodeURIComponent(match[1]!);
    this.#stats.ratingRequests++;
    this.#callsByAccount.set(id, (this.#callsByAccount.get(id) ?? 0) + 1);
    if (this.controls.down) return json(res, 503, { error: "down" }, { "retry-after": "1" });
    if (!this.#admit()) {
      this.#stats.throttled++;
      return json(res, 429, { error: "rate limit exceeded" }, { "retry-after": "1" });
    }
    if (this.controls.latencyMs > 0) await new Promise((r) => setTimeout(r, this.controls.latencyMs));
    const i = /^ACC-(\d{7})$/.test(id) ? Number(id.slice(4)) : 0;
    if (i < 1 || i > this.#o.accounts) return json(res, 404, { error: "no analysis for this account" });
    const seed = this.#o.seed;
    const version = this.controls.ratingVersion;
    if (unit(seed, "error", id) < this.controls.errorRate || this.controls.failingAccounts.includes(id))
      return json(res, 500, { error: "analysis engine failed for this portfolio" });
    if (Math.random() < this.controls.transientErrorRate) return json(res, 500, { error: "temporary failure" });
    const etag = `"${createHash("sha256").update(`${seed}|${version}|${id}|${this.controls.partialRate}|${this.controls.malformedRate}`).digest("hex").slice(0, 16)}"`;
    if (this.controls.etags && req.headers["if-none-match"] === etag) {
      this.#stats.notModified++;
      res.writeHead(304, { etag }).end();
      return;
    }
    const tag: Record<string, string> = this.controls.etags ? { etag } : {};
    const malformed = unit(seed, "malformed", id) < this.controls.malformedRate;
    if (malformed) {
      const kind = Math.floor(unit(seed, "malformed-kind", id) * 3);
      if (kind === 0) {
        res.writeHead(200, { "content-type": "text/html", ...tag }).end("<html><body>Gateway hiccup</body></html>");
        return;
      }
      if (kind === 1) return json(res, 200, { accountId: id, analysisDate: analysisDate() }, tag);
      return json(
        res,
        200,
        {
          accountId: id,
          analysisDate: analysisDate(),
          scores: { overall: 140.5, environmental: 50, social: 60, governance: 70 },
        },
        tag,
      );
    }
    const score = (label: string) => Math.round(unit(seed, version, label, id) * 100_000) / 1000; // three decimals, 0-100
    const scores: Record<string, number> = {
      overall: score("overall"),
      environmental: score("e"),
      social: score("s"),
      governance: score("g"),
    };
    if (unit(seed, "partial", id) < this.controls.partialRate)
      delete scores[["environmental", "social", "governance"][Math.floor(unit(seed, "partial-which", id) * 3)]!];
    const pillars = [
      ["Environmental", scores.environmental],
      ["Social", scores.social],
      ["Governance", scores.governance],
    ].filter(([, v]) => v !== undefined) as [string, number][];
    const focus = pillars.sort((a, b) => b[1] - a[1])[0]!;
    return json(
      res,
      200,
      { accountId: id, analysisDate: analysisDate(), scores, primaryFocus: { pillar: focus[0], score: focus[1] } },
      tag,
    );
  }
}

/** The partner analyses every morning: today's date. */
const analysisDate = () => new Date().toISOString().slice(0, 10);

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}
