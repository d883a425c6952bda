import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { browserSkip, screenshot, useConsole } from "../support/browser.js";

describe("console invoice jobs", { skip: browserSkip() }, () => {
  // The local host starts the invoice source (8 invoices) and Clearfacts simulators itself.
  const session = useConsole(
    { ENABLED_SYSTEMS: "identity,invoices", INVOICE_SOURCE_SIMULATOR_INVOICES: "8" },
    { queuePollMs: 50, timers: false },
  );

  it("starts a manual run, watches it finish and lists each invoice's outcome", async () => {
    const page = await session.open({ width: 1280, height: 900, nav: "Invoice jobs" });
    await page.getByRole("button", { name: "Start a manual run" }).click();
    const job = page.getByRole("region", { name: "Selected job" });
    await job.getByRole("heading", { name: /: completed$/ }).waitFor({ timeout: 30_000 });
    const summary = /(\d+) invoices: (\d+) sent, (\d+) failed, (\d+) duplicates/.exec((await job.textContent()) ?? "");
    assert.ok(summary, "the job's results are shown");
    const [total, sent, failed, duplicates] = summary.slice(1).map(Number);
    assert.equal(total, 8);
    assert.equal(sent! + failed! + duplicates!, 8);
    const rows = job.getByRole("table", { name: "Invoices of the job" }).getByRole("row");
    assert.equal(await rows.count(), 9, "a header and one row per invoice");
    assert.equal(await job.getByRole("cell", { name: "sent", exact: true }).count(), sent);
    // The simulator's invalid invoice: its finding in plain language, with the rule.
    const invalid = job.getByRole("row", { name: /VALIDATION_FAILED/ });
    assert.match((await invalid.textContent()) ?? "", /BR-CO-15.*must equal/);
    // The shared DataTable, as on the other list pages: captioned with its order, amounts right-aligned.
    const recent = page.getByRole("table", { name: "Recent jobs, newest first", exact: true });
    assert.equal(await recent.getByRole("row").count(), 2);
    assert.equal(await job.locator("td.num").count(), 8, "one right-aligned amount per invoice");
    assert.equal(
      session.host.simulators.clearfacts!.uploads.length,
      sent,
      "Clearfacts received each sent invoice once",
    );
    await screenshot(page, "console-invoice-jobs-1280");
  });
});
