import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SETTING_SLICES } from "../../../shared/catalog.js";
import type { SettingSpec } from "../../../shared/foundation/settings.js";
import { QUEUE_DEFINITIONS, SETTINGS } from "../../../shared/index.js";

const root = new URL("../../../../", import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), "utf8");

function bicepFiles(dir = "infra/bicep"): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? bicepFiles(join(dir, e.name)) : e.name.endsWith(".bicep") ? [join(dir, e.name)] : [],
  );
}

type CatalogFiles = { configurationDoc: () => string; parametersFile: () => string; queuesFile: () => string };
const catalogFiles = async () =>
  (await import(new URL("../../../../scripts/catalog-files.mjs", import.meta.url).href)) as CatalogFiles;
const STALE = "npm run build && node scripts/catalog-files.mjs";

describe("every setting the code reads is documented and deployed", () => {
  const names = Object.keys(SETTINGS) as (keyof typeof SETTINGS)[];

  it("appears in docs/configuration.md, which is what the generator writes from the slices", async () => {
    const doc = read("docs/configuration.md");
    for (const name of names) assert.match(doc, new RegExp(`^\\| \`${name}\` \\|`, "m"), name);
    assert.equal(doc, (await catalogFiles()).configurationDoc(), `docs/configuration.md is stale: ${STALE}`);
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

  it("is deployed to Azure when it is a platform setting (wired by Bicep or a systemSettings parameter), and never when local-only", async () => {
    const parameters = read("infra/bicep/main.parameters.json");
    assert.equal(parameters, (await catalogFiles()).parametersFile(), `main.parameters.json is stale: ${STALE}`);
    const systemSettings = (
      JSON.parse(parameters) as { parameters: { systemSettings: { value: Record<string, Record<string, string>> } } }
    ).parameters.systemSettings.value;
    const api = read("infra/bicep/app/api.bicep");
    for (const [owner, slice] of Object.entries(SETTING_SLICES)) {
      for (const [name, spec] of Object.entries(slice) as [string, SettingSpec][]) {
        const wired = new RegExp(`^\\s*${name}:`, "m").test(api);
        const parameter = systemSettings[owner]?.[name];
        if (spec.scope === "local")
          assert.ok(!wired && parameter === undefined, `${name} is local-only and stays out of Azure`);
        else if (spec.azure === "wired") assert.ok(wired, `${name} is computed in api.bicep`);
        else
          assert.match(
            parameter ?? "",
            new RegExp(`^(\\$\\{${name}(=.*)?\\}|[^$]*[{}"].*)$`),
            `${name} maps its azd variable`,
          );
      }
    }
    const bicep = bicepFiles().map(read).join("\n") + parameters;
    for (const refused of ["FUNCTIONS_WORKER_RUNTIME", "WEBSITE_NODE_DEFAULT_VERSION", "WEBSITE_RUN_FROM_PACKAGE"]) {
      assert.doesNotMatch(
        bicep,
        new RegExp(`^\\s*"?'?${refused}'?"?\\s*:`, "m"),
        `Flex Consumption refuses ${refused}`,
      );
    }
  });

  it("deploys every queue with the max delivery count and lock the local queue applies", async () => {
    const text = read("infra/bicep/queues.json");
    assert.equal(text, (await catalogFiles()).queuesFile(), `infra/bicep/queues.json is stale: ${STALE}`);
    assert.match(read("infra/bicep/main.bicep"), /^var serviceBusQueues = loadJsonContent\('\.\/queues\.json'\)$/m);
    const deployed = JSON.parse(text) as { name: string; maxDeliveryCount: number; lockDuration: string }[];
    for (const q of QUEUE_DEFINITIONS) {
      const d = deployed.find((x) => x.name === q.name);
      assert.ok(d, `queue ${q.name} is in Bicep`);
      assert.equal(d.maxDeliveryCount, q.maxDeliveryCount, q.name);
      const m = /^PT(\d+)([MS])$/.exec(d.lockDuration);
      assert.equal(m ? Number(m[1]) * (m[2] === "M" ? 60 : 1) : NaN, q.lockDurationSeconds, q.name);
    }
  });
});
