import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import type { HttpRequest as AzureRequest } from "@azure/functions";
import { HttpRequest } from "../../../functions/azure-functions.js";
import { apiDocsFunctions } from "../../../functions/platform/api-docs-functions.js";
import { httpFunction, type FunctionDeclaration } from "../../../functions/runtime/declarations.js";
import { toRegistrations } from "../../../functions/runtime/register.js";
import { startTestHost, type TestHost } from "../../support/test-host.js";

// File bodies (an XML invoice, a spreadsheet) through the same pipeline in both hosts: raw
// or multipart, capped by a setting larger than MAX_BODY_BYTES, refused clearly otherwise.

const upload = httpFunction({
  name: "test-upload",
  route: "v1/test/upload/{tag}",
  method: "POST",
  summary: "test only",
  tags: ["test"],
  access: { public: true },
  rateLimited: false,
  params: z.object({ tag: z.string().max(10) }),
  file: { mediaTypes: ["application/xml", "text/xml"], maxBytes: "INVOICES_MAX_UBL_BYTES" },
  response: z.object({
    tag: z.string(),
    size: z.number(),
    hex: z.string(),
    fileName: z.string().nullable(),
    contentType: z.string(),
    fields: z.record(z.string(), z.string()),
  }),
  handler: async ({ params, file }) => ({
    data: {
      tag: params.tag,
      size: file.bytes.length,
      hex: file.bytes.subarray(0, 8).toString("hex"),
      fileName: file.fileName,
      contentType: file.contentType,
      fields: { ...file.fields },
    },
  }),
});
/** The same contract, spooled: the body streams to a temporary file, the handler streams it back. */
const spooled = httpFunction({
  name: "test-upload-spooled",
  route: "v1/test/spooled",
  method: "POST",
  summary: "test only",
  tags: ["test"],
  access: { public: true },
  rateLimited: false,
  file: { mediaTypes: ["application/xml", "text/xml"], maxBytes: "INVOICES_MAX_UBL_BYTES", spool: true },
  response: z.object({
    size: z.number(),
    read: z.number(),
    sha: z.string(),
    fileName: z.string().nullable(),
    contentType: z.string(),
    fields: z.record(z.string(), z.string()),
  }),
  handler: async ({ file }) => {
    const hash = createHash("sha256");
    let read = 0;
    for await (const chunk of file.open()) {
      hash.update(chunk as Buffer);
      read += (chunk as Buffer).length;
    }
    const data = {
      size: file.size,
      read,
      sha: hash.digest("hex"),
      fileName: file.fileName,
      contentType: file.contentType,
      fields: { ...file.fields },
    };
    return { data };
  },
});
const declarations: readonly FunctionDeclaration[] = [upload, spooled, ...apiDocsFunctions(() => declarations)];

/** The cap is 4 KiB, four times MAX_BODY_BYTES: a file body is capped by its own setting. */
const CAP = 4096;
const XML =
  '<?xml version="1.0" encoding="UTF-8"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>';

let host: TestHost;
before(async () => {
  host = await startTestHost(
    { MAX_BODY_BYTES: "1024", INVOICES_MAX_UBL_BYTES: String(CAP) },
    { declarations, timers: false },
  );
});
after(() => host?.stop());

async function post(body: BodyInit, headers: Record<string, string> = {}, path = "/api/v1/test/upload/a") {
  const r = await fetch(host.url + path, { method: "POST", body, headers });
  return { status: r.status, body: await r.json() };
}

function fieldsOf(body: any): { field: string; message: string }[] {
  return body.error.details.fields.map((f: any) => ({ field: f.field, message: f.message }));
}

/** A multipart body written by hand, for parts fetch's FormData cannot produce. */
function multipart(parts: string[], boundary = "b0undary"): { body: string; type: string } {
  return {
    body: parts.map((p) => `--${boundary}\r\n${p}\r\n`).join("") + `--${boundary}--\r\n`,
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

describe("spooled file bodies (streamed to disk, never whole in memory)", () => {
  const path = "/api/v1/test/spooled";
  const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

  it("takes a multipart file part intact whatever the chunking, with its text fields before and after", async () => {
    // Bytes that look like delimiter starts (CR LF dashes) straddle chunk edges.
    const bytes = Buffer.concat(Array.from({ length: 300 }, (_, i) => Buffer.from(`\r\n-${i}\r\n--b0und\r`)));
    const small = bytes.subarray(0, CAP);
    const form = new FormData();
    form.append("note", "from the scanner");
    form.append("file", new Blob([small], { type: "text/xml" }), "..\\scan.xml");
    form.append("after", "é");
    const r = await post(form, {}, path);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.data, {
      size: small.length,
      read: small.length,
      sha: sha(small),
      fileName: "scan.xml",
      contentType: "text/xml",
      fields: { note: "from the scanner", after: "é" },
    });
    // A body streamed in odd-sized pieces (chunked, no Content-Length) gives the same file.
    const { body, type } = multipart([
      `Content-Disposition: form-data; name="file"; filename="a.xml"\r\nContent-Type: text/xml\r\n\r\n${small.toString("latin1")}`,
    ]);
    const whole = Buffer.from(body, "latin1");
    const pieces = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < whole.length; at += 7) controller.enqueue(whole.subarray(at, at + 7));
        controller.close();
      },
    });
    const chunked = await fetch(host.url + path, {
      method: "POST",
      body: pieces,
      headers: { "content-type": type },
      duplex: "half",
    } as RequestInit);
    const answer = await chunked.json();
    assert.equal(chunked.status, 200, JSON.stringify(answer));
    assert.equal(answer.data.sha, sha(small));
  });

  it("takes a raw body with the name from Content-Disposition", async () => {
    const r = await post(
      XML,
      { "content-type": "application/xml", "content-disposition": 'attachment; filename="i.xml"' },
      path,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.read, Buffer.byteLength(XML));
    assert.equal(r.body.data.fileName, "i.xml");
  });

  it("answers 413 naming the setting once a streamed body passes the cap, raw or multipart", async () => {
    const streamed = (parts: Buffer[]) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const p of parts) controller.enqueue(p);
          controller.close();
        },
      });
    const raw = await fetch(host.url + path, {
      method: "POST",
      body: streamed([Buffer.alloc(CAP, 0x78), Buffer.from("x")]),
      headers: { "content-type": "application/xml" },
      duplex: "half",
    } as RequestInit);
    const body = await raw.json();
    assert.equal(raw.status, 413);
    assert.equal(body.error.details.setting, "INVOICES_MAX_UBL_BYTES");
    assert.equal(body.error.details.limit_bytes, CAP);
    assert.match(body.error.message, /INVOICES_MAX_UBL_BYTES/);
    const form = new FormData();
    form.append("file", new Blob(["x".repeat(CAP + 1)], { type: "text/xml" }), "big.xml");
    assert.equal((await post(form, {}, path)).status, 413);
    assert.equal((await post("x".repeat(CAP), { "content-type": "application/xml" }, path)).status, 200);
  });

  it("answers the same 400s and 415s as a buffered file body", async () => {
    assert.equal((await post('{"a":1}', { "content-type": "application/json" }, path)).status, 415);
    const pdf = new FormData();
    pdf.append("file", new Blob(["%PDF-1.7"], { type: "application/pdf" }), "invoice.pdf");
    assert.equal((await post(pdf, {}, path)).status, 415);
    const empty = await post("", { "content-type": "application/xml" }, path);
    assert.deepEqual(fieldsOf(empty.body), [{ field: "file", message: "is required" }]);
    const none = new FormData();
    none.append("document", "no file here");
    assert.deepEqual(fieldsOf((await post(none, {}, path)).body), [{ field: "file", message: "is required" }]);
    const garbage = await post("not a multipart body", { "content-type": "multipart/form-data; boundary=x" }, path);
    assert.deepEqual(fieldsOf(garbage.body), [{ field: "body", message: "is not valid multipart/form-data" }]);
    const textPart = multipart([`Content-Disposition: form-data; name="file"\r\n\r\n${XML}`]);
    assert.deepEqual(fieldsOf((await post(textPart.body, { "content-type": textPart.type }, path)).body), [
      { field: "file", message: "must be sent as a file (a part with a filename)" },
    ]);
    const twice = multipart([
      'Content-Disposition: form-data; name="file"; filename="a.xml"\r\nContent-Type: text/xml\r\n\r\n<a/>',
      'Content-Disposition: form-data; name="file"; filename="b.xml"\r\nContent-Type: text/xml\r\n\r\n<b/>',
    ]);
    assert.deepEqual(fieldsOf((await post(twice.body, { "content-type": twice.type }, path)).body), [
      { field: "file", message: "must be sent once" },
    ]);
  });
});

describe("file bodies on the local host", () => {
  it("takes a raw XML body with its charset and the name from Content-Disposition", async () => {
    const r = await post(XML, {
      "content-type": "Text/XML; charset=utf-8",
      "content-disposition": 'attachment; filename="..\\\\dir\\\\invoice 1.xml"',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.size, Buffer.byteLength(XML));
    assert.equal(r.body.data.fileName, "invoice 1.xml");
    assert.equal(r.body.data.contentType, "Text/XML; charset=utf-8");
    assert.deepEqual(r.body.data.fields, {});

    const unnamed = await post(XML, { "content-type": "application/xml" });
    assert.equal(unnamed.status, 200);
    assert.equal(unnamed.body.data.fileName, null);
  });

  it("takes a file part of multipart/form-data, bytes intact, with its name and text fields", async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xff, 0x00]), Buffer.alloc(2000, 0x41)]);
    const form = new FormData();
    form.append("note", "from the scanner");
    form.append("file", new Blob([bytes], { type: "application/octet-stream" }), "scan.xml");
    const r = await post(form);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.size, bytes.length);
    assert.equal(r.body.data.hex, bytes.subarray(0, 8).toString("hex"));
    assert.equal(r.body.data.fileName, "scan.xml");
    assert.equal(r.body.data.contentType, "application/octet-stream");
    assert.deepEqual(r.body.data.fields, { note: "from the scanner" });
  });

  it("answers 413 past the file cap, for a raw body and for a multipart part", async () => {
    const raw = await post("x".repeat(CAP + 1), { "content-type": "application/xml" });
    assert.equal(raw.status, 413);
    assert.equal(raw.body.error.code, "PAYLOAD_TOO_LARGE");
    assert.equal(raw.body.error.details.limit_bytes, CAP);
    const form = new FormData();
    form.append("file", new Blob(["x".repeat(CAP + 1)], { type: "text/xml" }), "big.xml");
    assert.equal((await post(form)).status, 413);
    // Exactly the cap is fine.
    assert.equal((await post("x".repeat(CAP), { "content-type": "application/xml" })).status, 200);
  });

  it("answers 413 on a declared Content-Length past the cap without reading the body", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(host.port, "127.0.0.1");
      let text = "";
      socket.on("data", (chunk: Buffer) => {
        text += chunk.toString("latin1");
        if (text.includes("\r\n\r\n")) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on("error", reject);
      // Not a byte of the promised 100 MB is sent: only an answer before reading can arrive.
      socket.write(
        "POST /api/v1/test/upload/a HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\nContent-Length: 100000000\r\n\r\n",
      );
    });
    assert.match(answer, /^HTTP\/1\.1 413 /);
  });

  it("answers 415 naming the accepted types for any other media type", async () => {
    const json = await post('{"a":1}', { "content-type": "application/json" });
    assert.equal(json.status, 415);
    assert.equal(json.body.error.code, "UNSUPPORTED_MEDIA_TYPE");
    assert.equal(json.body.error.details.expected, "application/xml, text/xml, multipart/form-data");
    const form = new FormData();
    form.append("file", new Blob(["%PDF-1.7"], { type: "application/pdf" }), "invoice.pdf");
    assert.equal((await post(form)).status, 415);
  });

  it("answers 400 `file: is required` for an empty body or a form without the part", async () => {
    const empty = await post("", { "content-type": "application/xml" });
    assert.equal(empty.status, 400);
    assert.deepEqual(fieldsOf(empty.body), [{ field: "file", message: "is required" }]);
    const form = new FormData();
    form.append("document", "no file here");
    const missing = await post(form);
    assert.equal(missing.status, 400);
    assert.deepEqual(fieldsOf(missing.body), [{ field: "file", message: "is required" }]);
  });

  it("answers 400, never 500, for a malformed or odd multipart body", async () => {
    const garbage = await post("not a multipart body", { "content-type": "multipart/form-data; boundary=x" });
    assert.equal(garbage.status, 400);
    assert.deepEqual(fieldsOf(garbage.body), [{ field: "body", message: "is not valid multipart/form-data" }]);
    const noBoundary = await post("--x\r\n\r\n--x--", { "content-type": "multipart/form-data" });
    assert.equal(noBoundary.status, 400);

    const textPart = multipart([`Content-Disposition: form-data; name="file"\r\n\r\n${XML}`]);
    const asText = await post(textPart.body, { "content-type": textPart.type });
    assert.equal(asText.status, 400);
    assert.deepEqual(fieldsOf(asText.body), [
      { field: "file", message: "must be sent as a file (a part with a filename)" },
    ]);

    const twice = multipart([
      'Content-Disposition: form-data; name="file"; filename="a.xml"\r\nContent-Type: text/xml\r\n\r\n<a/>',
      'Content-Disposition: form-data; name="file"; filename="b.xml"\r\nContent-Type: text/xml\r\n\r\n<b/>',
    ]);
    assert.deepEqual(fieldsOf((await post(twice.body, { "content-type": twice.type })).body), [
      { field: "file", message: "must be sent once" },
    ]);
  });

  it("still validates path parameters next to the file", async () => {
    const r = await post(XML, { "content-type": "application/xml" }, "/api/v1/test/upload/far-too-long-a-tag");
    assert.equal(r.status, 400);
    assert.equal(fieldsOf(r.body)[0]!.field, "tag");
  });

  it("documents the file body in the OpenAPI document", async () => {
    const document = await (await fetch(`${host.url}/api/openapi.json`)).json();
    const operation = document.paths["/api/v1/test/upload/{tag}"].post;
    const content = operation.requestBody.content;
    assert.deepEqual(Object.keys(content).sort(), ["application/xml", "multipart/form-data", "text/xml"]);
    assert.deepEqual(content["text/xml"].schema, { type: "string", format: "binary" });
    assert.deepEqual(content["multipart/form-data"].schema.properties.file, { type: "string", format: "binary" });
    assert.deepEqual(content["multipart/form-data"].schema.required, ["file"]);
    assert.match(operation.requestBody.description, /INVOICES_MAX_UBL_BYTES/);
    assert.ok(operation.responses["413"] && operation.responses["415"] && operation.responses["400"]);
  });
});

describe("file bodies through the Azure Functions handler", () => {
  function azureHandler(declaration: FunctionDeclaration = upload) {
    const [registration] = toRegistrations([declaration], host.platform.settings, async () => host.platform);
    assert.equal(registration!.kind, "http");
    return (request: AzureRequest) =>
      (registration as Extract<typeof registration, { kind: "http" }>).options.handler(request, {} as never);
  }

  function azureRequest(body: Buffer | string, contentType: string): AzureRequest {
    return new HttpRequest({
      method: "POST",
      url: `${host.url}/api/v1/test/upload/az`,
      params: { tag: "az" },
      headers: { "content-type": contentType },
      body: { bytes: typeof body === "string" ? Buffer.from(body) : body },
    });
  }

  it("reads raw and multipart bodies from request.arrayBuffer() the same way", async () => {
    const handle = azureHandler();
    const raw = await handle(azureRequest(XML, "application/xml"));
    assert.equal(raw.status, 200, String(raw.body));
    assert.equal(JSON.parse(String(raw.body)).data.size, Buffer.byteLength(XML));

    const form = multipart([
      `Content-Disposition: form-data; name="file"; filename="az.xml"\r\nContent-Type: text/xml\r\n\r\n${XML}`,
    ]);
    const viaForm = await handle(azureRequest(form.body, form.type));
    assert.equal(viaForm.status, 200, String(viaForm.body));
    assert.equal(JSON.parse(String(viaForm.body)).data.fileName, "az.xml");

    assert.equal((await handle(azureRequest("x".repeat(CAP + 1), "text/xml"))).status, 413);
    assert.equal((await handle(azureRequest("junk", "multipart/form-data; boundary=q"))).status, 400);
  });

  it("spools a file from the Functions HttpRequest's body stream, the cap counted as it is read", async () => {
    const handle = azureHandler(spooled);
    const form = multipart([
      `Content-Disposition: form-data; name="file"; filename="az.xml"\r\nContent-Type: text/xml\r\n\r\n${XML}`,
    ]);
    const viaForm = await handle(azureRequest(form.body, form.type));
    assert.equal(viaForm.status, 200, String(viaForm.body));
    const data = JSON.parse(String(viaForm.body)).data;
    assert.equal(data.read, Buffer.byteLength(XML));
    assert.equal(data.fileName, "az.xml");
    const big = await handle(azureRequest("x".repeat(CAP + 1), "text/xml"));
    assert.equal(big.status, 413);
    assert.equal(JSON.parse(String(big.body)).error.details.setting, "INVOICES_MAX_UBL_BYTES");
  });

  it("refuses a declaration with both a JSON body and a file body", () => {
    const both = { ...upload, body: z.object({}) };
    assert.throws(
      () => toRegistrations([both], host.platform.settings, async () => host.platform),
      /both a JSON body and a file body/,
    );
  });
});
