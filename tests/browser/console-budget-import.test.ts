import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { browserSkip, screenshot, useConsole } from "../support/browser.js";
import { apiClient, loginAs } from "../support/test-host.js";

/** A messy export: Dutch and abbreviated headers, a thousands separator, a column no field fits. */
function messyBudget(marketingAmount: string): Buffer {
  return Buffer.from(
    [
      "Afdeling;Omschrijving;Periode;Bedrag;Valuta;CC-Code;Opmerking",
      `Marketing;Events;FY2026;${marketingAmount};EUR;CC-10;q1 push`,
      "Finance;Audit fees;FY2026;48.000,00;EUR;CC-20;",
      "Engineering;Cloud hosting;FY2026;120.500,50;EUR;CC-30;reserved instances",
    ].join("\n"),
  );
}

async function analyze(page: Page, bytes: Buffer, customerId = "globex") {
  await page.getByLabel("Customer id").fill(customerId);
  await page
    .getByLabel("Budget file (CSV or XLSX)")
    .setInputFiles({ name: "budget-2026.csv", mimeType: "text/csv", buffer: bytes });
  await page.getByRole("button", { name: "Analyze" }).click();
  await page.getByRole("status", { name: "Detected file type" }).waitFor();
}

describe("console budget import mapper", { skip: browserSkip() }, () => {
  const session = useConsole(
    { ENABLED_SYSTEMS: "identity,budgets" },
    { timers: false, queuePollMs: 50 },
    async (host) => {
      const call = apiClient(host.url);
      const admin = await loginAs(call);
      const created = await call("POST", "/api/v1/customers", {
        token: admin,
        body: { customerId: "globex", name: "Globex" },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const other = await call("POST", "/api/v1/customers", {
        token: admin,
        body: { customerId: "initech", name: "Initech" },
      });
      assert.equal(other.status, 201, JSON.stringify(other.body));
    },
  );

  it("maps a messy file (one mapping changed by hand), imports it, then approves a re-import's diff", async () => {
    const page = await session.open({ width: 1280, height: 900, nav: "Import a file" });
    await analyze(page, messyBudget("15.000,00"));
    assert.match((await page.getByRole("status", { name: "Detected file type" }).textContent()) ?? "", /budget/);
    const mappings = page.getByRole("table", { name: "Column mappings" });
    assert.equal(await page.getByLabel("Target for Afdeling").inputValue(), "department");
    assert.equal(await page.getByLabel("Target for Bedrag").inputValue(), "budgetedAmount");
    assert.match((await mappings.getByRole("row", { name: /Bedrag/ }).textContent()) ?? "", /\d+%/);
    // The reviewer decides what CC-Code holds.
    await page.getByLabel("Target for CC-Code").selectOption("costCenter");
    await page.getByLabel("Target for Opmerking").selectOption("");
    assert.equal(await page.getByRole("table", { name: "Preview rows" }).getByRole("row").count(), 4);
    await screenshot(page, "console-budget-mapper-1280");
    await page.getByRole("button", { name: "Import" }).click();
    await page.getByRole("heading", { name: "Import completed" }).waitFor();

    const lines = await session.host.platform.database.db
      .selectFrom("budgets")
      .select(["department", "cost_center", "budgeted_minor"])
      .where("customer_id", "=", "globex")
      .where("removed_at", "is", null)
      .orderBy("department")
      .execute();
    assert.deepEqual(
      lines.map((l) => [l.department, l.cost_center, String(l.budgeted_minor)]),
      [
        ["Engineering", "CC-30", "12050050"],
        ["Finance", "CC-20", "4800000"],
        ["Marketing", "CC-10", "1500000"],
      ],
    );

    // The same customer's next file changes one line: its diff waits for approval.
    await analyze(page, messyBudget("18.250,00"));
    await page.getByLabel("Target for CC-Code").selectOption("costCenter");
    await page.getByRole("button", { name: "Import" }).click();
    const changes = page.getByRole("region", { name: "Changes against the current budget" });
    await changes.waitFor();
    assert.match((await changes.textContent()) ?? "", /0 added, 1 changed, 0 removed, 2 unchanged/);
    assert.match(
      (await changes.getByRole("table", { name: "Changed lines" }).textContent()) ?? "",
      /15000\.00 EUR.*18250\.00 EUR/,
    );
    await screenshot(page, "console-budget-diff-1280");
    await page.getByRole("button", { name: "Commit these changes" }).click();
    await page.getByRole("heading", { name: "Import completed" }).waitFor();
    const marketing = await session.host.platform.database.db
      .selectFrom("budgets")
      .select("budgeted_minor")
      .where("customer_id", "=", "globex")
      .where("department", "=", "Marketing")
      .where("removed_at", "is", null)
      .executeTakeFirstOrThrow();
    assert.equal(String(marketing.budgeted_minor), "1825000");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Import history" }).click();
    await page.getByLabel("Customer id").fill("globex");
    await page.getByRole("button", { name: "Show imports" }).click();
    await page.getByRole("cell", { name: "budget-2026.csv" }).first().waitFor();
    await screenshot(page, "console-import-history-after-1280");
  });

  it("pages a long list of row errors in the shared table, like the other lists", async () => {
    const page = await session.open({ width: 1280, height: 900, nav: "Import a file" });
    const lines = ["Afdeling;Omschrijving;Periode;Bedrag;Valuta", "Sales;Travel;FY2026;1.000,00;EUR"];
    for (let i = 1; i <= 25; i++) lines.push(`Sales;Line ${i};FY2026;not-an-amount-${i};EUR`);
    await analyze(page, Buffer.from(lines.join("\n")), "initech");
    await page.getByRole("button", { name: "Import" }).click();
    const errors = page.getByRole("table", { name: "Row errors, in file order" });
    await errors.waitFor();
    // 20 a page (DataTable's default), the rest on the next, in file order.
    assert.equal(await errors.getByRole("row").count(), 21);
    assert.match((await errors.getByRole("row").nth(1).textContent()) ?? "", /not-an-amount-1\b/);
    const pager = page.getByRole("navigation", { name: "Row errors, in file order pages" });
    assert.match((await pager.textContent()) ?? "", /Page 1 of 2/);
    await pager.getByRole("button", { name: "Next" }).click();
    assert.equal(await errors.getByRole("row").count(), 6);
    assert.match((await errors.textContent()) ?? "", /not-an-amount-25/);
    await screenshot(page, "console-budget-row-errors-1280");
    await page.close();
  });
});
