import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buffer } from "node:stream/consumers";
import { after, before, describe, it } from "node:test";
import { jwtVerify } from "jose";
import {
  GoogleAccessTokens,
  S3BudgetFileSource,
  SheetsBudgetFileSource,
} from "../../../shared/adapters/budget-sources/index.js";
import { BudgetSourceUnavailableError } from "../../../shared/ports/budget-file-source.js";

type Handler = (req: IncomingMessage, url: URL, res: ServerResponse) => void;

async function fake(handler: Handler): Promise<{ url: string; server: Server; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    handler(req, new URL(req.url ?? "/", "http://fake"), res);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

/** Enough of S3 for a poll: ListObjectsV2 (two pages) and GetObject, path-style. */
const OBJECTS: Record<string, string> = {
  "budgets/2026-04.csv": "Department,Period,Amount\r\nSales,2026-04,100.00\r\n",
  "budgets/notes.txt": "not a budget",
  "budgets/2026-05.CSV": "Department,Period,Amount\r\nSales,2026-05,200.00\r\n",
};
const s3Handler: Handler = (req, url, res) => {
  const [, bucket, ...key] = url.pathname.split("/");
  if (bucket !== "acme-budgets") return void res.writeHead(404).end();
  if (key.join("") === "" && url.searchParams.get("list-type") === "2") {
    const prefix = url.searchParams.get("prefix") ?? "";
    const keys = Object.keys(OBJECTS)
      .filter((k) => k.startsWith(prefix))
      .sort();
    // One object per page, to make the adapter follow continuation tokens.
    const start = Number(url.searchParams.get("continuation-token") ?? "0");
    const page = keys.slice(start, start + 1);
    const truncated = start + 1 < keys.length;
    const contents = page
      .map(
        (k) =>
          `<Contents><Key>${k}</Key><LastModified>2026-04-01T10:00:00.000Z</LastModified><Size>${Buffer.byteLength(OBJECTS[k]!)}</Size></Contents>`,
      )
      .join("");
    res.writeHead(200, { "content-type": "application/xml" });
    return void res.end(
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>acme-budgets</Name><Prefix>${prefix}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>1</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${truncated ? `<NextContinuationToken>${start + 1}</NextContinuationToken>` : ""}</ListBucketResult>`,
    );
  }
  const body = OBJECTS[decodeURIComponent(key.join("/"))];
  if (req.method === "GET" && body !== undefined) {
    res.writeHead(200, { "content-type": "text/csv", "content-length": String(Buffer.byteLength(body)) });
    return void res.end(body);
  }
  res.writeHead(404, { "content-type": "application/xml" }).end("<Error><Code>NoSuchKey</Code></Error>");
};

describe("S3 budget file source against a fake S3", () => {
  let s3: Awaited<ReturnType<typeof fake>>;
  before(async () => (s3 = await fake(s3Handler)));
  after(() => s3.server.close());

  it("lists the folder's matching objects across pages and downloads one", async () => {
    const source = await S3BudgetFileSource.open(
      {
        type: "s3",
        bucket: "acme-budgets",
        region: "eu-west-1",
        folder: "budgets",
        pattern: "*.csv",
        accessKeyId: "AKIAFAKE",
        secretAccessKey: "fake-secret",
      },
      s3.url,
    );
    const files = await source.list();
    assert.deepEqual(
      files.map((f) => [f.path, f.sizeBytes, f.modifiedAt]),
      [
        ["budgets/2026-04.csv", Buffer.byteLength(OBJECTS["budgets/2026-04.csv"]!), "2026-04-01T10:00:00.000Z"],
        ["budgets/2026-05.CSV", Buffer.byteLength(OBJECTS["budgets/2026-05.CSV"]!), "2026-04-01T10:00:00.000Z"],
      ],
    );
    const bytes = await buffer(await source.download(files[0]!));
    assert.equal(bytes.toString(), OBJECTS["budgets/2026-04.csv"]);
    // Requests are signed (SigV4), never sent with the secret itself.
    assert.ok(s3.seen.every((r) => String(r.headers.authorization).startsWith("AWS4-HMAC-SHA256")));
    assert.ok(s3.seen.every((r) => !JSON.stringify(r.headers).includes("fake-secret")));
    await source.close();
  });

  it("turns an unknown bucket into BudgetSourceUnavailableError", async () => {
    const source = await S3BudgetFileSource.open(
      {
        type: "s3",
        bucket: "other-bucket",
        region: "eu-west-1",
        folder: "",
        pattern: "*",
        accessKeyId: "AKIAFAKE",
        secretAccessKey: "fake-secret",
      },
      s3.url,
    );
    await assert.rejects(source.list(), BudgetSourceUnavailableError);
    await source.close();
  });
});

describe("Sheets budget file source against a fake Sheets API", () => {
  let sheets: Awaited<ReturnType<typeof fake>>;
  before(
    async () =>
      (sheets = await fake((req, url, res) => {
        const match = /^\/v4\/spreadsheets\/([^/]+)\/values\/(.+)$/.exec(url.pathname);
        if (req.headers["x-goog-api-key"] !== "sheet-key") return void res.writeHead(403).end("{}");
        if (!match || match[1] !== "1AbCdEfGhIjK") return void res.writeHead(404).end("{}");
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            range: decodeURIComponent(match[2]!),
            majorDimension: "ROWS",
            values: [
              ["Department", "Period", "Amount"],
              ["Sales, EMEA", "2026-04", "-1,200.50"],
              ['R&D "core"', "2026-04", "300"],
            ],
          }),
        );
      })),
  );
  after(() => sheets.server.close());

  it("reads a range as one CSV file, with the key in a header", async () => {
    const source = new SheetsBudgetFileSource(
      { type: "sheets", spreadsheetId: "1AbCdEfGhIjK", range: "Budget!A1:C3", apiKey: "sheet-key" },
      sheets.url,
    );
    const files = await source.list();
    assert.equal(files.length, 1);
    assert.equal(files[0]!.path, "1AbCdEfGhIjK/Budget!A1:C3");
    const csv = (await buffer(await source.download())).toString();
    assert.equal(csv, 'Department,Period,Amount\r\n"Sales, EMEA",2026-04,"-1,200.50"\r\n"R&D ""core""",2026-04,300');
    assert.equal(files[0]!.sizeBytes, Buffer.byteLength(csv));
    assert.ok(sheets.seen.every((r) => !(r.url ?? "").includes("sheet-key")));
  });

  it("turns a refused key into BudgetSourceUnavailableError naming the status", async () => {
    const source = new SheetsBudgetFileSource(
      { type: "sheets", spreadsheetId: "1AbCdEfGhIjK", range: "A1:B2", apiKey: "wrong" },
      sheets.url,
    );
    await assert.rejects(source.list(), /403/);
  });
});

describe("Sheets budget file source as a service account", () => {
  const CLIENT_EMAIL = "budget-poller@acme-fpa.iam.gserviceaccount.com";
  const seeded = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });
  let google: Awaited<ReturnType<typeof fake>>;
  const issued: string[] = [];
  const assertions: { header: Record<string, unknown>; claims: Record<string, unknown> }[] = [];
  /** One clock for the client and the fake's checks of iat/exp. */
  let now = Date.parse("2026-04-01T08:00:00Z");
  const clock = () => now;

  /**
   * The fake verifies each assertion against the public key it was seeded with (as Google
   * does with the account's registered key) and issues a bearer token the values endpoint
   * accepts.
   */
  before(async () => {
    google = await fake((req, url, res) => {
      if (url.pathname === "/token" && req.method === "POST") {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
          const form = new URLSearchParams(body);
          if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer")
            return void res.writeHead(400).end('{"error":"unsupported_grant_type"}');
          jwtVerify(form.get("assertion") ?? "", seeded.publicKey, {
            issuer: CLIENT_EMAIL,
            audience: `${google.url}/token`,
            algorithms: ["RS256"],
            currentDate: new Date(now),
          }).then(
            ({ payload, protectedHeader }) => {
              assertions.push({ header: { ...protectedHeader }, claims: { ...payload } });
              if (payload.scope !== "https://www.googleapis.com/auth/spreadsheets.readonly")
                return void res.writeHead(400).end('{"error":"invalid_scope"}');
              const token = `ya29.fake-${issued.length + 1}`;
              issued.push(token);
              res.writeHead(200, { "content-type": "application/json" });
              res.end(JSON.stringify({ access_token: token, expires_in: 3599, token_type: "Bearer" }));
            },
            () => void res.writeHead(400).end('{"error":"invalid_grant"}'),
          );
        });
        return;
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!bearer || !issued.includes(bearer)) return void res.writeHead(401).end("{}");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          values: [
            ["Department", "Period", "Amount"],
            ["Sales", "2026-04", "100.00"],
          ],
        }),
      );
    });
  });
  after(() => google.server.close());

  const keyJson = (privateKey: KeyObject) =>
    JSON.stringify({
      type: "service_account",
      project_id: "acme-fpa",
      private_key_id: "0123456789abcdef",
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      client_email: CLIENT_EMAIL,
      token_uri: `${google.url}/token`,
    });
  const source = (key: string, tokens: GoogleAccessTokens) =>
    new SheetsBudgetFileSource(
      { type: "sheets", spreadsheetId: "1AbCdEfGhIjK", range: "Budget!A1:C2", serviceAccountKey: key },
      google.url,
      tokens,
    );

  it("signs an RS256 assertion, exchanges it for a token and reads the range with it", async () => {
    const tokens = new GoogleAccessTokens(clock);
    const sheet = source(keyJson(seeded.privateKey), tokens);
    await sheet.list();
    const csv = (await buffer(await sheet.download())).toString();
    assert.equal(csv, "Department,Period,Amount\r\nSales,2026-04,100.00");
    assert.equal(issued.length, 1);
    const [{ header, claims }] = assertions.slice(-1) as [(typeof assertions)[number]];
    assert.deepEqual([header.alg, header.kid], ["RS256", "0123456789abcdef"]);
    assert.equal((claims.exp as number) - (claims.iat as number), 3600);
    // The values request carried the bearer token, never the key.
    const values = google.seen.filter((r) => r.url?.startsWith("/v4/"));
    assert.equal(values.at(-1)!.headers.authorization, `Bearer ${issued[0]}`);
    assert.equal(values.at(-1)!.headers["x-goog-api-key"], undefined);
  });

  it("caches the token across polls until shortly before it expires", async () => {
    const tokens = new GoogleAccessTokens(clock);
    const before = issued.length;
    await source(keyJson(seeded.privateKey), tokens).list();
    now += 50 * 60_000; // 50 minutes: the 3,599 s token is still good for a while
    await source(keyJson(seeded.privateKey), tokens).list();
    assert.equal(issued.length, before + 1, "one exchange for two polls");
    now += 6 * 60_000; // 56 minutes: within five minutes of expiry, so renewed
    await source(keyJson(seeded.privateKey), tokens).list();
    assert.equal(issued.length, before + 2);
  });

  it("turns an assertion signed with another key, or a key that is not one, into BudgetSourceUnavailableError", async () => {
    const tokens = new GoogleAccessTokens(clock);
    await assert.rejects(source(keyJson(stranger.privateKey), tokens).list(), (error: unknown) => {
      assert.ok(error instanceof BudgetSourceUnavailableError);
      assert.match(error.message, /refused service account budget-poller@.*: 400 invalid_grant/);
      return true;
    });
    await assert.rejects(source('{"client_email":"x@y"}', tokens).list(), /has no private_key, token_uri/);
    await assert.rejects(source("not json", tokens).list(), /not JSON/);
  });
});
