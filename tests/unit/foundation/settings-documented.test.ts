import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { QUEUE_DEFINITIONS, SETTINGS } from "../../../shared/index.js";

const root = new URL("../../../../", import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), "utf8");

function bicepFiles(dir = "infra/bicep"): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? bicepFiles(join(dir, e.name)) : e.name.endsWith(".bicep") ? [join(dir, e.name)] : [],
  );
}

describe("every setting the code reads is documented and deployed", () => {
  const names = Object.keys(SETTINGS) as (keyof typeof SETTINGS)[];

  it("appears in docs/configuration.md, which is what the generator writes from the slices", async () => {
    const doc = read("docs/configuration.md");
    for (const name of names) assert.match(doc, new RegExp(`^\\| \`${name}\` \\|`, "m"), name);
    const { configurationDoc } = (await import(
      new URL("../../../../scripts/settings-table.mjs", import.meta.url).href
    )) as { configurationDoc: () => string };
    assert.equal(
      doc,
      configurationDoc(),
      "docs/configuration.md is stale: npm run build && node scripts/settings-table.mjs",
    );
  });

  it("appears in local.settings.sample.json, with no secret value", () => {
    const sample = JSON.parse(read("local.settings.sample.json")) as { Values: Record<string, string> };
    for (const name of names) assert.ok(name in sample.Values, name);
    for (const secret of [
      "JWT_SIGNING_KEY",
      "METRICS_SCRAPE_TOKEN",
      "REDIS_PASSWORD",
      "SMTP_PASSWORD",
      "ALERT_SLACK_WEBHOOK_URL",
      "ALERT_WEBHOOK_URL",
      "ALERT_PAGERDUTY_ROUTING_KEY",
      "LOCAL_ADMIN_PASSWORD",
      "ESG_FILE_ENCRYPTION_KEY",
      "ESG_FILE_ENCRYPTION_PREVIOUS_KEYS",
      "ESG_ACCOUNTS_API_KEY",
      "ESG_RATINGS_API_KEY",
      "ESG_OAUTH_CLIENT_SECRET",
    ]) {
      assert.equal(sample.Values[secret], "", `${secret} is left blank`);
    }
  });

  it("is an app setting in infra/bicep when it is a platform setting, and absent when local-only", () => {
    const bicep = bicepFiles().map(read).join("\n");
    for (const name of names) {
      const asKey = new RegExp(`^\\s*'?${name}'?\\s*:`, "m");
      if (SETTINGS[name].scope === "platform") assert.match(bicep, asKey, `${name} is a Bicep app setting`);
      else assert.doesNotMatch(bicep, asKey, `${name} is local-only and stays out of Azure`);
    }
    for (const refused of ["FUNCTIONS_WORKER_RUNTIME", "WEBSITE_NODE_DEFAULT_VERSION", "WEBSITE_RUN_FROM_PACKAGE"]) {
      assert.doesNotMatch(bicep, new RegExp(`^\\s*'?${refused}'?\\s*:`, "m"), `Flex Consumption refuses ${refused}`);
    }
  });

  it("deploys every queue with the max delivery count the local queue applies", () => {
    const bicep = bicepFiles().map(read).join("\n");
    for (const q of QUEUE_DEFINITIONS) {
      const m = new RegExp(`name: '${q.name}', maxDeliveryCount: (\\d+), lockDuration: 'PT(\\d+)([MS])'`).exec(bicep);
      assert.ok(m, `queue ${q.name} is in Bicep`);
      assert.equal(Number(m[1]), q.maxDeliveryCount, q.name);
      assert.equal(Number(m[2]) * (m[3] === "M" ? 60 : 1), q.lockDurationSeconds, q.name);
    }
  });
});
