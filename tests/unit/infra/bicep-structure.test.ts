import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { SETTINGS } from "../../../shared/catalog.js";

// No Bicep compiler can run here (docs/infrastructure.md: whoever deploys runs
// `az bicep build`), so this checks what a compiler would catch first across files.

const root = new URL("../../../../", import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), "utf8");
const bicepFiles = [
  "infra/bicep/main.bicep",
  ...readdirSync(join(root, "infra/bicep/app")).map((f) => `infra/bicep/app/${f}`),
];

/** The text with comments blanked and string contents kept (braces in strings do not count). */
function code(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === "'") inString = false;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else {
      if (c === "'") inString = true;
      out += c;
    }
  }
  return out;
}

/** The `{ ... }` block that opens at `start`, and its top-level keys. */
function block(text: string, start: number): { body: string; keys: string[] } {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === "'") inString = !inString;
    if (inString) continue;
    if (c === "{" || c === "[" || c === "(") depth++;
    if (c === "}" || c === "]" || c === ")") depth--;
    if (depth === 0) {
      const body = text.slice(start + 1, i);
      // A key is a `name:` at the start of a line that begins at depth 0 (its value may open a block).
      const keys: string[] = [];
      let d = 0;
      let s = false;
      for (const line of body.split("\n")) {
        const m = d === 0 && !s ? /^\s*([A-Za-z_]\w*)\s*:/.exec(line) : null;
        if (m) keys.push(m[1]!);
        for (const ch of line) {
          if (ch === "'") s = !s;
          else if (!s && "{[(".includes(ch)) d++;
          else if (!s && "}])".includes(ch)) d--;
        }
      }
      return { body, keys };
    }
  }
  throw new Error("unbalanced braces");
}

interface Module {
  readonly file: string;
  readonly symbol: string;
  readonly path: string;
  readonly params: string[];
}

function modulesOf(file: string): Module[] {
  const text = code(read(file));
  return [...text.matchAll(/^module (\w+) '([^']+)' = (?:if \([^\n]*\) )?\{/gm)].map((m) => {
    const open = m.index + m[0].length - 1;
    const { body } = block(text, open);
    const paramsAt = /^\s{2}params: \{/m.exec(body);
    const params = paramsAt ? block(body, paramsAt.index + paramsAt[0].length - 1).keys : [];
    return { file, symbol: m[1]!, path: m[2]!, params };
  });
}

function paramsOf(file: string): { name: string; required: boolean }[] {
  return [...code(read(file)).matchAll(/^param (\w+) ([^\n=]+?)\s*(=.*)?$/gm)].map((m) => ({
    name: m[1]!,
    required: m[3] === undefined && !m[2]!.trim().endsWith("?"),
  }));
}

interface Resource {
  readonly symbol: string;
  readonly type: string;
  readonly apiVersion: string;
  readonly condition: string | undefined;
  readonly body: string;
}

function resourcesOf(file: string): Resource[] {
  const text = code(read(file));
  return [...text.matchAll(/^resource (\w+) '([^'@]+)@([^']+)' = (?:if \(([^\n]*)\) )?\{/gm)].map((m) => ({
    symbol: m[1]!,
    type: m[2]!,
    apiVersion: m[3]!,
    condition: m[4],
    body: block(text, m.index + m[0].length - 1).body,
  }));
}

/** The value of `key:` at the top level of a resource body (or of its `properties`). */
function valueOf(body: string, key: string): string | undefined {
  return new RegExp(`^\\s*${key}: (.+)$`, "m").exec(body)?.[1]?.trim();
}

describe("the Bicep templates hang together (structural check; az bicep build is the deployer's)", () => {
  const modules = bicepFiles.flatMap(modulesOf);

  it("finds the modules it checks", () => {
    assert.ok(modules.filter((m) => !m.path.startsWith("br/")).length >= 9, "local modules of main.bicep");
  });

  it("references local modules that exist and registry modules by pinned version", () => {
    for (const m of modules) {
      if (m.path.startsWith("br/")) assert.match(m.path, /^br\/public:avm\/res\/[\w/-]+:\d+\.\d+\.\d+$/, m.symbol);
      else assert.ok(existsSync(join(root, dirname(m.file), m.path)), `${m.file}: module ${m.symbol} -> ${m.path}`);
    }
  });

  it("passes each local module only parameters it declares, and every required one", () => {
    for (const m of modules.filter((x) => !x.path.startsWith("br/"))) {
      const declared = paramsOf(join(dirname(m.file), m.path));
      const names = new Set(declared.map((p) => p.name));
      for (const p of m.params) assert.ok(names.has(p), `${m.symbol} passes ${p}, which ${m.path} does not declare`);
      for (const p of declared.filter((d) => d.required))
        assert.ok(m.params.includes(p.name), `${m.symbol} does not pass required ${p.name} of ${m.path}`);
    }
  });

  it("maps in main.parameters.json only parameters main.bicep declares, and every required one", () => {
    const declared = paramsOf("infra/bicep/main.bicep");
    const mapped = Object.keys(
      (JSON.parse(read("infra/bicep/main.parameters.json")) as { parameters: object }).parameters,
    );
    for (const p of mapped)
      assert.ok(
        declared.some((d) => d.name === p),
        `main.parameters.json maps unknown ${p}`,
      );
    for (const p of declared.filter((d) => d.required)) assert.ok(mapped.includes(p.name), `${p.name} is not mapped`);
  });

  it("deploys only app settings the settings catalogue declares (besides the host's own connections)", () => {
    const api = code(read("infra/bicep/app/api.bicep"));
    const wiredAt = /^var wiredSettings = \{/m.exec(api);
    assert.ok(wiredAt);
    const wired = block(api, wiredAt.index + wiredAt[0].length - 1).keys;
    const host =
      /^(AzureWebJobsStorage__\w+|ServiceBusConnection__(credential|clientId)|AZURE_CLIENT_ID|APPLICATIONINSIGHTS_\w+)$/;
    const systemSettings = (
      JSON.parse(read("infra/bicep/main.parameters.json")) as {
        parameters: { systemSettings: { value: Record<string, Record<string, string>> } };
      }
    ).parameters.systemSettings.value;
    const deployed = [...wired, ...Object.values(systemSettings).flatMap((o) => Object.keys(o))];
    for (const name of deployed) assert.ok(name in SETTINGS || host.test(name), `${name} is not a declared setting`);
    assert.match(api, /appSettingsKeyValuePairs: union\(platformSettings, wiredSettings\)/);
  });

  it("creates the container each *_CONTAINER setting names, from that setting", () => {
    const main = code(read("infra/bicep/main.bicep"));
    const storage = code(read("infra/bicep/app/storage.bicep"));
    const containerSettings = Object.keys(SETTINGS).filter((name) => name.endsWith("_CONTAINER"));
    assert.ok(containerSettings.length >= 5, containerSettings.join(", "));
    for (const setting of containerSettings) {
      const passed = new RegExp(`^\\s+(\\w+): platformSettings\\.${setting}$`, "m").exec(main);
      assert.ok(passed, `main.bicep passes ${setting} to the storage module`);
      assert.match(storage, new RegExp(`^param ${passed[1]} string`, "m"), `storage.bicep takes ${passed[1]}`);
      assert.match(storage, new RegExp(`^\\s+name: ${passed[1]}$`, "m"), `storage.bicep creates ${passed[1]}`);
    }
  });

  it("keeps received invoice originals in a WORM container whose days are INVOICES_ARCHIVE_RETENTION_DAYS", () => {
    const resources = resourcesOf("infra/bicep/app/storage.bicep");
    const container = resources.find(
      (r) =>
        r.type === "Microsoft.Storage/storageAccounts/blobServices/containers" &&
        valueOf(r.body, "name") === "invoiceArchiveContainerName",
    );
    assert.ok(container, "a container named by invoiceArchiveContainerName");
    assert.equal(valueOf(container.body, "publicAccess"), "'None'");

    const policy = resources.find(
      (r) =>
        r.type === "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies" &&
        valueOf(r.body, "parent") === container.symbol,
    );
    assert.ok(policy, "a time-based immutability policy on that container");
    assert.ok(policy.apiVersion >= "2019-06-01", `immutabilityPolicies@${policy.apiVersion}`);
    assert.equal(valueOf(policy.body, "name"), "'default'");
    assert.equal(valueOf(policy.body, "immutabilityPeriodSinceCreationInDays"), "invoiceArchiveRetentionDays");
    assert.equal(valueOf(policy.body, "allowProtectedAppendWrites"), "false", "an original is never appended to");
    assert.equal(policy.condition, "applyInvoiceArchiveImmutabilityPolicy", "switched off only once locked");

    const storage = modulesOf("infra/bicep/main.bicep").find((m) => m.path === "app/storage.bicep");
    assert.ok(storage?.params.includes("invoiceArchiveRetentionDays"));
    const main = code(read("infra/bicep/main.bicep"));
    assert.match(main, /^\s+invoiceArchiveContainerName: platformSettings\.INVOICES_ARCHIVE_CONTAINER$/m);
    // App settings reach Bicep as text (azd substitutes them into main.parameters.json).
    assert.match(main, /^\s+invoiceArchiveRetentionDays: int\(platformSettings\.INVOICES_ARCHIVE_RETENTION_DAYS\)$/m);
    assert.match(main, /^\s+applyInvoiceArchiveImmutabilityPolicy: applyInvoiceArchiveImmutabilityPolicy$/m);
    const parameters = JSON.parse(read("infra/bicep/main.parameters.json")) as {
      parameters: Record<string, { value: unknown }> & {
        systemSettings: { value: Record<string, Record<string, string>> };
      };
    };
    assert.equal(
      parameters.parameters.applyInvoiceArchiveImmutabilityPolicy?.value,
      "${APPLY_INVOICES_ARCHIVE_IMMUTABILITY_POLICY=true}",
    );
    const invoices = parameters.parameters.systemSettings.value.invoices!;
    assert.equal(invoices.INVOICES_ARCHIVE_CONTAINER, "${INVOICES_ARCHIVE_CONTAINER=invoice-originals}");
    assert.equal(invoices.INVOICES_ARCHIVE_RETENTION_DAYS, "${INVOICES_ARCHIVE_RETENTION_DAYS=3650}");

    // Bicep refuses no retention the app accepts and accepts none it refuses.
    const storageText = code(read("infra/bicep/app/storage.bicep"));
    const bounds = /@minValue\((\d+)\)\s*@maxValue\((\d+)\)\s*param invoiceArchiveRetentionDays int = (\d+)/.exec(
      storageText,
    );
    assert.ok(bounds, "invoiceArchiveRetentionDays has @minValue, @maxValue and a default");
    const [min, max, fallback] = bounds.slice(1).map(Number) as [number, number, number];
    const schema = SETTINGS.INVOICES_ARCHIVE_RETENTION_DAYS.schema;
    assert.equal(schema.parse(undefined), fallback);
    for (const days of [min, max]) assert.ok(schema.safeParse(String(days)).success, `${days} days`);
    for (const days of [min - 1, max + 1]) assert.ok(!schema.safeParse(String(days)).success, `${days} days`);

    // The lifecycle rule that expires old versions must not reach into a WORM container.
    const lifecycle = resources.find((r) => r.type === "Microsoft.Storage/storageAccounts/managementPolicies");
    assert.ok(lifecycle);
    assert.doesNotMatch(lifecycle.body, /invoiceArchiveContainerName|backupsContainerName/);
  });
});
