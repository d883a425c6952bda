import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buffer } from "node:stream/consumers";
import { after, before, describe, it } from "node:test";
import { S3BudgetFileSource, SheetsBudgetFileSource } from "../../../shared/adapters/budget-sources/index.js";
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
