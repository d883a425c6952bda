import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { browserSkip, screenshot, useConsole } from "../support/browser.js";

describe("console analytics dashboard", { skip: browserSkip() }, () => {
  const session = useConsole(
    { ENABLED_SYSTEMS: "identity,budgets,analytics", ANALYTICS_SEED_ROWS: "3000" },
    { timers: false },
  );

  for (const width of [1280, 820]) {
    it(`shows the headline figures and draws the four charts at ${width}px, and filters them`, async () => {
      const page = await session.open({ width, height: 1000, nav: "Dashboard" });
      const kpis = page.getByRole("definition").first();
      await kpis.waitFor();
      const linesIn = (text: string | null) => Number(/Lines\s*([\d,]+)/.exec(text ?? "")?.[1]?.replaceAll(",", ""));
      // The headline figures are for one currency: most of the seeded 3,000 lines.
      const all = linesIn(await page.locator("dl.kpis").textContent());
      assert.ok(all > 1000 && all <= 3000, `lines shown: ${all}`);
      for (const name of ["Trend by fiscal period", "Spend by functional area", "Cost center heatmap", "Anomalies"]) {
        const chart = page.getByRole("img", { name, exact: true });
        await chart.waitFor();
        // Drawn: the SVG decoded into a picture with a size.
        await page.waitForFunction((alt) => {
          const img = Array.from(document.querySelectorAll("img")).find((i) => i.alt === alt);
          return img !== undefined && img.complete && img.naturalWidth > 0;
        }, name);
        assert.match((await chart.getAttribute("src")) ?? "", /^data:image\/svg\+xml/);
      }
      await screenshot(page, `console-dashboard-${width}`);

      await page.getByLabel("Fiscal year").fill("2025");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.waitForFunction(
        (before) => !(document.querySelector("dl.kpis")?.textContent ?? "").includes(before),
        `Lines${all.toLocaleString("en-US")}`,
      );
      const lines = linesIn(await page.locator("dl.kpis").textContent());
      assert.ok(lines > 0 && lines < all, `one fiscal year holds part of the lines (${lines} of ${all})`);
      await page.close();
    });
  }
});
