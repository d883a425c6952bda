import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { browserSkip, screenshot, useConsole } from "../support/browser.js";
import { apiClient, loginAs } from "../support/test-host.js";

describe("console budgets", { skip: browserSkip() }, () => {
  const session = useConsole({ ENABLED_SYSTEMS: "identity,budgets" }, { timers: false }, async (host) => {
    const call = apiClient(host.url);
    const admin = await loginAs(call);
    const created = await call("POST", "/api/v1/customers", {
      token: admin,
      body: { customerId: "acme", name: "Acme NV" },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await host.platform.budgets.addLine({
      customerId: "acme",
      department: "Marketing",
      subCategory: "Events",
      fiscalPeriod: "FY2025",
      currency: "EUR",
      budgetedMinor: 1_234_567n,
    });
  });

  it("lists budget lines with their amount and a utilization bar", async () => {
    const page = await session.open({ width: 1280, height: 800, nav: "Budgets" });
    const table = page.getByRole("table", { name: "Budget lines and their utilization" });
    await table.waitFor();
    const row = table.getByRole("row", { name: /Marketing/ });
    assert.match((await row.textContent()) ?? "", /12345\.67|12,345\.67/);
    assert.equal(await row.getByRole("meter").count(), 1);
    await screenshot(page, "console-budgets-1280");
  });

  it("answers a budget check with availability and the reason", async () => {
    const page = await session.open({ width: 820, height: 900, nav: "Budget check" });
    await page.getByLabel("Customer id").fill("acme");
    await page.getByLabel("Department", { exact: true }).fill("Marketing");
    await page.getByLabel("Sub-category (optional)").fill("Events");
    await page.getByLabel("Fiscal period").fill("FY2025");
    await page.getByLabel("Amount").fill("100.00");
    await page.getByRole("button", { name: "Check" }).click();
    const answer = page.getByRole("status");
    await answer.waitFor();
    assert.match((await answer.textContent()) ?? "", /Budget available/);
    await screenshot(page, "console-budget-check-820");
  });

  it("shows a customer's import history, and another customer's as not found", async () => {
    const page = await session.open({ width: 1280, height: 800, nav: "Import history" });
    await page.getByLabel("Customer id").fill("acme");
    await page.getByRole("button", { name: "Show imports" }).click();
    await page.getByRole("status").filter({ hasText: "No imports yet" }).waitFor();
    await page.getByLabel("Customer id").fill("nobody");
    await page.getByRole("button", { name: "Show imports" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? "", /Error 404/);
    await screenshot(page, "console-import-history-1280");
  });
});
