/**
 * The validator's entry: safe intake, SBDH unwrap, rule set chosen by the document's
 * CustomizationID (BT-24), findings in the asked language. A refused document (DOCTYPE,
 * entity, size, depth, not well-formed, not UBL) is a report with one finding, never a
 * crash, so the caller can store and show it like any other verdict.
 */
import { EN16931_RULES } from "./en16931-rules.js";
import { PEPPOL_RULES } from "./peppol-rules.js";
import { runRules, type Finding, type Language, type Rule } from "./rule-engine.js";
import { DEFAULT_XML_LIMITS, parseXml, XmlRefusedError, type XmlElement, type XmlLimits } from "./safe-xml.js";
import { textOf, ublDocument } from "./ubl-document.js";

export interface RuleSet {
  /** Name and version, so a stored verdict says which rules judged it. */
  readonly id: "EN16931" | "PEPPOL-BIS-BILLING-3.0";
  readonly version: string;
  readonly rules: readonly Rule[];
}

export const EN16931_CUSTOMIZATION = "urn:cen.eu:en16931:2017";
export const PEPPOL_BIS3_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";

export const EN16931_RULE_SET: RuleSet = { id: "EN16931", version: "1.3.14-subset.11", rules: EN16931_RULES };
export const PEPPOL_RULE_SET: RuleSet = {
  id: "PEPPOL-BIS-BILLING-3.0",
  version: "3.0.19-subset.12",
  rules: [...EN16931_RULES, ...PEPPOL_RULES],
};

/** Peppol BIS for its CustomizationID; EN 16931 core for any other (BR-01 still judges absence). */
export function ruleSetFor(customizationId: string): RuleSet {
  return customizationId === PEPPOL_BIS3_CUSTOMIZATION ? PEPPOL_RULE_SET : EN16931_RULE_SET;
}

/** Every rule id the validator implements, for reports and the conformance check. */
export function implementedRuleIds(): string[] {
  return PEPPOL_RULE_SET.rules.map((rule) => rule.id);
}

export interface ValidationReport {
  readonly valid: boolean;
  readonly customizationId: string | null;
  readonly ruleSet: { readonly id: string; readonly version: string } | null;
  readonly findings: readonly Finding[];
}

export interface ValidateOptions {
  readonly language?: Language;
  readonly limits?: XmlLimits;
}

const REFUSAL_MESSAGES: Readonly<Record<XmlRefusedError["reason"], Readonly<Record<Language, string>>>> = {
  doctype: {
    en: "The document declares a DOCTYPE or entities, which invoices may not (refused to prevent entity expansion and external access).",
    nl: "Het document bevat een DOCTYPE of entiteiten, wat een factuur niet mag (geweigerd om entiteitsexpansie en externe toegang te voorkomen).",
    fr: "Le document déclare un DOCTYPE ou des entités, ce qu'une facture ne peut pas faire (refusé pour empêcher l'expansion d'entités et l'accès externe).",
  },
  "too-large": {
    en: "The document is larger than the validator accepts.",
    nl: "Het document is groter dan de validator aanvaardt.",
    fr: "Le document dépasse la taille acceptée par le validateur.",
  },
  "too-deep": {
    en: "The document's elements are nested deeper than the validator accepts.",
    nl: "De elementen van het document zijn dieper genest dan de validator aanvaardt.",
    fr: "Les éléments du document sont imbriqués plus profondément que le validateur ne l'accepte.",
  },
  malformed: {
    en: "The document is not a well-formed UBL Invoice or CreditNote.",
    nl: "Het document is geen correct gevormde UBL-factuur of -creditnota.",
    fr: "Le document n'est pas une facture ou une note de crédit UBL bien formée.",
  },
};

/** Rule id of a refused document: ours, since no official rule covers intake refusals. */
export const INTAKE_RULE_PREFIX = "XML-";

export function validateInvoiceXml(input: Uint8Array | string, options: ValidateOptions = {}): ValidationReport {
  const language = options.language ?? "en";
  let doc;
  try {
    doc = ublDocument(parseXml(input, options.limits ?? DEFAULT_XML_LIMITS));
  } catch (error) {
    if (!(error instanceof XmlRefusedError)) throw error;
    const finding: Finding = {
      ruleId: `${INTAKE_RULE_PREFIX}${error.reason.toUpperCase()}`,
      severity: "fatal",
      terms: [],
      xpath: "/",
      line: error.line,
      message: `${REFUSAL_MESSAGES[error.reason][language]} (${error.message})`,
    };
    return { valid: false, customizationId: null, ruleSet: null, findings: [finding] };
  }
  return judge(doc, language);
}

/**
 * Validates an already parsed Invoice/CreditNote element (or SBDH envelope): the
 * conformance harness uses it for the documents embedded in official-format testSets.
 */
export function validateUblElement(root: XmlElement, language: Language = "en"): ValidationReport {
  return judge(ublDocument(root), language);
}

function judge(doc: ReturnType<typeof ublDocument>, language: Language): ValidationReport {
  const customizationId = textOf(doc.root, "cbc:CustomizationID");
  const ruleSet = ruleSetFor(customizationId);
  const findings = runRules(ruleSet.rules, doc, language);
  return {
    valid: !findings.some((f) => f.severity === "fatal"),
    customizationId: customizationId || null,
    ruleSet: { id: ruleSet.id, version: ruleSet.version },
    findings,
  };
}
