import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { CONSOLE_CSP } from "../../../local/console-files.js";

const root = new URL("../../../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

describe("the console in Azure (Static Web Apps) answers as the local host does", () => {
  const config = JSON.parse(read("web/public/staticwebapp.config.json")) as {
    navigationFallback: { rewrite: string; exclude: string[] };
    globalHeaders: Record<string, string>;
    routes: { route: string; headers: Record<string, string> }[];
  };

  it("sends the same Content-Security-Policy", () => {
    assert.equal(config.globalHeaders["Content-Security-Policy"], CONSOLE_CSP);
  });

  it("caches hashed assets for good, never index.html, and sends deep links (not /api) to the app", () => {
    const headers = (route: string) => config.routes.find((r) => r.route === route)?.headers["Cache-Control"];
    assert.equal(headers("/assets/*"), "public, max-age=31536000, immutable");
    assert.equal(headers("/index.html"), "no-cache");
    assert.equal(config.navigationFallback.rewrite, "/index.html");
    assert.ok(config.navigationFallback.exclude.includes("/api/*"));
  });

  it("links the Function App as the backend, so the API is on the console's origin", () => {
    const bicep = read("infra/bicep/app/console.bicep");
    assert.match(bicep, /Microsoft\.Web\/staticSites\/linkedBackends@/);
    assert.match(bicep, /name: 'Standard'/, "linked backends need the Standard plan");
    assert.match(read("infra/bicep/main.bicep"), /functionAppResourceId: api\.outputs\.resourceId/);
  });
});
