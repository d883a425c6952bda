/**
 * Rules are data (official id, severity, business terms, context, messages in three
 * languages) plus a small check. A check returns violations: the element at fault, and for
 * arithmetic rules the expected and found values; the engine turns them into findings
 * with the XPath, the line and the message in the asked language.
 */
import type { XmlElement } from "./safe-xml.js";
import { xpathOf, type UblDocument } from "./ubl-document.js";

export type Severity = "fatal" | "warning";
export type Language = "en" | "nl" | "fr";
export const LANGUAGES: readonly Language[] = ["en", "nl", "fr"];

export interface BusinessTerm {
  /** BT-/BG- number as in EN 16931-1, e.g. "BT-106". */
  readonly id: string;
  readonly name: string;
}

export interface Violation {
  /** The element at fault or, when something is missing, the element that should hold it. */
  readonly at: XmlElement;
  readonly expected?: string;
  readonly found?: string;
}

export interface Rule {
  readonly id: string;
  readonly severity: Severity;
  readonly terms: readonly BusinessTerm[];
  /** Where the rule applies, as the official Schematron context says it. */
  readonly context: string;
  readonly messages: Readonly<Record<Language, string>>;
  check(doc: UblDocument): Violation[];
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly terms: readonly BusinessTerm[];
  readonly xpath: string;
  readonly line: number;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
}

export function runRules(rules: readonly Rule[], doc: UblDocument, language: Language): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    for (const violation of rule.check(doc)) {
      findings.push({
        ruleId: rule.id,
        severity: rule.severity,
        terms: rule.terms,
        xpath: xpathOf(violation.at, doc),
        line: violation.at.line,
        message: rule.messages[language],
        ...(violation.expected !== undefined ? { expected: violation.expected } : {}),
        ...(violation.found !== undefined ? { found: violation.found } : {}),
      });
    }
  }
  return findings;
}
