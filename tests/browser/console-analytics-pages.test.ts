import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { PLANTED } from "../../shared/systems/analytics/index.js";
import { browserSkip, screenshot, useConsole } from "../support/browser.js";

/** Waits until the chart image named `alt` is decoded into a picture with a size. */
async function drawn(page: Page, alt: string): Promise<void> {
  await page.waitForFunction((name) => {
    const img = Array.from(document.querySelectorAll("img")).find((i) => i.alt === name);
    return img !== undefined && img.complete && img.naturalWidth > 0 && img.src.startsWith("data:image/svg+xml");
  }, alt);
}

describe("console analytics: anomalies, root causes and chat", { skip: browserSkip() }, () => {
  const session = useConsole(
    {
      ENABLED_SYSTEMS: "identity,budgets,analytics",
      ANALYTICS_SEED_ROWS: "5000",
      RATE_LIMIT_PER_MINUTE: "100000",
      RATE_LIMIT_BURST: "10000",
    },
    { timers: false },
  );

  for (const width of [1280, 820]) {
    it(`lists a planted outlier with its explanation, filtered and paged, at ${width}px`, async () => {
      const page = await session.open({ width, height: 1000, nav: "Anomalies" });
      const table = page.getByRole("table", { name: "Anomalies, most severe first" });
      await table.waitFor();

      const outlier = PLANTED.outliers[0];
      await page.getByLabel("Detector").selectOption("statistical");
      await page.getByLabel("Direction").selectOption("increase");
      await page.getByLabel("Threshold k").fill("4.5");
      // The first answer's table stays up until the page has sent the new query: wait for
      // the filtered answer, or the row found may be the unfiltered list's.
      const filtered = page.waitForResponse(
        (r) => r.url().includes("/api/v1/anomaly/statistical?") && r.url().includes("direction=increase"),
      );
      await page.getByRole("button", { name: "Find anomalies" }).click();
      await filtered;
      const row = table.getByRole("row").filter({ hasText: outlier.reference });
      await row.waitFor();
      assert.ok((await table.textContent())?.includes("increase"));
      assert.ok(!(await table.textContent())?.includes("decrease"), "only increases after the direction filter");

      // The explanation: peer group (the outlier's cost center) and normal range, and the evidence row.
      await row.getByText("Why").click();
      const why = row.locator("details.explanation");
      const text = (await why.textContent()) ?? "";
      assert.match(text, new RegExp(`cost_center_id ${outlier.costCenterId}`));
      assert.match(text, /Normal range -?\d+\.\d{2} to -?\d+\.\d{2} EUR/);
      assert.match(text, /statistical: /);
      assert.ok((await why.getByRole("table", { name: "Evidence rows" }).textContent())?.includes(outlier.reference));
      await screenshot(page, `console-anomalies-${width}`);

      // Materiality above every amount leaves nothing; back to all detectors, the pager pages.
      await page.getByLabel("Minimum amount (materiality)").fill("100000000");
      await page.getByRole("button", { name: "Find anomalies" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: /^0 anomalies/ })
        .waitFor();
      await page.getByLabel("Minimum amount (materiality)").fill("");
      await page.getByLabel("Detector").selectOption("detect");
      await page.getByLabel("Direction").selectOption("both");
      await page.getByRole("button", { name: "Find anomalies" }).click();
      const pager = page.getByRole("navigation", { name: "Anomaly pages" });
      await pager.getByText(/Page 1 of \d+/).waitFor();
      await pager.getByRole("button", { name: "Next" }).click();
      await pager.getByText(/Page 2 of \d+/).waitFor();
      await page.close();
    });
  }

  for (const width of [1280, 820]) {
    it(`shows the planted March travel driver, its waterfall and the importance method at ${width}px`, async () => {
      const page = await session.open({ width, height: 1000, nav: "Root causes" });
      const { driver } = PLANTED;
      const comparison = page.getByRole("group", { name: "Comparison (explained)" });
      await comparison.getByLabel("Fiscal year").fill(String(driver.fiscalYear));
      await comparison.getByLabel("From period").fill(String(driver.postingPeriod));
      await comparison.getByLabel("To period").fill(String(driver.postingPeriod));
      const baseline = page.getByRole("group", { name: "Baseline" });
      await baseline.getByLabel("Fiscal year").fill(String(driver.fiscalYear));
      await baseline.getByLabel("From period").fill(String(driver.postingPeriod - 1));
      await baseline.getByLabel("To period").fill(String(driver.postingPeriod - 1));
      await page.getByLabel("Only functional area (optional)").fill(driver.functionalArea);
      await page.getByRole("button", { name: "Analyze" }).click();

      const drivers = page.getByRole("table", { name: "Drivers (EUR)" });
      await drivers.waitFor();
      const top = (await drivers.getByRole("row").nth(1).textContent()) ?? "";
      assert.ok(top.includes(driver.costCenterId) || top.includes(driver.supplier), `top driver: ${top}`);
      assert.match(top, /changed|new/);
      const importance = page.getByRole("table", { name: /^Feature importance \(non-proportional change share\)/ });
      assert.ok(await importance.first().isVisible());

      const chart = page.getByRole("img", { name: /^Waterfall .* \(EUR\)$/ });
      await chart.waitFor();
      await drawn(page, (await chart.getAttribute("alt"))!);

      // Evidence samples opened, the drivers table is wider than a tablet: it scrolls sideways
      // inside its card and the page itself never does.
      for (const sample of await drivers.locator("details summary").all()) await sample.click();
      const layout = await page.evaluate(() => {
        const table = Array.from(document.querySelectorAll("table")).find(
          (t) => t.caption?.textContent === "Drivers (EUR)",
        )!;
        const wrap = table.parentElement!;
        const card = wrap.closest(".card")!.getBoundingClientRect();
        const box = wrap.getBoundingClientRect();
        return {
          pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          inCard: box.left >= card.left && box.right <= card.right,
          scrollsInside: wrap.scrollWidth > wrap.clientWidth && getComputedStyle(wrap).overflowX === "auto",
        };
      });
      assert.equal(layout.pageOverflow, 0, "the page does not scroll sideways");
      assert.ok(layout.inCard, "the table's scroller stays inside its card");
      if (width === 820) assert.ok(layout.scrollsInside, "the wide table scrolls inside its card");
      await screenshot(page, `console-rca-${width}`);

      // An impossible range is refused by the API with its field message and correlation id.
      await comparison.getByLabel("To period").fill("1");
      await page.getByRole("button", { name: "Analyze" }).click();
      const alert = page.getByRole("alert");
      await alert.waitFor();
      assert.match((await alert.textContent()) ?? "", /periodFrom must not be after periodTo.*Correlation id/s);
      await page.close();
    });
  }

  for (const width of [1280, 820]) {
    it(`asks the chat a question; the answer cites its calculation and shows its chart at ${width}px`, async () => {
      const page = await session.open({ width, height: 1000, nav: "Chat" });
      await page.getByLabel("New room title (optional)").fill(`Travel ${width}`);
      await page.getByRole("button", { name: "Create room" }).click();
      await page.getByRole("heading", { name: `Travel ${width}` }).waitFor();
      await page.getByRole("textbox", { name: "Question" }).fill("What drove the increase in travel in March?");
      await page.getByRole("button", { name: "Ask" }).click();

      const answer = page.locator("li.message.answer");
      await answer.waitFor();
      const text = (await answer.textContent()) ?? "";
      assert.match(text, /Main drivers: 1\./);
      assert.ok(text.includes(PLANTED.driver.costCenterId) || text.includes(PLANTED.driver.supplier), text);
      assert.match((await answer.locator(".citation code").textContent()) ?? "", /^POST \/api\/v1\/rca\/analyze$/);
      const chart = answer.getByRole("img");
      await chart.waitFor();
      await drawn(page, (await chart.getAttribute("alt"))!);
      await screenshot(page, `console-chat-${width}`);

      // The room keeps its messages: reopened, the question and the answer are there.
      await page.reload();
      await page.getByRole("button", { name: `Travel ${width}` }).click();
      await page.locator("li.message.answer").waitFor();
      assert.equal(await page.locator("li.message").count(), 2);
      await page.close();
    });
  }

  it("renames a chat room and deletes it after a confirmation (declining keeps it)", async () => {
    const page = await session.open({ width: 820, height: 1000, nav: "Chat" });
    const rooms = page.getByRole("list", { name: "Your rooms" });
    await page.getByLabel("New room title (optional)").fill("Keeper");
    await page.getByRole("button", { name: "Create room" }).click();
    await page.getByRole("heading", { name: "Keeper" }).waitFor();
    await page.getByLabel("New room title (optional)").fill("Scratch room");
    await page.getByRole("button", { name: "Create room" }).click();
    await page.getByRole("heading", { name: "Scratch room" }).waitFor();

    const rename = page.getByRole("form", { name: "Rename room" });
    await rename.getByLabel("Room title").fill("Q3 travel review");
    await rename.getByRole("button", { name: "Rename" }).click();
    await page.getByRole("heading", { name: "Q3 travel review" }).waitFor();
    await rooms.getByRole("button", { name: "Q3 travel review" }).waitFor();
    // The heading and the list re-render separately: wait for the old name to leave the list.
    await rooms.getByRole("button", { name: "Scratch room" }).waitFor({ state: "detached" });
    await screenshot(page, "console-chat-room-actions-820");

    // Declined: nothing happens. Accepted: the room leaves the list, and after a reload too.
    const answers = [false, true];
    const asked: string[] = [];
    page.on("dialog", (dialog) => {
      asked.push(dialog.message());
      void (answers.shift() ? dialog.accept() : dialog.dismiss());
    });
    await page.getByRole("button", { name: "Delete room" }).click();
    await page.getByRole("heading", { name: "Q3 travel review" }).waitFor();
    assert.equal(await rooms.getByRole("button", { name: "Q3 travel review" }).count(), 1);
    await page.getByRole("button", { name: "Delete room" }).click();
    await page.getByText("Choose or create a room.").waitFor();
    await rooms.getByRole("button", { name: "Q3 travel review" }).waitFor({ state: "detached" });
    assert.match(asked[0]!, /Delete the room “Q3 travel review” and all its messages\?/);
    await page.reload();
    await rooms.getByRole("button", { name: "Keeper" }).waitFor();
    assert.equal(await rooms.getByRole("button", { name: "Q3 travel review" }).count(), 0);
    await page.close();
  });
});
