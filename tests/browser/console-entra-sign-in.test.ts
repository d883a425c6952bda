import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { browserSkip, screenshot, useConsole } from "../support/browser.js";

const skip = browserSkip();

describe("console sign-in with Microsoft Entra ID (local simulator)", { skip }, () => {
  const session = useConsole();

  it("signs Ana in through Entra ID, back to the page she asked for, renews her token and signs her out", async () => {
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`${session.host.url}/budgets`);
    await page.getByRole("button", { name: "Sign in with Microsoft" }).waitFor();
    await screenshot(page, "console-sign-in-page");
    await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
    // Entra ID's page (the simulator's): pick the account.
    await page.getByRole("button", { name: "Ana Souza" }).click();
    await page.getByRole("navigation", { name: "Main" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/budgets");
    assert.equal(new URL(page.url()).search, "", "the code does not stay in the address bar");
    assert.match((await page.locator("header").textContent()) ?? "", /ana@contoso\.example \(finance\)/);
    await screenshot(page, "console-entra-signed-in");

    // An access token the API refuses is renewed with Entra ID's refresh token, unseen.
    const entra = session.host.simulators.entra!;
    const refreshesBefore = entra.grants.refresh_token;
    await page.evaluate(() => {
      const tokens = JSON.parse(sessionStorage.getItem("console.tokens")!) as { access_token: string };
      tokens.access_token = "expired.or.revoked";
      sessionStorage.setItem("console.tokens", JSON.stringify(tokens));
    });
    const renewal = page.waitForResponse((r) => r.url().endsWith("/oauth2/v2.0/token"));
    const retried = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/me") && r.status() === 200);
    await page.reload();
    assert.equal((await renewal).status(), 200);
    await retried;
    await page.getByRole("navigation", { name: "Main" }).waitFor();
    assert.equal(entra.grants.refresh_token, refreshesBefore + 1);
    assert.equal(await page.getByRole("alert").count(), 0);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem("console.tokens")), null);
    // No CSP violation or script error on the way (the one 401 above was the point).
    assert.deepEqual(
      errors.filter((e) => !/status of 401/.test(e)),
      [],
    );
  });

  it("says why when a sign-in answer does not belong to this tab", async () => {
    const page = await session.browser.newPage();
    await page.goto(`${session.host.url}/auth/callback?code=stolen&state=forged`);
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? "", /No sign-in was started in this tab/);
  });
});
