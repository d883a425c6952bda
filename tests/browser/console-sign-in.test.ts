import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { browserSkip, screenshot, signIn, useConsole } from "../support/browser.js";

const skip = browserSkip();

describe("console sign-in", { skip }, () => {
  const session = useConsole();

  it("signs in as the local admin, shows the nav, and signs out", async () => {
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await signIn(page, session.host.url);
    const nav = page.getByRole("navigation", { name: "Main" });
    assert.ok(await nav.getByRole("link", { name: "Home" }).isVisible());
    assert.match((await page.locator("header").textContent()) ?? "", /admin/);
    await screenshot(page, "console-signed-in-1280");
    await page.setViewportSize({ width: 820, height: 900 });
    await screenshot(page, "console-signed-in-820");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    // No CSP violation or script error on the way.
    assert.deepEqual(errors, []);
  });

  it("shows the API's message and correlation id for a wrong password", async () => {
    const page = await session.browser.newPage();
    await page.goto(`${session.host.url}/`);
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? "", /Error 401/);
    assert.match((await alert.textContent()) ?? "", /Correlation id: \S+/);
  });

  it("serves hashed assets as immutable and index.html for deep links, with the CSP", async () => {
    const index = await fetch(`${session.host.url}/budgets/some/deep/link`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get("cache-control"), "no-cache");
    assert.match(index.headers.get("content-security-policy") ?? "", /script-src 'self'; style-src 'self'/);
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset, html);
    const js = await fetch(`${session.host.url}${asset}`);
    assert.equal(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal((await fetch(`${session.host.url}/assets/missing-123.js`)).status, 404);
    assert.equal((await fetch(`${session.host.url}/api/v1/nothing-here`)).status, 404);
  });
});
