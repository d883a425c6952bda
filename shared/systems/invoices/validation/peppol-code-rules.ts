/**
 * Peppol BIS 3 rules on document type codes per profile, dates and exemption reason codes
 * (PEPPOL-EN16931-P01xx, F001) and Peppol's own code lists (CL001..CL008), learnt from the
 * OpenPEPPOL Schematron. Its code-list tests are `some $code in $LIST satisfies x = $code`:
 * attributes compared as written, element text after normalize-space.
 */
import {
  ATTACHMENT_MIME_TYPES,
  PEPPOL_EAS_SCHEMES,
  PEPPOL_ISO_4217_CURRENCIES,
  UNCL_5189_ALLOWANCE_REASONS,
  UNCL_7161_CHARGE_REASONS,
  UNTDID_2005_VAT_POINT,
} from "./code-lists.js";
import type { BusinessTerm, Rule, Violation } from "./rule-engine.js";
import { AMOUNTS, at, bt, type Messages } from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, descendants, first, textOf, type UblDocument } from "./ubl-document.js";

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

function listRule(
  id: string,
  terms: BusinessTerm[],
  context: string,
  select: (doc: UblDocument) => XmlElement[],
  value: (el: XmlElement) => string,
  codes: ReadonlySet<string>,
  messages: Messages,
): Rule {
  return at(
    id,
    terms,
    context,
    select,
    (el): Violation | undefined => (codes.has(value(el)) ? undefined : { at: el, found: `'${value(el)}'` }),
    messages,
  );
}

const attribute = (name: string) => (el: XmlElement) => el.attributes.get(name) ?? "";
const withAttribute = (name: string) => (el: XmlElement) => el.attributes.has(name);
/** `cac:AllowanceCharge[cbc:ChargeIndicator = 'x']`: the indicator's text exactly as written. */
const reasonCodes = (doc: UblDocument, indicator: "true" | "false") =>
  descendants(doc.root, "cac:AllowanceCharge")
    .filter((ac) => all(ac, "cbc:ChargeIndicator").some((i) => i.text === indicator))
    .flatMap((ac) => all(ac, "cbc:AllowanceChargeReasonCode"));

function codeListRules(): Rule[] {
  return [
    listRule(
      "PEPPOL-EN16931-CL001",
      [bt("BT-125", "Attached document")],
      "cbc:EmbeddedDocumentBinaryObject[@mimeCode]",
      (doc) => descendants(doc.root, "cbc:EmbeddedDocumentBinaryObject").filter(withAttribute("mimeCode")),
      attribute("mimeCode"),
      ATTACHMENT_MIME_TYPES,
      {
        en: "An attached document must be PDF, PNG, JPEG, CSV, XLSX or ODS (mimeCode).",
        nl: "Een bijgevoegd document moet PDF, PNG, JPEG, CSV, XLSX of ODS zijn (mimeCode).",
        fr: "Un document joint doit être au format PDF, PNG, JPEG, CSV, XLSX ou ODS (mimeCode).",
      },
    ),
    listRule(
      "PEPPOL-EN16931-CL002",
      [bt("BT-98", "Document level allowance reason code")],
      "cac:AllowanceCharge[cbc:ChargeIndicator = 'false']/cbc:AllowanceChargeReasonCode",
      (doc) => reasonCodes(doc, "false"),
      normalized,
      UNCL_5189_ALLOWANCE_REASONS,
      {
        en: "An allowance reason code must be one of the UNCL 5189 codes Peppol allows.",
        nl: "Een redencode van een korting moet een van de door Peppol toegelaten UNCL 5189-codes zijn.",
        fr: "Un code de motif de remise doit être l'un des codes UNCL 5189 admis par Peppol.",
      },
    ),
    listRule(
      "PEPPOL-EN16931-CL003",
      [bt("BT-105", "Document level charge reason code")],
      "cac:AllowanceCharge[cbc:ChargeIndicator = 'true']/cbc:AllowanceChargeReasonCode",
      (doc) => reasonCodes(doc, "true"),
      normalized,
      UNCL_7161_CHARGE_REASONS,
      {
        en: "A charge reason code must be an UNCL 7161 code.",
        nl: "Een redencode van een toeslag moet een UNCL 7161-code zijn.",
        fr: "Un code de motif de frais doit être un code UNCL 7161.",
      },
    ),
    listRule(
      "PEPPOL-EN16931-CL006",
      [bt("BT-8", "Value added tax point date code")],
      "cac:InvoicePeriod/cbc:DescriptionCode",
      (doc) => descendants(doc.root, "cac:InvoicePeriod").flatMap((p) => all(p, "cbc:DescriptionCode")),
      normalized,
      UNTDID_2005_VAT_POINT,
      {
        en: "The invoice period description code must be 3, 35 or 432 (UNCL 2005).",
        nl: "De omschrijvingscode van de factuurperiode moet 3, 35 of 432 zijn (UNCL 2005).",
        fr: "Le code de description de la période de facturation doit être 3, 35 ou 432 (UNCL 2005).",
      },
    ),
    listRule(
      "PEPPOL-EN16931-CL007",
      [bt("BT-5", "Invoice currency code")],
      AMOUNTS.join(" | "),
      (doc) => AMOUNTS.flatMap((name) => descendants(doc.root, name)),
      attribute("currencyID"),
      PEPPOL_ISO_4217_CURRENCIES,
      {
        en: "Every amount's currencyID must be an ISO 4217 currency code.",
        nl: "De currencyID van elk bedrag moet een ISO 4217-muntcode zijn.",
        fr: "Le currencyID de chaque montant doit être un code de devise ISO 4217.",
      },
    ),
    listRule(
      "PEPPOL-EN16931-CL008",
      [bt("BT-34", "Seller electronic address"), bt("BT-49", "Buyer electronic address")],
      "cbc:EndpointID[@schemeID]",
      (doc) => descendants(doc.root, "cbc:EndpointID").filter(withAttribute("schemeID")),
      attribute("schemeID"),
      PEPPOL_EAS_SCHEMES,
      {
        en: "The scheme of an electronic address must be one Peppol accepts (e.g. 0208 for a Belgian enterprise number).",
        nl: "Het schema van een elektronisch adres moet door Peppol aanvaard zijn (bv. 0208 voor een Belgisch ondernemingsnummer).",
        fr: "Le schéma d'une adresse électronique doit être accepté par Peppol (p. ex. 0208 pour un numéro d'entreprise belge).",
      },
    ),
  ];
}

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
  ...codeListRules(),
];
