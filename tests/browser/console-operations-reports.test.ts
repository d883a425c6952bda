import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { browserSkip, screenshot, useConsole } from "../support/browser.js";

describe("console reports and backups", { skip: browserSkip() }, () => {
  const session = useConsole(
    {
      ENABLED_SYSTEMS: "identity,gateway,reports,backups",
      SAP_SIMULATOR_PROJECTS: "10",
      SAP_HEALTH_PROBE_INTERVAL_SECONDS: "60",
    },
    { queuePollMs: 50, timers: false },
  );

  it("requests an Excel report, watches it finish and downloads it", async () => {
    const page = await session.open({ width: 1280, height: 900, nav: "Reports" });
    // A project id the API refuses: its field message and the correlation id are shown.
    await page.getByLabel("Project ids (comma-separated)").fill("PRJ/1");
    await page.getByRole("button", { name: "Request the report" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? "", /Error 400: .*projectIds\.0.*Correlation id: \S+/);
    await page.getByLabel("Project ids (comma-separated)").fill("PRJ-000001, PRJ-000002, PRJ-999999");
    await page.getByLabel("Report", { exact: true }).selectOption("project_status");
    await page.getByLabel("Format").selectOption("excel");
    await page.getByRole("button", { name: "Request the report" }).click();
    const report = page.getByRole("region", { name: "Requested report" });
    await report.getByRole("heading", { name: "Project status report: COMPLETED" }).waitFor({ timeout: 30_000 });
    assert.match((await report.textContent()) ?? "", /2 projects in the report/);
    assert.equal(await page.getByRole("alert").count(), 0, "the error is cleared by the new request");
    assert.equal(
      await report.getByRole("list", { name: "Report warnings" }).textContent(),
      "Project PRJ-999999: not found in SAP",
    );
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      report.getByRole("button", { name: /^Download the Project status report/ }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    assert.ok((await download.createReadStream()) !== null);
    const listed = page.getByRole("table", { name: "Your reports, newest first" }).getByRole("row");
    assert.equal(await listed.count(), 2, "a header and the new report");
    assert.match((await listed.nth(1).textContent()) ?? "", /COMPLETED/);
    await screenshot(page, "console-reports-1280");
    await page.close();
  });

  it("starts a manual backup, sees it complete in the list and verifies it", async () => {
    const page = await session.open({ width: 820, height: 1000, nav: "Backups" });
    await page.getByRole("table", { name: "Backups, newest first" }).waitFor();
    await page.getByRole("button", { name: "Start a manual backup" }).click();
    const started = page.getByRole("region", { name: "Started backup" });
    await started.getByRole("heading", { name: /: COMPLETED$/ }).waitFor({ timeout: 30_000 });
    assert.match((await started.textContent()) ?? "", /10 projects, \d+ records/);
    const rows = page.getByRole("table", { name: "Backups, newest first" }).getByRole("row");
    await rows.nth(1).getByRole("cell", { name: "COMPLETED", exact: true }).waitFor();
    assert.match((await rows.nth(1).textContent()) ?? "", /manual/);
    await rows
      .nth(1)
      .getByRole("button", { name: /^Verify the backup/ })
      .click();
    await rows
      .nth(1)
      .getByText(/^PASSED /)
      .waitFor();
    await screenshot(page, "console-backups-820");
    await page.close();
  });
});
