import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { apiClient, loginAs, startTestHost, type TestHost } from "../../support/test-host.js";

// The probe cases of issue 16 at the edge of the pipeline, over real sockets: what is read
// before a caller is known, malformed paths, nesting, media types, and bodies past the cap.

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;

before(async () => {
  host = await startTestHost({}, { timers: false });
  call = apiClient(host.url);
  admin = await loginAs(call);
});
after(() => host.stop());

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Whether the server closed the connection after answering. */
  readonly closed: boolean;
}

/** Writes `head` (and `body`, if any) on a raw socket and reads one answer; the socket is left to the server. */
function rawExchange(head: string, body = "", wait = 15_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(host.port, "127.0.0.1");
    let text = "";
    let settled = false;
    const timer = setTimeout(() => finish(new Error(`no answer within ${wait} ms`)), wait);
    const finish = (error?: Error) => {
      if (settled) return;
      const parsed = parse(text);
      if (!error && !parsed) return;
      settled = true;
      clearTimeout(timer);
      if (error && !parsed) reject(error);
      else resolve({ ...parsed!, closed: socket.readableEnded || socket.destroyed });
      socket.destroy();
    };
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
    });
    socket.on("end", () => finish(new Error("closed without an answer")));
    socket.on("error", (error) => finish(error));
    socket.on("close", () => finish(new Error("closed without an answer")));
    socket.write(head + body);
  });
}

/** One complete response in `text`, or undefined while it is still arriving. */
function parse(text: string): Omit<RawResponse, "closed"> | undefined {
  const end = text.indexOf("\r\n\r\n");
  if (end === -1) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines)
    headers[line.slice(0, line.indexOf(":")).toLowerCase()] = line.slice(line.indexOf(":") + 1).trim();
  const body = text.slice(end + 4);
  const length = Number(headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(length) && Buffer.byteLength(body, "latin1") < length) return undefined;
  return { status: Number(statusLine!.split(" ")[1]), headers, body };
}

function assertEveryHeader(headers: Headers | Record<string, string>, what: string) {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headers[name.toLowerCase()]);
  assert.match(get("x-correlation-id") ?? "", /^[0-9a-f-]{36}$/, `${what}: correlation id`);
  assert.equal(get("x-content-type-options"), "nosniff", `${what}: nosniff`);
  assert.equal(get("cache-control"), "no-store", `${what}: no-store`);
}

describe("the request edge", () => {
  it("answers malformed percent-encoding in a path with 400 in the envelope, every header, rate limited", async () => {
    for (const token of [undefined, admin]) {
      const r = await call("GET", "/api/v1/users/%ZZ", token ? { token } : {});
      assert.equal(r.status, 400, `with${token ? "" : "out"} a token`);
      assert.equal(r.body.error.code, "VALIDATION_ERROR");
      assert.deepEqual(r.body.error.details.fields, [
        { field: "userId", message: "is not valid percent-encoding", location: "path" },
      ]);
      assert.equal(r.body.correlation_id, r.headers.get("x-correlation-id"));
      assertEveryHeader(r.headers, "%ZZ");
      assert.ok(r.headers.get("x-ratelimit-limit"), "counted by the rate limiter");
    }
    const logged = host.logs.entries().filter((e) => e.level === "error");
    assert.deepEqual(logged, [], "nothing logged as an error");
  });

  it("refuses a request without a token before reading its body, and counts it against the address", async () => {
    // A declared megabyte that never comes: the answer must not wait for it.
    const r = await rawExchange(
      "POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n",
      "[[[[",
    );
    assert.equal(r.status, 401);
    assert.equal(JSON.parse(r.body).error.code, "UNAUTHORIZED");
    assertEveryHeader(r.headers, "401");
    assert.ok(r.headers["x-ratelimit-limit"], "unauthenticated failures are rate limited");
    assert.equal(r.headers.connection, "close", "the unread body is not drained");

    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await call("GET", "/api/v1/auth/me")).status);
    assert.ok(statuses.slice(0, 19).every((s) => s === 401));
    assert.equal(statuses.at(-1), 429, "failures without a token end in 429");
  });

  it("caps JSON nesting for authenticated callers with a 400 naming the body", async () => {
    const deep = "[".repeat(100) + "]".repeat(100);
    const r = await call("POST", "/api/v1/users", { token: admin, rawBody: deep });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.error.details.fields, [{ field: "body", message: "is nested deeper than 32 levels" }]);
    const brackets = JSON.stringify({ username: "x".repeat(3), password: "[[[[[[[[".repeat(40), roles: ["viewer"] });
    const inString = await call("POST", "/api/v1/users", { token: admin, rawBody: brackets });
    assert.notEqual(inString.body.error?.details?.fields?.[0]?.message, "is nested deeper than 32 levels");
  });

  it("requires application/json for a body: text/plain gets 415", async () => {
    const r = await call("POST", "/api/v1/auth/login", {
      rawBody: JSON.stringify({ username: "admin", password: "local-admin-password" }),
      headers: { "content-type": "text/plain" },
    });
    assert.equal(r.status, 415);
    assert.equal(r.body.error.code, "UNSUPPORTED_MEDIA_TYPE");
    const charset = await call("POST", "/api/v1/auth/login", {
      rawBody: JSON.stringify({ username: "admin", password: "local-admin-password" }),
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    assert.equal(charset.status, 200);
  });

  it("answers a declared length past the cap with 413 at once, without waiting for the body", async () => {
    const r = await rawExchange(
      `POST /api/v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: 99999999\r\n\r\n`,
      '{"username":',
    );
    assert.equal(r.status, 413);
    assert.equal(JSON.parse(r.body).error.code, "PAYLOAD_TOO_LARGE");
    assert.equal(r.headers.connection, "close");
  });

  it("stops reading a streamed body at the cap and answers 413 before the sender is done", async () => {
    const total = 200 * 1024 * 1024;
    const socket: Socket = connect(host.port, "127.0.0.1");
    let answer = "";
    let written = 0;
    let writtenAtAnswer = -1;
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
      if (writtenAtAnswer < 0 && answer.includes("\r\n\r\n")) writtenAtAnswer = written;
    });
    socket.on("error", () => undefined); // the server closing mid-upload is the point
    socket.write(
      `POST /api/v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const framed = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
    while (written < total && writtenAtAnswer < 0 && !socket.destroyed) {
      if (!socket.write(framed)) await new Promise((resolve) => socket.once("drain", resolve).once("close", resolve));
      written += chunk.length;
    }
    for (let i = 0; i < 100 && writtenAtAnswer < 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.ok(writtenAtAnswer >= 0 && writtenAtAnswer < total, `answered after ${writtenAtAnswer} of ${total} bytes`);
  });
});
