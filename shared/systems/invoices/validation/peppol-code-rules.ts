/**
 * Peppol BIS 3 rules on document type codes per profile, dates and exemption reason codes
 * (PEPPOL-EN16931-P01xx, F001), learnt from the OpenPEPPOL Schematron.
 */
import type { Rule } from "./rule-engine.js";
import { at, bt, type Messages } from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { descendants, first, textOf, type UblDocument } from "./ubl-document.js";

/**
 * The Schematron's `$profile`: the process number, or "Unknown". Its `matches` is unanchored
 * and its dots are unescaped; both are kept so verdicts stay comparable.
 */
export function profile(profileId: string): string {
  const match = /urn:fdc:peppol.eu:2017:poacc:billing:([0-9]{2}):1.0/.exec(profileId);
  return match ? match[1]! : "Unknown";
}

const normalized = (el: XmlElement) => el.text.replace(/\s+/g, " ").trim();
const postalCountry = (doc: UblDocument, party: string) =>
  textOf(doc.root, `${party}/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode`).toUpperCase();
const bothGerman = (doc: UblDocument) =>
  postalCountry(doc, "cac:AccountingSupplierParty") === "DE" &&
  postalCountry(doc, "cac:AccountingCustomerParty") === "DE";

/** Type codes billing process 01 allows. */
const PROFILE_01_INVOICE = new Set(
  "71 80 82 84 102 218 219 326 331 380 382 383 384 386 388 393 395 553 575 623 780 817 870 875 876 877".split(" "),
);
const PROFILE_01_CREDIT_NOTE = new Set("381 396 81 83 532".split(" "));

/** A real calendar date written YYYY-MM-DD (what `castable as xs:date` accepts at that length). */
function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year === 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/** VATEX exemption reason code -> the VAT category it requires (P0104..P0111). */
const EXEMPTION_CATEGORIES: readonly (readonly [string, string, string])[] = [
  ["PEPPOL-EN16931-P0104", "VATEX-EU-G", "G"],
  ["PEPPOL-EN16931-P0105", "VATEX-EU-O", "O"],
  ["PEPPOL-EN16931-P0106", "VATEX-EU-IC", "K"],
  ["PEPPOL-EN16931-P0107", "VATEX-EU-AE", "AE"],
  ["PEPPOL-EN16931-P0108", "VATEX-EU-D", "E"],
  ["PEPPOL-EN16931-P0109", "VATEX-EU-F", "E"],
  ["PEPPOL-EN16931-P0110", "VATEX-EU-I", "E"],
  ["PEPPOL-EN16931-P0111", "VATEX-EU-J", "E"],
];

const DATES = [
  "cbc:IssueDate",
  "cbc:DueDate",
  "cbc:TaxPointDate",
  "cbc:StartDate",
  "cbc:EndDate",
  "cbc:ActualDeliveryDate",
];

const typeCodeMessages = (what: Messages): Messages => ({
  en: `${what.en} is not allowed in billing process 01.`,
  nl: `${what.nl} is niet toegelaten in factuurproces 01.`,
  fr: `${what.fr} n'est pas admis dans le processus de facturation 01.`,
});

export const PEPPOL_CODE_RULES: readonly Rule[] = [
  at(
    "PEPPOL-EN16931-P0100",
    [bt("BT-3", "Invoice type code"), bt("BT-23", "Business process type")],
    "cbc:InvoiceTypeCode",
    (doc) => descendants(doc.root, "cbc:InvoiceTypeCode").slice(),
    (code, doc) =>
      profile(textOf(doc.root, "cbc:ProfileID")) !== "01" || PROFILE_01_INVOICE.has(normalized(code))
        ? undefined
        : { at: code, found: `'${normalized(code)}'` },
    typeCodeMessages({ en: "This invoice type code", nl: "Deze factuurtypecode", fr: "Ce code de type de facture" }),
  ),
  at(
    "PEPPOL-EN16931-P0101",
    [bt("BT-3", "Invoice type code"), bt("BT-23", "Business process type")],
    "cbc:CreditNoteTypeCode",
    (doc) => descendants(doc.root, "cbc:CreditNoteTypeCode").slice(),
    (code, doc) =>
      profile(textOf(doc.root, "cbc:ProfileID")) !== "01" || PROFILE_01_CREDIT_NOTE.has(normalized(code))
        ? undefined
        : { at: code, found: `'${normalized(code)}'` },
    typeCodeMessages({
      en: "This credit note type code",
      nl: "Deze creditnotatypecode",
      fr: "Ce code de type d'avoir",
    }),
  ),
  at(
    "PEPPOL-EN16931-P0112",
    [bt("BT-3", "Invoice type code")],
    "cbc:InvoiceTypeCode",
    (doc) => descendants(doc.root, "cbc:InvoiceTypeCode").slice(),
    (code, doc) =>
      !["326", "384"].includes(normalized(code)) || bothGerman(doc)
        ? undefined
        : { at: code, found: `'${normalized(code)}'` },
    {
      en: "Invoice type codes 326 (partial) and 384 (corrected) are only allowed between German seller and buyer.",
      nl: "Factuurtypecodes 326 (gedeeltelijk) en 384 (gecorrigeerd) zijn enkel toegelaten tussen een Duitse verkoper en koper.",
      fr: "Les codes de type 326 (partielle) et 384 (rectifiée) ne sont admis qu'entre vendeur et acheteur allemands.",
    },
  ),
  at(
    "PEPPOL-EN16931-F001",
    [bt("BT-2", "Invoice issue date"), bt("BT-9", "Payment due date"), bt("BT-72", "Actual delivery date")],
    DATES.join(" | "),
    (doc) => DATES.flatMap((name) => descendants(doc.root, name)),
    // The Schematron measures the text as written: surrounding spaces make it invalid.
    (date) => (isCalendarDate(date.text) ? undefined : { at: date, expected: "YYYY-MM-DD", found: `'${date.text}'` }),
    {
      en: "A date must be a calendar date written YYYY-MM-DD.",
      nl: "Een datum moet een kalenderdatum zijn in de vorm JJJJ-MM-DD.",
      fr: "Une date doit être une date du calendrier au format AAAA-MM-JJ.",
    },
  ),
  ...EXEMPTION_CATEGORIES.map(([id, reason, category]) =>
    at(
      id,
      [bt("BT-121", "VAT exemption reason code"), bt("BT-118", "VAT category code")],
      `cac:TaxCategory[upper-case(cbc:TaxExemptionReasonCode)='${reason}']`,
      (doc) =>
        descendants(doc.root, "cac:TaxCategory").filter(
          (c) => first(c, "cbc:TaxExemptionReasonCode")?.text.toUpperCase() === reason,
        ),
      (c) =>
        textOf(c, "cbc:ID") === category
          ? undefined
          : { at: c, expected: `'${category}'`, found: `'${textOf(c, "cbc:ID")}'` },
      {
        en: `The exemption reason ${reason} requires VAT category ${category}.`,
        nl: `De reden van vrijstelling ${reason} vereist btw-categorie ${category}.`,
        fr: `Le motif d'exonération ${reason} exige la catégorie de TVA ${category}.`,
      },
    ),
  ),
];
