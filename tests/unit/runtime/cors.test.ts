import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allowedOrigins } from "../../../functions/runtime/cors.js";
import { ConfigurationError, loadSettings } from "../../../shared/index.js";

describe("CORS_ALLOWED_ORIGINS", () => {
  it("defaults to the local host's own origin on a laptop, and to none in Azure", () => {
    const local = loadSettings({ PORT: "7075" });
    assert.deepEqual([...allowedOrigins(local)], ["http://localhost:7075", "http://127.0.0.1:7075"]);
    assert.deepEqual([...allowedOrigins({ ...local, runningInAzure: true })], []);
  });

  it("takes exact origins, comma-separated", () => {
    const settings = loadSettings({ CORS_ALLOWED_ORIGINS: " https://a.example.com ,http://localhost:5173" });
    assert.deepEqual([...allowedOrigins(settings)], ["https://a.example.com", "http://localhost:5173"]);
  });

  it("refuses * and anything that is not an origin, naming it", () => {
    for (const [value, says] of [
      ["*", /`\*` is not allowed/],
      ["https://a.example.com/", /did you mean https:\/\/a\.example\.com\?/],
      ["https://a.example.com/app", /is not an origin/],
      ["a.example.com", /is not an origin/],
    ] as const) {
      assert.throws(
        () => loadSettings({ CORS_ALLOWED_ORIGINS: value }),
        (error: unknown) => error instanceof ConfigurationError && says.test(error.message),
        value,
      );
    }
  });
});
