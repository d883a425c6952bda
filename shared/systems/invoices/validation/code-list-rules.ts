/**
 * EN 16931 code-list rules (BR-CL-*), learnt from the CEN Schematron's EN16931-UBL-codes.sch.
 * Each rule names where a code sits (an element, or one of its attributes) and the list it
 * must come from; the lists themselves are data in code-lists.ts.
 */
import {
  ATTACHMENT_MIME_TYPES,
  CEF_EAS_SCHEMES,
  ISO_3166_COUNTRIES,
  ISO_4217_CURRENCIES,
  ISO_6523_ICD,
  UNCL_4461_PAYMENT_MEANS,
  UNCL_5189_ALLOWANCE_REASONS,
  UNCL_5305_VAT_CATEGORIES,
  UNCL_7161_CHARGE_REASONS,
  UNECE_REC_20_UNITS,
  UNTDID_1001_CREDIT_NOTE,
  UNTDID_1001_INVOICE,
  UNTDID_1153_REFERENCES,
  UNTDID_2005_VAT_POINT,
  UNTDID_7143_ITEM_CLASSIFICATIONS,
  VATEX_REASONS,
} from "./code-lists.js";
import type { BusinessTerm, Rule, Violation } from "./rule-engine.js";
import { AMOUNTS, bt, indicator, type Messages } from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, descendants, NS, type UblDocument } from "./ubl-document.js";

/** Where the code sits: elements (by `//parent/child` or `//name`), and optionally an attribute. */
interface CodeSite {
  readonly select: (doc: UblDocument) => XmlElement[];
  /** The attribute holding the code; the element's text when absent. */
  readonly attribute?: string;
  /** Only elements carrying the attribute are judged (the Schematron's `[@schemeID]`). */
  readonly onlyWithAttribute?: boolean;
  /** Compared as written, without normalize-space (BR-CL-24's `@mimeCode = '...'`). */
  readonly exact?: boolean;
}

const under = (parent: string, child: string) => (doc: UblDocument) =>
  descendants(doc.root, parent).flatMap((p) => all(p, child));
const named =
  (...names: string[]) =>
  (doc: UblDocument) =>
    names.flatMap((name) => descendants(doc.root, name));

/** normalize-space() of the code (unless exact): the text, or the attribute's value. */
function codeOf(el: XmlElement, site: CodeSite): string {
  const raw = site.attribute ? (el.attributes.get(site.attribute) ?? "") : el.text;
  return site.exact ? raw : raw.replace(/\s+/g, " ").trim();
}

/** The Schematron's `not(contains(v, ' ')) and contains(' LIST ', concat(' ', v, ' '))`. */
function listed(value: string, codes: ReadonlySet<string>): boolean {
  return !value.includes(" ") && codes.has(value);
}

function codeRule(
  id: string,
  terms: BusinessTerm[],
  context: string,
  site: CodeSite,
  accept: (value: string, el: XmlElement) => boolean,
  messages: Messages,
): Rule {
  return {
    id,
    severity: "fatal",
    terms,
    context,
    messages,
    check: (doc) =>
      site
        .select(doc)
        .filter((el) => !site.onlyWithAttribute || el.attributes.has(site.attribute!))
        .flatMap((el): Violation[] => {
          const value = codeOf(el, site);
          return accept(value, el) ? [] : [{ at: el, found: `'${value}'` }];
        }),
  };
}

const inList = (codes: ReadonlySet<string>) => (value: string) => listed(value, codes);

const icd = (what: Messages): Messages => ({
  en: `The scheme of ${what.en} must be an ISO 6523 ICD code.`,
  nl: `Het schema van ${what.nl} moet een ISO 6523 ICD-code zijn.`,
  fr: `Le schéma de ${what.fr} doit être un code ICD ISO 6523.`,
});
const country = (what: Messages): Messages => ({
  en: `${what.en} must be an ISO 3166-1 alpha-2 country code.`,
  nl: `${what.nl} moet een ISO 3166-1 alfa-2-landcode zijn.`,
  fr: `${what.fr} doit être un code pays ISO 3166-1 alpha-2.`,
});

function isWithin(el: XmlElement, local: string): boolean {
  for (let p = el.parent; p; p = p.parent) if (p.ns === NS.cac && p.local === local) return true;
  return false;
}

export const CODE_LIST_RULES: readonly Rule[] = [
  codeRule(
    "BR-CL-01",
    [bt("BT-3", "Invoice type code")],
    "cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode",
    { select: named("cbc:InvoiceTypeCode", "cbc:CreditNoteTypeCode") },
    (value, el) => listed(value, el.local === "InvoiceTypeCode" ? UNTDID_1001_INVOICE : UNTDID_1001_CREDIT_NOTE),
    {
      en: "The invoice type code must be an UNTDID 1001 code for invoices (e.g. 380) or credit notes (e.g. 381).",
      nl: "De factuurtypecode moet een UNTDID 1001-code voor facturen (bv. 380) of creditnota's (bv. 381) zijn.",
      fr: "Le code de type de facture doit être un code UNTDID 1001 de facture (p. ex. 380) ou d'avoir (p. ex. 381).",
    },
  ),
  codeRule(
    "BR-CL-03",
    [bt("BT-5", "Invoice currency code")],
    AMOUNTS.join(" | "),
    { select: named(...AMOUNTS), attribute: "currencyID" },
    inList(ISO_4217_CURRENCIES),
    {
      en: "Every amount's currencyID must be an ISO 4217 currency code.",
      nl: "De currencyID van elk bedrag moet een ISO 4217-muntcode zijn.",
      fr: "Le currencyID de chaque montant doit être un code de devise ISO 4217.",
    },
  ),
  codeRule(
    "BR-CL-04",
    [bt("BT-5", "Invoice currency code")],
    "cbc:DocumentCurrencyCode",
    { select: named("cbc:DocumentCurrencyCode") },
    inList(ISO_4217_CURRENCIES),
    {
      en: "The invoice currency must be an ISO 4217 currency code.",
      nl: "De factuurmunt moet een ISO 4217-muntcode zijn.",
      fr: "La devise de la facture doit être un code ISO 4217.",
    },
  ),
  codeRule(
    "BR-CL-05",
    [bt("BT-6", "VAT accounting currency code")],
    "cbc:TaxCurrencyCode",
    { select: named("cbc:TaxCurrencyCode") },
    inList(ISO_4217_CURRENCIES),
    {
      en: "The VAT accounting currency must be an ISO 4217 currency code.",
      nl: "De munt voor de btw-boekhouding moet een ISO 4217-muntcode zijn.",
      fr: "La devise de comptabilisation de la TVA doit être un code ISO 4217.",
    },
  ),
  codeRule(
    "BR-CL-06",
    [bt("BT-8", "Value added tax point date code")],
    "cac:InvoicePeriod/cbc:DescriptionCode",
    { select: under("cac:InvoicePeriod", "cbc:DescriptionCode") },
    inList(UNTDID_2005_VAT_POINT),
    {
      en: "The VAT point date code must be 3, 35 or 432 (UNTDID 2005).",
      nl: "De code van de btw-opeisbaarheidsdatum moet 3, 35 of 432 zijn (UNTDID 2005).",
      fr: "Le code de la date d'exigibilité de la TVA doit être 3, 35 ou 432 (UNTDID 2005).",
    },
  ),
  codeRule(
    "BR-CL-07",
    [bt("BT-18", "Invoiced object identifier")],
    "cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '130']/cbc:ID[@schemeID]",
    {
      select: (doc) =>
        ["cac:AdditionalDocumentReference", "cac:DocumentReference"]
          .flatMap((name) => descendants(doc.root, name))
          .filter((ref) => all(ref, "cbc:DocumentTypeCode").some((code) => code.text === "130"))
          .flatMap((ref) => all(ref, "cbc:ID")),
      attribute: "schemeID",
      onlyWithAttribute: true,
    },
    inList(UNTDID_1153_REFERENCES),
    {
      en: "The scheme of the invoiced object identifier must be an UNTDID 1153 code.",
      nl: "Het schema van de identificatie van het gefactureerde object moet een UNTDID 1153-code zijn.",
      fr: "Le schéma de l'identifiant de l'objet facturé doit être un code UNTDID 1153.",
    },
  ),
  codeRule(
    "BR-CL-10",
    [bt("BT-29", "Seller identifier"), bt("BT-46", "Buyer identifier"), bt("BT-60", "Payee identifier")],
    "cac:PartyIdentification/cbc:ID[@schemeID]",
    { select: under("cac:PartyIdentification", "cbc:ID"), attribute: "schemeID", onlyWithAttribute: true },
    // SEPA (a creditor identifier) is allowed for the seller and the payee only.
    (value, el) =>
      listed(value, ISO_6523_ICD) ||
      (value === "SEPA" && (isWithin(el, "AccountingSupplierParty") || isWithin(el, "PayeeParty"))),
    icd({ en: "a party identifier", nl: "een partij-identificatie", fr: "l'identifiant d'une partie" }),
  ),
  codeRule(
    "BR-CL-11",
    [bt("BT-30", "Seller legal registration identifier"), bt("BT-47", "Buyer legal registration identifier")],
    "cac:PartyLegalEntity/cbc:CompanyID[@schemeID]",
    { select: under("cac:PartyLegalEntity", "cbc:CompanyID"), attribute: "schemeID", onlyWithAttribute: true },
    inList(ISO_6523_ICD),
    icd({
      en: "a legal registration identifier",
      nl: "een ondernemingsnummer",
      fr: "un identifiant d'immatriculation légale",
    }),
  ),
  codeRule(
    "BR-CL-13",
    [bt("BT-158", "Item classification identifier")],
    "cac:CommodityClassification/cbc:ItemClassificationCode[@listID]",
    {
      select: under("cac:CommodityClassification", "cbc:ItemClassificationCode"),
      attribute: "listID",
      onlyWithAttribute: true,
    },
    inList(UNTDID_7143_ITEM_CLASSIFICATIONS),
    {
      en: "The scheme of an item classification must be an UNTDID 7143 code.",
      nl: "Het schema van een artikelclassificatie moet een UNTDID 7143-code zijn.",
      fr: "Le schéma d'une classification d'article doit être un code UNTDID 7143.",
    },
  ),
  codeRule(
    "BR-CL-14",
    [bt("BT-40", "Seller country code"), bt("BT-55", "Buyer country code"), bt("BT-80", "Deliver to country code")],
    "cac:Country/cbc:IdentificationCode",
    { select: under("cac:Country", "cbc:IdentificationCode") },
    inList(ISO_3166_COUNTRIES),
    country({ en: "A country code", nl: "Een landcode", fr: "Un code pays" }),
  ),
  codeRule(
    "BR-CL-15",
    [bt("BT-159", "Item country of origin")],
    "cac:OriginCountry/cbc:IdentificationCode",
    { select: under("cac:OriginCountry", "cbc:IdentificationCode") },
    inList(ISO_3166_COUNTRIES),
    country({
      en: "The item's country of origin",
      nl: "Het land van oorsprong van het artikel",
      fr: "Le pays d'origine de l'article",
    }),
  ),
  codeRule(
    "BR-CL-16",
    [bt("BT-81", "Payment means type code")],
    "cac:PaymentMeans/cbc:PaymentMeansCode",
    { select: under("cac:PaymentMeans", "cbc:PaymentMeansCode") },
    inList(UNCL_4461_PAYMENT_MEANS),
    {
      en: "The payment means must be an UNCL 4461 code (e.g. 30 credit transfer, 58 SEPA credit transfer).",
      nl: "Het betaalmiddel moet een UNCL 4461-code zijn (bv. 30 overschrijving, 58 SEPA-overschrijving).",
      fr: "Le moyen de paiement doit être un code UNCL 4461 (p. ex. 30 virement, 58 virement SEPA).",
    },
  ),
  codeRule(
    "BR-CL-17",
    [bt("BT-118", "VAT category code"), bt("BT-95", "Document level allowance VAT category code")],
    "cac:TaxCategory/cbc:ID",
    { select: under("cac:TaxCategory", "cbc:ID") },
    inList(UNCL_5305_VAT_CATEGORIES),
    {
      en: "The VAT category must be one of the UNCL5305 codes AE, L, M, E, S, Z, G, O, K, B.",
      nl: "De btw-categorie moet een van de UNCL5305-codes AE, L, M, E, S, Z, G, O, K, B zijn.",
      fr: "La catégorie de TVA doit être l'un des codes UNCL5305 AE, L, M, E, S, Z, G, O, K, B.",
    },
  ),
  codeRule(
    "BR-CL-18",
    [bt("BT-151", "Invoiced item VAT category code")],
    "cac:ClassifiedTaxCategory/cbc:ID",
    { select: under("cac:ClassifiedTaxCategory", "cbc:ID") },
    inList(UNCL_5305_VAT_CATEGORIES),
    {
      en: "The item's VAT category must be one of the UNCL5305 codes AE, L, M, E, S, Z, G, O, K, B.",
      nl: "De btw-categorie van het artikel moet een van de UNCL5305-codes AE, L, M, E, S, Z, G, O, K, B zijn.",
      fr: "La catégorie de TVA de l'article doit être l'un des codes UNCL5305 AE, L, M, E, S, Z, G, O, K, B.",
    },
  ),
  ...([false, true] as const).map((charge) =>
    codeRule(
      charge ? "BR-CL-20" : "BR-CL-19",
      [
        charge
          ? bt("BT-105", "Document level charge reason code")
          : bt("BT-98", "Document level allowance reason code"),
      ],
      `cac:AllowanceCharge[cbc:ChargeIndicator = ${charge}()]/cbc:AllowanceChargeReasonCode`,
      {
        select: (doc) =>
          descendants(doc.root, "cac:AllowanceCharge")
            .filter((ac) => indicator(ac) === charge)
            .flatMap((ac) => all(ac, "cbc:AllowanceChargeReasonCode")),
      },
      inList(charge ? UNCL_7161_CHARGE_REASONS : UNCL_5189_ALLOWANCE_REASONS),
      charge
        ? {
            en: "A charge reason code must be an UNCL 7161 code.",
            nl: "Een redencode van een toeslag moet een UNCL 7161-code zijn.",
            fr: "Un code de motif de frais doit être un code UNCL 7161.",
          }
        : {
            en: "An allowance reason code must be one of the UNCL 5189 codes EN 16931 allows.",
            nl: "Een redencode van een korting moet een van de door EN 16931 toegelaten UNCL 5189-codes zijn.",
            fr: "Un code de motif de remise doit être l'un des codes UNCL 5189 admis par EN 16931.",
          },
    ),
  ),
  codeRule(
    "BR-CL-21",
    [bt("BT-157", "Item standard identifier")],
    "cac:StandardItemIdentification/cbc:ID[@schemeID]",
    { select: under("cac:StandardItemIdentification", "cbc:ID"), attribute: "schemeID", onlyWithAttribute: true },
    inList(ISO_6523_ICD),
    icd({
      en: "an item standard identifier",
      nl: "een standaardidentificatie van een artikel",
      fr: "l'identifiant standard d'un article",
    }),
  ),
  codeRule(
    "BR-CL-22",
    [bt("BT-121", "VAT exemption reason code")],
    "cbc:TaxExemptionReasonCode",
    { select: named("cbc:TaxExemptionReasonCode") },
    // The Schematron upper-cases the code before looking it up.
    (value) => listed(value.toUpperCase(), VATEX_REASONS),
    {
      en: "A VAT exemption reason code must be a CEF VATEX code (e.g. VATEX-EU-AE).",
      nl: "Een code van vrijstelling moet een CEF VATEX-code zijn (bv. VATEX-EU-AE).",
      fr: "Un code de motif d'exonération doit être un code CEF VATEX (p. ex. VATEX-EU-AE).",
    },
  ),
  codeRule(
    "BR-CL-23",
    [bt("BT-130", "Invoiced quantity unit of measure code"), bt("BT-150", "Item price base quantity unit of measure")],
    "cbc:InvoicedQuantity[@unitCode] | cbc:BaseQuantity[@unitCode] | cbc:CreditedQuantity[@unitCode]",
    {
      select: named("cbc:InvoicedQuantity", "cbc:BaseQuantity", "cbc:CreditedQuantity"),
      attribute: "unitCode",
      onlyWithAttribute: true,
    },
    inList(UNECE_REC_20_UNITS),
    {
      en: "A unit of measure must be a UN/ECE Recommendation 20 or 21 code (e.g. C62, HUR, KGM).",
      nl: "Een meeteenheid moet een code uit UN/ECE-aanbeveling 20 of 21 zijn (bv. C62, HUR, KGM).",
      fr: "Une unité de mesure doit être un code des recommandations UN/ECE 20 ou 21 (p. ex. C62, HUR, KGM).",
    },
  ),
  codeRule(
    "BR-CL-24",
    [bt("BT-125", "Attached document")],
    "cbc:EmbeddedDocumentBinaryObject[@mimeCode]",
    { select: named("cbc:EmbeddedDocumentBinaryObject"), attribute: "mimeCode", onlyWithAttribute: true, exact: true },
    (value) => ATTACHMENT_MIME_TYPES.has(value),
    {
      en: "An attached document must be PDF, PNG, JPEG, CSV, XLSX or ODS (mimeCode).",
      nl: "Een bijgevoegd document moet PDF, PNG, JPEG, CSV, XLSX of ODS zijn (mimeCode).",
      fr: "Un document joint doit être au format PDF, PNG, JPEG, CSV, XLSX ou ODS (mimeCode).",
    },
  ),
  codeRule(
    "BR-CL-25",
    [bt("BT-34", "Seller electronic address"), bt("BT-49", "Buyer electronic address")],
    "cbc:EndpointID[@schemeID]",
    { select: named("cbc:EndpointID"), attribute: "schemeID", onlyWithAttribute: true },
    inList(CEF_EAS_SCHEMES),
    {
      en: "The scheme of an electronic address must be a CEF EAS code (e.g. 0208 for a Belgian enterprise number).",
      nl: "Het schema van een elektronisch adres moet een CEF EAS-code zijn (bv. 0208 voor een Belgisch ondernemingsnummer).",
      fr: "Le schéma d'une adresse électronique doit être un code CEF EAS (p. ex. 0208 pour un numéro d'entreprise belge).",
    },
  ),
  codeRule(
    "BR-CL-26",
    [bt("BT-71", "Deliver to location identifier")],
    "cac:DeliveryLocation/cbc:ID[@schemeID]",
    { select: under("cac:DeliveryLocation", "cbc:ID"), attribute: "schemeID", onlyWithAttribute: true },
    inList(ISO_6523_ICD),
    icd({
      en: "a delivery location identifier",
      nl: "een leveringslocatie",
      fr: "l'identifiant d'un lieu de livraison",
    }),
  ),
];
