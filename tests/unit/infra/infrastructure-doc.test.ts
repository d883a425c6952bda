import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SECRETS } from "../../../shared/catalog.js";

const root = new URL("../../../../", import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), "utf8");
const STALE = "npm run build && node scripts/catalog-files.mjs";

type CatalogFiles = { infrastructureDoc: () => string };
const catalogFiles = async () =>
  (await import(new URL("../../../../scripts/catalog-files.mjs", import.meta.url).href)) as CatalogFiles;

/** The TypeScript the app runs (not tests, not the settings slices that declare the secrets). */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") && !e.name.endsWith("-settings.ts") && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

describe("docs/infrastructure.md is generated from the catalogues", () => {
  it("matches what the generator writes from the queues, secrets, settings and roles.json", async () => {
    assert.equal(read("docs/infrastructure.md"), (await catalogFiles()).infrastructureDoc(), `stale: ${STALE}`);
  });

  it("lists every role of roles.json, which rbac.bicep loads, and no role the catalogue lacks", () => {
    const doc = read("docs/infrastructure.md");
    const roles = JSON.parse(read("infra/bicep/roles.json")) as {
      roles: Record<string, { name: string }>;
      assignments: { role: string }[];
    };
    assert.match(read("infra/bicep/app/rbac.bicep"), /loadJsonContent\('\.\.\/roles\.json'\)/);
    for (const a of roles.assignments) assert.ok(roles.roles[a.role], `${a.role} is defined`);
    for (const { name } of Object.values(roles.roles)) assert.ok(doc.includes(name), name);
    assert.doesNotMatch(
      doc + read("infra/bicep/app/rbac.bicep"),
      /Blob Delegator|Data Owner'|Service Bus Data Owner \|/,
    );
  });
});

describe("the Key Vault secrets catalogue is the secrets the code reads", () => {
  const code = ["shared", "functions", "local"].flatMap(sourceFiles).map((f) => [f, read(f)] as const);
  const names = new Set(SECRETS.map((s) => s.name));

  it("declares each secret the code reads by name", () => {
    for (const [file, text] of code) {
      for (const m of text.matchAll(/findSecret\("([^"]+)"\)/g)) {
        assert.ok(names.has(m[1]!), `${file} reads ${m[1]}, which no settings slice declares`);
      }
    }
  });

  it("names no secret the code never reads", () => {
    const all = code.map(([, text]) => text).join("\n");
    for (const name of names) assert.ok(all.includes(`"${name}"`), `${name} is declared but never read`);
  });

  it("says who sets each, and how the hook generates the generated ones", () => {
    assert.equal(SECRETS.length, 24);
    for (const { name, spec } of SECRETS) {
      assert.equal(spec.scope, "local", `${name}'s fallback setting is local-only`);
      if (spec.secret.setBy === "generated") assert.ok((spec.secret.randomBytes ?? 0) >= 32, name);
    }
    assert.deepEqual(
      SECRETS.filter((s) => s.spec.secret.setBy === "generated").map((s) => s.name),
      ["jwt-signing-key", "esg-file-encryption-key"],
    );
  });
});
