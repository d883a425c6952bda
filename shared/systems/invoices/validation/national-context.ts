/**
 * What the Peppol BIS 3 national rules (DE, DK, GR, IS, IT, NL, NO, SE) share: the
 * Schematron's notions of "the seller's country" (each national section words it its own
 * way, kept apart here so each rule reads the one it was written with), a rule builder
 * with a severity, and the few XPath functions whose edge cases the rules depend on.
 */
import type { BusinessTerm, Rule, Severity, Violation } from "./rule-engine.js";
import type { Messages } from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, first, textOf, type UblDocument } from "./ubl-document.js";

const SUPPLIER = "cac:AccountingSupplierParty/cac:Party";
const CUSTOMER = "cac:AccountingCustomerParty/cac:Party";

/** XPath string value, not normalised ("" when absent): several rules compare it as written. */
export const raw = (from: XmlElement | undefined, path?: string): string => {
  const el = from && path ? first(from, path) : from;
  return el ? el.text : "";
};

/** The party's first PartyTaxScheme whose scheme id is written exactly 'VAT' (`[cac:TaxScheme/cbc:ID = 'VAT']`). */
const vatCompanyId = (party: XmlElement | undefined): XmlElement | undefined =>
  party
    ? all(party, "cac:PartyTaxScheme")
        .filter((s) => all(s, "cac:TaxScheme/cbc:ID").some((id) => id.text === "VAT"))
        .map((s) => first(s, "cbc:CompanyID"))
        .find((id) => id !== undefined)
    : undefined;

/** `upper-case(normalize-space(substring(CompanyID, 1, 2)))` of the VAT registration, "" when none. */
const vatPrefix = (party: XmlElement | undefined): string =>
  normalizeSpace(raw(vatCompanyId(party)).slice(0, 2)).toUpperCase();

const postal = (party: XmlElement | undefined) =>
  textOf(party, "cac:PostalAddress/cac:Country/cbc:IdentificationCode").toUpperCase();

/**
 * `$supplierCountry`: the seller's VAT prefix, else the tax representative's, else the
 * seller's postal country, else 'XX' (NO, IT and GR rules).
 */
export function supplierCountry(doc: UblDocument): string {
  const seller = first(doc.root, SUPPLIER);
  return (
    vatPrefix(seller) || vatPrefix(first(doc.root, "cac:TaxRepresentativeParty")) || (seller && postal(seller)) || "XX"
  );
}

/** `$accountingSupplierCountry` (GR-R-009): as `$supplierCountry` without the tax representative. */
export function accountingSupplierCountry(doc: UblDocument): string {
  const seller = first(doc.root, SUPPLIER);
  return vatPrefix(seller) || (seller && postal(seller)) || "XX";
}

/** `$customerCountry`: the buyer's VAT prefix, else postal country, else 'XX'. */
export function customerCountry(doc: UblDocument): string {
  const buyer = first(doc.root, CUSTOMER);
  return vatPrefix(buyer) || (buyer && postal(buyer)) || "XX";
}

/** Postal country as DE and NL read it: upper-case(normalize-space()). */
export const postalCountry = (doc: UblDocument, party: "supplier" | "customer"): string =>
  postal(first(doc.root, party === "supplier" ? SUPPLIER : CUSTOMER));

/** Postal country as DK, IS and SE read it: the code as written. */
export const postalCountryAsWritten = (doc: UblDocument, party: "supplier" | "customer"): string =>
  raw(
    first(doc.root, party === "supplier" ? SUPPLIER : CUSTOMER),
    "cac:PostalAddress/cac:Country/cbc:IdentificationCode",
  );

export const supplierParty = (doc: UblDocument) => all(doc.root, SUPPLIER);
export const customerParty = (doc: UblDocument) => all(doc.root, CUSTOMER);
export { vatCompanyId };

/**
 * A national rule: it applies only when `applies` says the document is in its country
 * (the Schematron's context predicate), then checks each context element.
 */
export function nationalRule(spec: {
  id: string;
  severity?: Severity;
  terms?: BusinessTerm[];
  context: string;
  applies: (doc: UblDocument) => boolean;
  contexts: (doc: UblDocument) => readonly XmlElement[];
  test: (el: XmlElement, doc: UblDocument) => boolean | Violation;
  messages: Messages;
}): Rule {
  return {
    id: spec.id,
    severity: spec.severity ?? "fatal",
    terms: spec.terms ?? [],
    context: spec.context,
    messages: spec.messages,
    check: (doc) => {
      if (!spec.applies(doc)) return [];
      const violations: Violation[] = [];
      for (const el of spec.contexts(doc)) {
        const result = spec.test(el, doc);
        // A value the rule judged (an identifier, an account) is shown as found, so a person
        // sees what to fix without opening the XML.
        if (result === false)
          violations.push(el.children.length === 0 ? { at: el, found: `'${normalizeSpace(el.text)}'` } : { at: el });
        else if (result !== true) violations.push(result);
      }
      return violations;
    },
  };
}

/** The document root as the only context. */
export const root = (doc: UblDocument) => [doc.root];

/** XPath number(): the trimmed text as a double, NaN for anything else (no hex, no blanks inside). */
export function xpathNumber(value: string): number {
  const trimmed = value.trim();
  if (/^[+-]?(INF)$/.test(trimmed)) return trimmed.startsWith("-") ? -Infinity : Infinity;
  return /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(trimmed) ? Number(trimmed) : NaN;
}

/** XPath normalize-space(). */
export const normalizeSpace = (value: string) => value.replace(/[ \t\r\n]+/g, " ").trim();

/** Element present with a non-blank value (`x[boolean(normalize-space(.))]`). */
export const given = (from: XmlElement, path: string) => all(from, path).some((el) => normalizeSpace(el.text) !== "");
/** Element present at all (`exists(x)`), even empty. */
export const present = (from: XmlElement, path: string) => first(from, path) !== undefined;
