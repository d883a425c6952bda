import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clientIpOf } from "../../../functions/runtime/run-http.js";

describe("client address from X-Forwarded-For", () => {
  const cases: [string | undefined, string | undefined][] = [
    ["203.0.113.7", "203.0.113.7"],
    ["203.0.113.7:51234", "203.0.113.7"],
    // Earlier entries are whatever the client sent; the last one is the trusted proxy's.
    ["10.0.0.1, 198.51.100.2, 203.0.113.7:443", "203.0.113.7"],
    ["[2001:db8::1]:443", "2001:db8::1"],
    ["2001:db8::1", "2001:db8::1"],
    ["::1", "::1"],
    ["203.0.113.7, , ", "203.0.113.7"],
    ["", undefined],
    [undefined, undefined],
  ];
  for (const [header, expected] of cases) {
    it(`${JSON.stringify(header)} -> ${String(expected)}`, () => {
      assert.equal(clientIpOf(new Headers(header === undefined ? {} : { "x-forwarded-for": header })), expected);
    });
  }
});
