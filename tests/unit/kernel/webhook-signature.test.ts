import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { signWebhook, verifyWebhook } from "../../../shared/kernel/webhook-signature.js";

const SECRET = "whsec-test-secret";
const BODY = JSON.stringify({ event: "budget.import.completed", customerId: "acme", totalRows: 3 });
const T = 1_764_800_000;

describe("webhook signatures (t=…,v1=… over `t.body`)", () => {
  it("signs the timestamp and the body with HMAC-SHA256, as a receiver recomputes it", () => {
    const header = signWebhook(SECRET, BODY, T);
    const expected = createHmac("sha256", SECRET).update(`${T}.${BODY}`).digest("hex");
    assert.equal(header, `t=${T},v1=${expected}`);
    assert.deepEqual(verifyWebhook(SECRET, BODY, header, T + 10), { valid: true, timestamp: T });
  });

  it("refuses a changed body, another secret, a moved timestamp and an old signature", () => {
    const header = signWebhook(SECRET, BODY, T);
    assert.equal(verifyWebhook(SECRET, BODY.replace("3", "4"), header, T).valid, false);
    assert.equal(verifyWebhook("another-secret", BODY, header, T).valid, false);
    assert.equal(verifyWebhook(SECRET, BODY, header.replace(`t=${T}`, `t=${T + 1}`), T).valid, false);
    const old = verifyWebhook(SECRET, BODY, header, T + 301);
    assert.equal(old.valid, false);
    assert.match((old as { reason: string }).reason, /300s/);
  });

  it("refuses a missing or malformed header, naming what is wrong", () => {
    assert.deepEqual(verifyWebhook(SECRET, BODY, undefined, T), { valid: false, reason: "no signature header" });
    assert.match((verifyWebhook(SECRET, BODY, "v1=abc", T) as { reason: string }).reason, /no timestamp/);
    assert.match((verifyWebhook(SECRET, BODY, `t=${T}`, T) as { reason: string }).reason, /no v1 signature/);
  });

  it("accepts any of several v1 signatures (a secret being rotated)", () => {
    const fresh = signWebhook(SECRET, BODY, T).split(",")[1];
    const stale = signWebhook("old-secret", BODY, T).split(",")[1];
    assert.equal(verifyWebhook(SECRET, BODY, `t=${T},${stale},${fresh}`, T).valid, true);
  });
});
