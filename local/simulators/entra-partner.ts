import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";

/**
 * Microsoft Entra ID's v2.0 endpoints as a single-page application meets them: authorize
 * (here a page to pick one of the seeded people instead of a password), the token endpoint
 * with the authorization code + PKCE (S256) and refresh token grants, the signing keys and
 * logout. Tokens are RS256 access tokens shaped as Entra ID issues them for an API (oid,
 * tid, roles, azp, ver 2.0), so the platform verifies them with its real Entra ID verifier.
 */
export interface EntraPerson {
  readonly oid: string;
  readonly name: string;
  readonly username: string;
  /** App roles assigned to the person on the API's registration. */
  readonly roles: readonly string[];
}

export const ENTRA_PEOPLE: readonly EntraPerson[] = [
  {
    oid: "5f0c4c1e-7a51-4d3e-9b53-0c5a3f1e2d01",
    name: "Ana Souza",
    username: "ana@contoso.example",
    roles: ["Platform.Finance"],
  },
  {
    oid: "5f0c4c1e-7a51-4d3e-9b53-0c5a3f1e2d02",
    name: "Max Admin",
    username: "max@contoso.example",
    roles: ["Platform.Admin"],
  },
  {
    oid: "5f0c4c1e-7a51-4d3e-9b53-0c5a3f1e2d03",
    name: "Vera Viewer",
    username: "vera@contoso.example",
    roles: ["Platform.Viewer"],
  },
  { oid: "5f0c4c1e-7a51-4d3e-9b53-0c5a3f1e2d04", name: "Nils No-Role", username: "nils@contoso.example", roles: [] },
];

export interface EntraSimulatorOptions {
  readonly tenantId: string;
  /** The API registration's application ID: the access tokens' audience. */
  readonly apiClientId: string;
  /** The console's registration: the only client the authorize and token endpoints accept. */
  readonly consoleClientId: string;
  readonly accessTokenSeconds?: number;
}

interface PendingCode {
  readonly person: EntraPerson;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly scope: string;
  readonly expiresAt: number;
}

interface RefreshGrant {
  readonly person: EntraPerson;
  readonly scope: string;
}

const MAX_FORM_BYTES = 16 * 1024;
const CODE_SECONDS = 600;
const KEY_ID = "local-entra-1";

export class EntraSimulator {
  url = "";
  /** Token endpoint calls by grant type, for tests to see refreshes happen. */
  readonly grants = { authorization_code: 0, refresh_token: 0 };
  readonly #options: EntraSimulatorOptions;
  readonly #codes = new Map<string, PendingCode>();
  readonly #refreshTokens = new Map<string, RefreshGrant>();
  readonly #server: Server;
  #privateKey!: CryptoKey;
  #jwk!: JWK;

  private constructor(options: EntraSimulatorOptions) {
    this.#options = options;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { error: "server_error", error_description: String(error) });
      });
    });
  }

  static async start(options: EntraSimulatorOptions): Promise<EntraSimulator> {
    const simulator = new EntraSimulator(options);
    const keys = await generateKeyPair("RS256", { extractable: true });
    simulator.#privateKey = keys.privateKey;
    simulator.#jwk = { ...(await exportJWK(keys.publicKey)), kid: KEY_ID, alg: "RS256", use: "sig" };
    await new Promise<void>((resolve) => simulator.#server.listen(0, "127.0.0.1", resolve));
    simulator.url = `http://127.0.0.1:${(simulator.#server.address() as AddressInfo).port}`;
    return simulator;
  }

  /** `<url>/<tenant>`: what ENTRA_AUTHORITY names. */
  get authority(): string {
    return `${this.url}/${this.#options.tenantId}`;
  }

  get issuer(): string {
    return `${this.authority}/v2.0`;
  }

  get jwksUrl(): string {
    return `${this.authority}/discovery/v2.0/keys`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const base = `/${this.#options.tenantId}`;
    const path = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : "";
    if (req.method === "GET" && path === "/discovery/v2.0/keys") return json(res, 200, { keys: [this.#jwk] });
    if (path === "/oauth2/v2.0/authorize" && req.method === "GET") return this.#authorizePage(url.searchParams, res);
    if (path === "/oauth2/v2.0/authorize" && req.method === "POST") return this.#authorize(await readForm(req), res);
    if (path === "/oauth2/v2.0/token" && req.method === "OPTIONS") return void cors(req, res).writeHead(204).end();
    if (path === "/oauth2/v2.0/token" && req.method === "POST") return this.#token(req, await readForm(req), res);
    if (path === "/oauth2/v2.0/logout" && req.method === "GET") {
      const back = url.searchParams.get("post_logout_redirect_uri");
      if (back && isLoopback(back)) return void res.writeHead(302, { Location: back }).end();
      return html(res, 200, "<h1>You have signed out</h1>");
    }
    json(res, 404, { error: "not_found", error_description: `No endpoint ${req.method} ${url.pathname}` });
  }

  /** The checks Entra ID makes before it lets a person sign in; a problem with redirect_uri cannot be redirected. */
  #checkRequest(params: URLSearchParams): { redirectUri: string; error?: string } | string {
    const redirectUri = params.get("redirect_uri") ?? "";
    if (params.get("client_id") !== this.#options.consoleClientId) return "AADSTS700016: unknown client_id";
    if (!isLoopback(redirectUri) || new URL(redirectUri).pathname !== "/auth/callback")
      return "AADSTS50011: redirect_uri is not registered for the application (a loopback …/auth/callback)";
    if (params.get("response_type") !== "code") return { redirectUri, error: "unsupported_response_type" };
    if (params.get("code_challenge_method") !== "S256" || !/^[\w-]{43}$/.test(params.get("code_challenge") ?? ""))
      return { redirectUri, error: "invalid_request: PKCE with code_challenge_method S256 is required" };
    return { redirectUri };
  }

  #authorizePage(params: URLSearchParams, res: ServerResponse): void {
    const checked = this.#checkRequest(params);
    if (typeof checked === "string") return html(res, 400, `<h1>Sign-in refused</h1><p>${escape(checked)}</p>`);
    if (checked.error) return redirectWithError(res, checked.redirectUri, checked.error, params.get("state"));
    const hidden = [...params.entries()]
      .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
      .join("");
    const buttons = ENTRA_PEOPLE.map(
      (p) =>
        `<li><button type="submit" name="person" value="${p.oid}">${escape(p.name)}</button> ` +
        `${escape(p.username)} (${p.roles.length ? p.roles.join(", ") : "no app role"})</li>`,
    ).join("");
    html(
      res,
      200,
      `<h1>Microsoft Entra ID (local simulator)</h1><p>Pick an account</p>` +
        `<form method="post">${hidden}<ul>${buttons}</ul></form>`,
    );
  }

  #authorize(form: URLSearchParams, res: ServerResponse): void {
    const checked = this.#checkRequest(form);
    if (typeof checked === "string") return html(res, 400, `<h1>Sign-in refused</h1><p>${escape(checked)}</p>`);
    const state = form.get("state");
    if (checked.error) return redirectWithError(res, checked.redirectUri, checked.error, state);
    const person = ENTRA_PEOPLE.find((p) => p.oid === form.get("person"));
    if (!person) return redirectWithError(res, checked.redirectUri, "access_denied", state);
    const code = randomBytes(32).toString("base64url");
    this.#codes.set(code, {
      person,
      redirectUri: checked.redirectUri,
      challenge: form.get("code_challenge")!,
      scope: form.get("scope") ?? "",
      expiresAt: Date.now() + CODE_SECONDS * 1000,
    });
    const target = new URL(checked.redirectUri);
    target.searchParams.set("code", code);
    if (state !== null) target.searchParams.set("state", state);
    res.writeHead(302, { Location: target.href }).end();
  }

  async #token(req: IncomingMessage, form: URLSearchParams, res: ServerResponse): Promise<void> {
    cors(req, res);
    if (form.get("client_id") !== this.#options.consoleClientId)
      return json(res, 400, { error: "invalid_client", error_description: "AADSTS700016: unknown client_id" });
    const grantType = form.get("grant_type");
    let grant: RefreshGrant;
    if (grantType === "authorization_code") {
      const code = this.#codes.get(form.get("code") ?? "");
      this.#codes.delete(form.get("code") ?? ""); // single use, whatever the outcome
      const verifier = form.get("code_verifier") ?? "";
      if (!code || code.expiresAt < Date.now())
        return json(res, 400, {
          error: "invalid_grant",
          error_description: "AADSTS70008: the code expired or was used",
        });
      if (form.get("redirect_uri") !== code.redirectUri)
        return json(res, 400, { error: "invalid_grant", error_description: "AADSTS50148: redirect_uri differs" });
      if (createHash("sha256").update(verifier).digest("base64url") !== code.challenge)
        return json(res, 400, {
          error: "invalid_grant",
          error_description: "AADSTS501481: code_verifier does not match",
        });
      grant = { person: code.person, scope: code.scope };
      this.grants.authorization_code++;
    } else if (grantType === "refresh_token") {
      const token = form.get("refresh_token") ?? "";
      const found = this.#refreshTokens.get(token);
      this.#refreshTokens.delete(token); // rotated: each refresh token serves once
      if (!found)
        return json(res, 400, {
          error: "invalid_grant",
          error_description: "AADSTS700082: the refresh token is invalid",
        });
      grant = found;
      this.grants.refresh_token++;
    } else {
      return json(res, 400, { error: "unsupported_grant_type" });
    }
    const refreshToken = randomBytes(32).toString("base64url");
    this.#refreshTokens.set(refreshToken, grant);
    const seconds = this.#options.accessTokenSeconds ?? 3600;
    json(res, 200, {
      token_type: "Bearer",
      scope: grant.scope,
      expires_in: seconds,
      access_token: await this.#sign(grant.person, this.#options.apiClientId, seconds, {
        roles: grant.person.roles,
        scp: "access_as_user",
        azp: this.#options.consoleClientId,
      }),
      id_token: await this.#sign(grant.person, this.#options.consoleClientId, seconds, {}),
      refresh_token: refreshToken,
    });
  }

  #sign(person: EntraPerson, audience: string, seconds: number, claims: Record<string, unknown>): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      oid: person.oid,
      tid: this.#options.tenantId,
      name: person.name,
      preferred_username: person.username,
      ver: "2.0",
      uti: randomUUID(),
      ...claims,
    })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: KEY_ID })
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + seconds)
      .sign(this.#privateKey);
  }
}

function isLoopback(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return (protocol === "http:" || protocol === "https:") && ["localhost", "127.0.0.1", "[::1]"].includes(hostname);
  } catch {
    return false;
  }
}

/** Entra ID answers a single-page application's token call with CORS for its origin. */
function cors(req: IncomingMessage, res: ServerResponse): ServerResponse {
  const origin = req.headers.origin;
  if (origin && isLoopback(origin)) {
    res.setHeader("Access-Control-Allow-Origin", origin);
    res.setHeader("Access-Control-Allow-Methods", "POST, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", "Content-Type");
  }
  return res;
}

function redirectWithError(res: ServerResponse, redirectUri: string, error: string, state: string | null): void {
  const target = new URL(redirectUri);
  const [code, ...description] = error.split(": ");
  target.searchParams.set("error", code!);
  if (description.length) target.searchParams.set("error_description", description.join(": "));
  if (state !== null) target.searchParams.set("state", state);
  res.writeHead(302, { Location: target.href }).end();
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error("form too large");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(JSON.stringify(body));
}

function html(res: ServerResponse, status: number, body: string): void {
  res
    .writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "default-src 'none'" })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body>${body}</body></html>`,
    );
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
