import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EnvSecretStore } from "../../shared/adapters/azure/secrets.js";
import { ClearfactsClient, personalAccessToken } from "../../shared/adapters/clearfacts/clearfacts-client.js";
import { connectInvoiceSource } from "../../shared/connections.js";
import { loadSettings } from "../../shared/index.js";
import { clearfactsSimulator } from "../../local/simulators/clearfacts.js";
import { invoiceSourceSimulator } from "../../local/simulators/invoice-source.js";
import { SIMULATED_BUYER } from "../../local/simulators/invoice-source-partner.js";
import { tempDir } from "../support/test-host.js";

describe("The local host's invoice source and Clearfacts simulators", () => {
  it("start without partner URLs, point the settings at themselves and accept the keys they generated", async () => {
    const dir = tempDir();
    const env: NodeJS.ProcessEnv = { DATA_DIR: dir.path, INVOICE_SOURCE_SIMULATOR_INVOICES: "9" };
    const source = await invoiceSourceSimulator.start(env);
    const clearfacts = await clearfactsSimulator.start(env);
    try {
      assert.ok(source.handle && clearfacts.handle);
      assert.equal(env.INVOICE_SOURCE_API_URL, source.handle.url);
      assert.equal(env.CLEARFACTS_API_URL, clearfacts.handle.url);
      assert.equal(env.CLEARFACTS_ACCESS_TOKEN?.length, 80);
      assert.deepEqual(
        [...source.functions, ...clearfacts.functions]
          .map((f) => (f.kind === "http" ? `${f.method} ${f.route}` : f.name))
          .sort(),
        [
          "GET local/simulators/clearfacts",
          "GET local/simulators/invoice-source",
          "PUT local/simulators/clearfacts",
          "PUT local/simulators/invoice-source",
        ],
      );

      const secrets = new EnvSecretStore(env);
      const statuses: string[] = [];
      const client = connectInvoiceSource(loadSettings(env), secrets, (status) => statuses.push(status));
      const page = await client!.listSince(null, null, 100);
      assert.deepEqual(statuses, ["200"]);
      assert.equal(page.invoices.length, 9);

      const receipt = await new ClearfactsClient({
        url: env.CLEARFACTS_API_URL,
        timeoutMs: 2_000,
        authorization: personalAccessToken(secrets, "clearfacts-access-token"),
      }).upload(
        { content: page.invoices[0]!.content, contentType: "application/xml" },
        { vatNumber: SIMULATED_BUYER.vatNumber, fileName: "a.xml", invoiceType: "PURCHASE", idempotencyKey: "k" },
      );
      assert.equal(
        clearfacts.handle.findUpload({ vatNumber: SIMULATED_BUYER.vatNumber, fileName: "a.xml" })?.uuid,
        receipt.uuid,
      );
    } finally {
      await Promise.all([source.close(), clearfacts.close()]);
      dir.remove();
    }
  });

  it("stay off when the URLs name real systems, and keep the configured values", async () => {
    const env: NodeJS.ProcessEnv = {
      INVOICE_SOURCE_API_URL: "https://source.example.test/api",
      CLEARFACTS_API_URL: "https://api.clearfacts.be/graphql",
    };
    const source = await invoiceSourceSimulator.start(env);
    const clearfacts = await clearfactsSimulator.start(env);
    assert.equal(source.handle, undefined);
    assert.equal(clearfacts.handle, undefined);
    assert.equal(env.INVOICE_SOURCE_API_KEY, undefined);
    assert.equal(env.CLEARFACTS_ACCESS_TOKEN, undefined);
    assert.equal(env.CLEARFACTS_API_URL, "https://api.clearfacts.be/graphql");
    assert.ok(connectInvoiceSource(loadSettings(env), new EnvSecretStore(env)));
    assert.equal(connectInvoiceSource(loadSettings({}), new EnvSecretStore({})), undefined);
    await Promise.all([source.close(), clearfacts.close()]);
  });
});
