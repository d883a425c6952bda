import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { jwtVerify } from "jose";

const SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly";
const TOKEN_SECONDS = 3600;
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Enough of Google for a Sheets budget source: the OAuth token endpoint of the JWT bearer
 * grant, which verifies each assertion's RS256 signature against the service account's
 * public key it was seeded with (issuer, audience, scope, expiry), and Sheets API v4
 * `values.get`, answering bearer tokens it issued or its API key. Sheets are set by tests
 * or by hand through the local control route.
 */
export class BudgetSheetsSimulator {
  readonly clientEmail = "budget-poller@local-sheets.iam.gserviceaccount.com";
  readonly apiKey = `local-sheets-${randomBytes(12).toString("hex")}`;
  readonly stats = { tokensIssued: 0, assertionsRefused: 0, valuesRead: 0 };
  readonly #publicKey: KeyObject;
  readonly #privateKeyPem: string;
  readonly #keyId = randomBytes(8).toString("hex");
  readonly #tokens = new Set<string>();
  readonly #sheets = new Map<string, string[][]>();
  readonly #server: Server;
  #url = "";

  private constructor() {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.#publicKey = publicKey;
    this.#privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  static async start(): Promise<BudgetSheetsSimulator> {
    const simulator = new BudgetSheetsSimulator();
    await new Promise<void>((resolve) => simulator.#server.listen(0, "127.0.0.1", resolve));
    simulator.#url = `http://127.0.0.1:${(simulator.#server.address() as AddressInfo).port}`;
    return simulator;
  }

  get url(): string {
    return this.#url;
  }

  /** The service account's JSON key, as Google Cloud downloads it, pointing at this token endpoint. */
  serviceAccountKey(): string {
    return JSON.stringify({
      type: "service_account",
      project_id: "local-sheets",
      private_key_id: this.#keyId,
      private_key: this.#privateKeyPem,
      client_email: this.clientEmail,
      token_uri: `${this.#url}/token`,
    });
  }

  /** Sets a range's values (the whole spreadsheet answers every range with them). */
  setSheet(spreadsheetId: string, values: string[][]): void {
    this.#sheets.set(spreadsheetId, values);
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.#url);
    const json = (status: number, body: unknown) =>
      void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.method === "POST" && url.pathname === "/token") {
      const form = new URLSearchParams(await readBody(req));
      if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer")
        return json(400, { error: "unsupported_grant_type" });
      try {
        const { payload } = await jwtVerify(form.get("assertion") ?? "", this.#publicKey, {
          issuer: this.clientEmail,
          audience: `${this.#url}/token`,
          algorithms: ["RS256"],
          requiredClaims: ["iat", "exp"],
        });
        if (payload.scope !== SCOPE) return json(400, { error: "invalid_scope" });
      } catch {
        this.stats.assertionsRefused++;
        return json(400, { error: "invalid_grant", error_description: "Invalid JWT Signature." });
      }
      const token = `ya29.local-${randomBytes(16).toString("hex")}`;
      this.#tokens.add(token);
      this.stats.tokensIssued++;
      return json(200, { access_token: token, expires_in: TOKEN_SECONDS, token_type: "Bearer" });
    }
    const match = /^\/v4\/spreadsheets\/([^/]+)\/values\/([^/]+)$/.exec(url.pathname);
    if (req.method !== "GET" || !match) return json(404, { error: { code: 404, message: "Not found" } });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const authorised = bearer ? this.#tokens.has(bearer) : req.headers["x-goog-api-key"] === this.apiKey;
    if (!authorised) return json(bearer ? 401 : 403, { error: { code: 401, message: "Request is not authorised" } });
    const values = this.#sheets.get(decodeURIComponent(match[1]!));
    if (!values) return json(404, { error: { code: 404, message: "Requested entity was not found." } });
    this.stats.valuesRead++;
    return json(200, { range: decodeURIComponent(match[2]!), majorDimension: "ROWS", values });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
      if (body.length > MAX_BODY_BYTES) req.destroy(new Error("body too large"));
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}
