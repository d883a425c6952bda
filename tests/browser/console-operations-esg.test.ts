import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { browserSkip, screenshot, useConsole } from "../support/browser.js";

describe("console ESG runs", { skip: browserSkip() }, () => {
  // A small, quick account list; the simulators' failure rates stay at their defaults.
  const session = useConsole(
    {
      ENABLED_SYSTEMS: "identity,esg",
      ESG_SIMULATOR_ACCOUNTS: "30",
      ESG_SIMULATOR_LATENCY_MS: "1",
      ESG_SIMULATOR_RATE_LIMIT_PER_SECOND: "2000",
      ESG_API_RATE_LIMIT_PER_SECOND: "2000",
      ESG_SIMULATOR_PAGE_ERROR_RATE: "0",
    },
    { queuePollMs: 20, timers: false },
  );

  it("starts the day's run, lists it with its counts once finished and downloads its file", async () => {
    const page = await session.open({ width: 1280, height: 900, nav: "ESG runs" });
    const table = page.getByRole("table", { name: "ESG runs, newest first" });
    await table.getByRole("cell", { name: "Nothing to show." }).waitFor();
    await page.getByRole("button", { name: "Start today's full run" }).click();
    // The page looks again every two seconds while the run is under way.
    const run = table.getByRole("row").filter({ hasText: "Manual (all accounts)" });
    await run.getByRole("cell", { name: "COMPLETED", exact: true }).waitFor({ timeout: 60_000 });
    const [, , total, results] = await run.getByRole("cell").allTextContents();
    assert.equal(total, "30");
    const counts = /^(\d+) successful, (\d+) failed, (\d+) partial$/.exec(results ?? "");
    assert.ok(counts, results);
    assert.equal(
      counts
        .slice(1)
        .map(Number)
        .reduce((a, b) => a + b),
      30,
      "every account has an outcome",
    );

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      run.getByRole("button", { name: /Download the ratings file/ }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^FirmESGRatings_\d{8}\.csv$/);
    const lines = (await readFile(await download.path(), "utf8")).trim().split(/\r?\n/);
    assert.equal(lines.length, 31, "a header and one line per account");

    // Chosen accounts again: a malformed id is refused by position, a good list starts a run.
    await page.getByLabel(/^Account ids to rate again/).fill("ACC-0000001\nACC-12");
    await page.getByRole("button", { name: "Start a run for these accounts" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? "", /Error 400: .*accountIds\.1/);
    const firstAccount = lines[1]!.split(",")[0]!.replace(/"/g, "");
    await page.getByLabel(/^Account ids to rate again/).fill(firstAccount);
    await page.getByRole("button", { name: "Start a run for these accounts" }).click();
    const chosen = table.getByRole("row").filter({ hasText: "Manual (chosen accounts)" });
    await chosen.getByRole("cell", { name: "COMPLETED", exact: true }).waitFor({ timeout: 60_000 });
    assert.equal((await chosen.getByRole("cell").allTextContents())[2], "1");
    await screenshot(page, "console-esg-runs-1280");
    await page.setViewportSize({ width: 820, height: 1000 });
    await screenshot(page, "console-esg-runs-820");
    await page.close();
  });
});
