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
});
