import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigurationError, loadSettings } from "../../../shared/index.js";

describe("settings", () => {
  it("runs on documented defaults with an empty environment", () => {
    const s = loadSettings({});
    assert.equal(s.RATE_LIMIT_PER_MINUTE, 100);
    assert.equal(s.RATE_LIMIT_BURST, 20);
    assert.equal(s.ACCESS_TOKEN_TTL_SECONDS, 900);
    assert.equal(s.REFRESH_TOKEN_TTL_SECONDS, 604_800);
    assert.equal(s.AUTH_SELF_REGISTRATION_ENABLED, false);
    assert.equal(s.PORT, 7071);
    assert.deepEqual(s.RATE_LIMIT_OVERRIDES, {});
    assert.equal(s.runningInAzure, false);
  });

  it("treats blank values as absent and parses types", () => {
    const s = loadSettings({
      REDIS_URL: "  ",
      RATE_LIMIT_BURST: "5",
      AUTH_SELF_REGISTRATION_ENABLED: "true",
      RATE_LIMIT_OVERRIDES: '{"auth-login":{"perMinute":10,"burst":3}}',
    });
    assert.equal(s.REDIS_URL, undefined);
    assert.equal(s.RATE_LIMIT_BURST, 5);
    assert.equal(s.AUTH_SELF_REGISTRATION_ENABLED, true);
    assert.deepEqual(s.RATE_LIMIT_OVERRIDES, { "auth-login": { perMinute: 10, burst: 3 } });
  });

  it("fails with one error naming every invalid setting", () => {
    assert.throws(
      () =>
        loadSettings({
          RATE_LIMIT_BURST: "lots",
          LOG_LEVEL: "loud",
          KEY_VAULT_URL: "not a url",
          RATE_LIMIT_OVERRIDES: "{",
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigurationError);
        assert.deepEqual(error.problems.map((p) => p.split(":")[0]).sort(), [
          "KEY_VAULT_URL",
          "LOG_LEVEL",
          "RATE_LIMIT_BURST",
          "RATE_LIMIT_OVERRIDES",
        ]);
        assert.match(error.message, /4 problems/);
        return true;
      },
    );
  });

  it("refuses embedded defaults in Azure, naming each missing setting", () => {
    assert.throws(
      () =>
        loadSettings({
          WEBSITE_INSTANCE_ID: "abc",
          REDIS_URL: "rediss://cache:10000",
          BLOB_CONNECTION_STRING: "UseDevelopmentStorage=true",
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigurationError);
        const named = error.problems.map((p) => p.split(":")[0]).sort();
        assert.deepEqual(named, [
          "BLOB_CONNECTION_STRING",
          "BLOB_SERVICE_URL",
          "KEY_VAULT_URL",
          "SAP_ADAPTER",
          "SQL_CONNECTION_STRING",
          "ServiceBusConnection__fullyQualifiedNamespace",
        ]);
        return true;
      },
    );
    const azure = loadSettings({
      WEBSITE_INSTANCE_ID: "abc",
      SQL_CONNECTION_STRING:
        "Server=tcp:x.database.windows.net,1433;Database=db;Authentication=Active Directory Managed Identity",
      BLOB_SERVICE_URL: "https://acct.blob.core.windows.net",
      ServiceBusConnection__fullyQualifiedNamespace: "ns.servicebus.windows.net",
      REDIS_URL: "rediss://cache:10000",
      KEY_VAULT_URL: "https://kv.vault.azure.net",
      SAP_ADAPTER: "node-rfc",
    });
    assert.equal(azure.runningInAzure, true);
  });
});

describe("DEMO_MODE", () => {
  const azure = {
    WEBSITE_INSTANCE_ID: "abc",
    SQL_CONNECTION_STRING:
      "Server=tcp:x.database.windows.net,1433;Database=db;Authentication=Active Directory Managed Identity",
    BLOB_SERVICE_URL: "https://acct.blob.core.windows.net",
    ServiceBusConnection__fullyQualifiedNamespace: "ns.servicebus.windows.net",
    REDIS_URL: "rediss://cache:10000",
    KEY_VAULT_URL: "https://kv.vault.azure.net",
  };
  const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
    try {
      loadSettings(env);
      return [];
    } catch (error) {
      assert.ok(error instanceof ConfigurationError);
      return [...error.problems];
    }
  };

  it("is off by default, and allows the SAP simulator in Azure only when on", () => {
    assert.equal(loadSettings({}).DEMO_MODE, false);
    assert.deepEqual(
      problemsOf({ ...azure, SAP_ADAPTER: "simulator" }).map((p) => p.split(":")[0]),
      ["SAP_ADAPTER"],
    );
    const demo = loadSettings({ ...azure, SAP_ADAPTER: "simulator", DEMO_MODE: "true" });
    assert.equal(demo.DEMO_MODE, true);
    assert.equal(demo.SAP_ADAPTER, "simulator");
  });

  it("is refused together with a real SAP, in Azure and locally", () => {
    for (const env of [{ ...azure }, {}]) {
      const problems = problemsOf({ ...env, SAP_ADAPTER: "node-rfc", DEMO_MODE: "true" });
      assert.equal(problems.length, 1, problems.join("; "));
      assert.match(problems[0]!, /^DEMO_MODE: refused with SAP_ADAPTER=node-rfc/);
    }
  });
});

describe("the Azure defaults in infra/bicep/main.parameters.json", () => {
  it("are each accepted by the setting they are for", async () => {
    const { readFileSync } = await import("node:fs");
    const file = JSON.parse(
      readFileSync(new URL("../../../../infra/bicep/main.parameters.json", import.meta.url), "utf8"),
    );
    const owners = file.parameters.systemSettings.value as Record<string, Record<string, string>>;
    const defaults = Object.values(owners).flatMap((settings) =>
      Object.entries(settings).flatMap(([name, value]) => {
        const given = /^\$\{[A-Za-z_]+=(.*)\}$/.exec(value)?.[1] ?? (value.includes("${") ? undefined : value);
        return given === undefined ? [] : [[name, given] as const];
      }),
    );
    assert.ok(defaults.some(([name]) => name === "ENABLED_SYSTEMS"));
    for (const [name, value] of defaults) {
      // SAP_ADAPTER's Azure value (node-rfc) is refused with DEMO_MODE only; alone it loads.
      assert.doesNotThrow(() => loadSettings({ [name]: value }), `${name}=${value}`);
    }
  });
});
