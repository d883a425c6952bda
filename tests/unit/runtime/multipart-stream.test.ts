import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  boundaryOf,
  MalformedMultipart,
  readMultipart,
  type PartHead,
} from "../../../functions/runtime/multipart-stream.js";

/** Reads `body` cut into pieces of `size` bytes; each part's head and content. */
async function partsOf(body: Buffer, boundary: string, size: number) {
  const parts: { head: PartHead; content: Buffer }[] = [];
  async function* pieces() {
    for (let at = 0; at < body.length; at += size) yield body.subarray(at, at + size);
  }
  await readMultipart(pieces(), boundary, (head) => {
    const chunks: Buffer[] = [];
    return {
      write: (chunk) => void chunks.push(Buffer.from(chunk)),
      end: () => void parts.push({ head, content: Buffer.concat(chunks) }),
    };
  });
  return parts;
}

describe("the streaming multipart reader", () => {
  const boundary = "----b0und";
  // Content that holds delimiter look-alikes (never the delimiter itself, as RFC 2046 requires):
  // CR LF and dashes, the boundary cut short, the boundary after a lone CR.
  const content = Buffer.from(`a\r\n--${boundary.slice(0, -1)}x\r\n-\r\n--\r${boundary}\r\n-`, "latin1");
  const body = Buffer.concat([
    Buffer.from(`preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n`),
    Buffer.from(`--${boundary}  \r\nContent-Disposition: form-data; name="file"; filename="C:\\x\\a.csv"\r\n`),
    Buffer.from(`Content-Type: text/csv\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\nepilogue`),
  ]);

  it("gives every part intact whatever the chunk size", async () => {
    for (let size = 1; size <= body.length; size++) {
      const parts = await partsOf(body, boundary, size);
      assert.equal(parts.length, 2, `chunks of ${size}`);
      assert.deepEqual(parts[0]!.head, { name: "note", fileName: undefined, contentType: "text/plain" });
      assert.equal(parts[0]!.content.toString(), "hi");
      assert.deepEqual(parts[1]!.head, { name: "file", fileName: "C:\\x\\a.csv", contentType: "text/csv" });
      assert.ok(parts[1]!.content.equals(content), `chunks of ${size}`);
    }
  });

  it("refuses a body cut before its closing delimiter, or a part without a name", async () => {
    await assert.rejects(partsOf(body.subarray(0, body.length - 20), boundary, 64), MalformedMultipart);
    const nameless = Buffer.from(`--${boundary}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${boundary}--`);
    await assert.rejects(partsOf(nameless, boundary, 64), MalformedMultipart);
  });

  it("reads the boundary parameter, quoted or bare", () => {
    assert.equal(boundaryOf("multipart/form-data; boundary=abc"), "abc");
    assert.equal(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b"'), "a b");
    assert.equal(boundaryOf("multipart/form-data"), undefined);
  });
});
