// Runs the validator's own conformance cases, written in the official unit-test format of
// ConnectingEurope/eInvoicing-EN16931 (<testSet><test><assert><success|error|warning>),
// and fails on any mismatch: <error>X</error> must be reported as fatal, <warning>X</warning>
// as a warning, <success>X</success> must not be reported at all. Rules not named in a
// test are not judged by it, as in the official harness.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  implementedRuleIds,
  parseXml,
  validateUblElement,
  type XmlElement,
} from "../../../shared/systems/invoices/index.js";
import { applyEdits, MUTATION_SETS } from "./conformance-mutations.js";
import { NATIONAL_MUTATION_SETS } from "./conformance-national.js";

const TESTSET_NS = "http://difi.no/xsd/vefa/validator/1.0";
const CASES = fileURLToPath(new URL("../../../../tests/unit/invoices/conformance/", import.meta.url));

interface Expectation {
  readonly kind: "success" | "error" | "warning";
  readonly ruleId: string;
}

function child(el: XmlElement, local: string): XmlElement[] {
  return el.children.filter((c) => c.ns === TESTSET_NS && c.local === local);
}

function expectations(test: XmlElement): Expectation[] {
  const assertion = child(test, "assert")[0];
  if (!assertion) return [];
  return (["success", "error", "warning"] as const).flatMap((kind) =>
    child(assertion, kind).map((el) => ({ kind, ruleId: el.text.trim() })),
  );
}

function mismatchesOf(document: XmlElement, expected: readonly Expectation[]): string[] {
  const report = validateUblElement(document);
  const mismatches: string[] = [];
  for (const { kind, ruleId } of expected) {
    const fired = report.findings.filter((f) => f.ruleId === ruleId);
    if (kind === "success" && fired.length > 0) {
      mismatches.push(
        `${ruleId} fired: ${fired.map((f) => `${f.xpath} ${f.expected ?? ""}/${f.found ?? ""}`).join("; ")}`,
      );
    }
    if (kind === "error" && !fired.some((f) => f.severity === "fatal")) mismatches.push(`${ruleId} did not fire`);
    if (kind === "warning" && !fired.some((f) => f.severity === "warning")) mismatches.push(`${ruleId} did not warn`);
  }
  return mismatches;
}

const files = readdirSync(CASES)
  .filter((f) => f.endsWith(".xml"))
  .sort();
const covered = new Map<string, Set<Expectation["kind"]>>();

describe("conformance cases (official testSet format)", () => {
  for (const file of files) {
    const testSet = parseXml(readFileSync(`${CASES}${file}`));
    assert.equal(testSet.local, "testSet", `${file} is a testSet`);
    child(testSet, "test").forEach((test, index) => {
      const expected = expectations(test);
      for (const { kind, ruleId } of expected) covered.set(ruleId, (covered.get(ruleId) ?? new Set()).add(kind));
      const description = child(child(test, "assert")[0] ?? test, "description")[0]?.text.trim() ?? "";
      it(`${file} #${index + 1} (line ${test.line}): ${description}`, () => {
        const document = test.children.find((c) => c.ns !== TESTSET_NS);
        assert.ok(document, "the test holds a document");
        assert.ok(expected.length > 0, "the test names at least one rule");
        assert.deepEqual(mismatchesOf(document, expected), []);
      });
    });
  }

  for (const set of [...MUTATION_SETS, ...NATIONAL_MUTATION_SETS]) {
    const cases = [{ description: "the base document", edits: [], success: set.passes }, ...set.cases];
    for (const c of cases) {
      const expected: Expectation[] = [
        ...(c.success ?? []).map((ruleId) => ({ kind: "success" as const, ruleId })),
        ...(c.error ?? []).map((ruleId) => ({ kind: "error" as const, ruleId })),
        ...(c.warning ?? []).map((ruleId) => ({ kind: "warning" as const, ruleId })),
      ];
      for (const { kind, ruleId } of expected) covered.set(ruleId, (covered.get(ruleId) ?? new Set()).add(kind));
      it(`${set.name}: ${c.description}`, () => {
        assert.ok(expected.length > 0, "the case names at least one rule");
        const document = parseXml(applyEdits(set.base, c.edits));
        assert.deepEqual(mismatchesOf(document, expected), []);
      });
    }
  }

  it("covers every implemented rule with at least one passing and one failing case", () => {
    const missing = implementedRuleIds().filter((id) => {
      const kinds = covered.get(id);
      return !kinds?.has("success") || !(kinds.has("error") || kinds.has("warning"));
    });
    assert.deepEqual(missing, []);
  });
});
