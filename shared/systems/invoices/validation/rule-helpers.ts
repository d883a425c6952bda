/**
 * Small builders and XPath-like helpers shared by the rule families: a rule is data plus a
 * check, and these keep each check close to the Schematron expression it mirrors.
 */
import { add, compare, formatDecimal, roundHalfUp, sub, sum, type Decimal } from "./decimal.js";
import type { BusinessTerm, Language, Rule, Violation } from "./rule-engine.js";
import type { XmlElement } from "./safe-xml.js";
import { all, decimalOf, descendants, first, NS, textOf, type UblDocument } from "./ubl-document.js";

export const bt = (id: string, name: string): BusinessTerm => ({ id, name });
export type Messages = Readonly<Record<Language, string>>;

/** A rule whose context is the document root and which fails when `present` is false. */
export function required(
  id: string,
  terms: BusinessTerm[],
  present: (root: XmlElement) => boolean,
  messages: Messages,
): Rule {
  return {
    id,
    severity: "fatal",
    terms,
    context: "/Invoice | /CreditNote",
    messages,
    check: (doc) => (present(doc.root) ? [] : [{ at: doc.root }]),
  };
}

/** A rule checked at each element a context function yields. */
export function at(
  id: string,
  terms: BusinessTerm[],
  context: string,
  contexts: (doc: UblDocument) => XmlElement[],
  test: (el: XmlElement, doc: UblDocument) => Violation | undefined,
  messages: Messages,
): Rule {
  return {
    id,
    severity: "fatal",
    terms,
    context,
    messages,
    check: (doc) => {
      // A loop, not flatMap: most of the thousands of contexts pass, and need no array each.
      const violations: Violation[] = [];
      for (const el of contexts(doc)) {
        const violation = test(el, doc);
        if (violation) violations.push(violation);
      }
      return violations;
    },
  };
}

export const filled = (path: string) => (root: XmlElement) => textOf(root, path) !== "";
/** The document's lines, found once per document: dozens of rules ask. Do not mutate. */
const lineCache = new WeakMap<XmlElement, XmlElement[]>();
export function lines(doc: UblDocument): XmlElement[] {
  let found = lineCache.get(doc.root);
  if (!found)
    lineCache.set(doc.root, (found = all(doc.root, doc.kind === "Invoice" ? "cac:InvoiceLine" : "cac:CreditNoteLine")));
  return found;
}
export const totals = (doc: UblDocument) => all(doc.root, "cac:LegalMonetaryTotal");

/** xs:boolean lexical forms; undefined for anything else. */
export function indicator(el: XmlElement): boolean | undefined {
  const value = textOf(el, "cbc:ChargeIndicator");
  return value === "true" || value === "1" ? true : value === "false" || value === "0" ? false : undefined;
}
export const documentAllowanceCharges = (doc: UblDocument, charge: boolean) =>
  all(doc.root, "cac:AllowanceCharge").filter((ac) => indicator(ac) === charge);

/** Sum of decimals, or the text of the first value that is not a decimal. */
export function total(elements: (XmlElement | undefined)[]): Decimal | string {
  const values: Decimal[] = [];
  for (const el of elements) {
    const value = decimalOf(el);
    if (!value) return `'${el?.text.trim() ?? ""}' is not a number`;
    values.push(value);
  }
  return sum(values);
}

export function shown(el: XmlElement | undefined): string {
  if (!el) return "(absent)";
  const value = decimalOf(el);
  return value ? formatDecimal(value) : `'${el.text.trim()}'`;
}

/** Compares a stated amount with the amount the rule computes; a violation when they differ. */
export function equals(
  stated: XmlElement | undefined,
  expected: Decimal | string,
  atEl: XmlElement,
): Violation | undefined {
  const found = decimalOf(stated);
  if (typeof expected === "string") return { at: stated ?? atEl, expected, found: shown(stated) };
  if (found && compare(found, expected) === 0) return undefined;
  return { at: stated ?? atEl, expected: formatDecimal(expected), found: shown(stated) };
}

export const round2 = (value: Decimal | string): Decimal | string =>
  typeof value === "string" ? value : roundHalfUp(value, 2);
export const plus = (a: Decimal | string, b: Decimal | string): Decimal | string =>
  typeof a === "string" ? a : typeof b === "string" ? b : add(a, b);
export const minus = (a: Decimal | string, b: Decimal | string): Decimal | string =>
  typeof a === "string" ? a : typeof b === "string" ? b : sub(a, b);
export const amount = (parent: XmlElement, path: string): Decimal | string => total([first(parent, path)]);

/** Tax categories with this code in the VAT scheme (normalize-space, upper-case scheme id). */
export function vatCategories(elements: XmlElement[], code: string): XmlElement[] {
  return elements.filter(
    (category) =>
      textOf(category, "cbc:ID") === code && textOf(category, "cac:TaxScheme/cbc:ID").toUpperCase() === "VAT",
  );
}

/**
 * VAT-scheme categories anywhere in the document (`//name`), grouped by code and remembered
 * per document: six families ask the same question of every line's category.
 */
const categoryIndex = new WeakMap<XmlElement, Map<string, Map<string, XmlElement[]>>>();
export function vatCategoriesAnywhere(doc: UblDocument, name: string, code: string): readonly XmlElement[] {
  let byName = categoryIndex.get(doc.root);
  if (!byName) categoryIndex.set(doc.root, (byName = new Map<string, Map<string, XmlElement[]>>()));
  let byCode = byName.get(name);
  if (!byCode) {
    byName.set(name, (byCode = new Map<string, XmlElement[]>()));
    for (const category of descendants(doc.root, name)) {
      if (textOf(category, "cac:TaxScheme/cbc:ID").toUpperCase() !== "VAT") continue;
      const key = textOf(category, "cbc:ID");
      const list = byCode.get(key);
      if (list) list.push(category);
      else byCode.set(key, [category]);
    }
  }
  return byCode.get(code) ?? [];
}

/** The VAT categories of the items of this document's lines (`cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory`). */
export function lineItemVatCategories(doc: UblDocument, code: string): XmlElement[] {
  const lineName = doc.kind === "Invoice" ? "InvoiceLine" : "CreditNoteLine";
  return vatCategoriesAnywhere(doc, "cac:ClassifiedTaxCategory", code).filter((c) => {
    const item = c.parent;
    const line = item?.parent;
    return (
      item?.ns === NS.cac &&
      item.local === "Item" &&
      line?.parent === doc.root &&
      line.ns === NS.cac &&
      line.local === lineName
    );
  });
}

/** The UBL amount elements that carry a currencyID: the currency code-list rules of EN 16931 and Peppol read them all. */
export const AMOUNTS = [
  "cbc:Amount",
  "cbc:BaseAmount",
  "cbc:PriceAmount",
  "cbc:TaxAmount",
  "cbc:TaxableAmount",
  "cbc:LineExtensionAmount",
  "cbc:TaxExclusiveAmount",
  "cbc:TaxInclusiveAmount",
  "cbc:AllowanceTotalAmount",
  "cbc:ChargeTotalAmount",
  "cbc:PrepaidAmount",
  "cbc:PayableRoundingAmount",
  "cbc:PayableAmount",
];
