/**
 * EN 16931 presence rules (BR-CO-03, 04, 09, 18..24, 26) and the two-decimal rules (BR-DEC-*),
 * learnt from the CEN Schematron 1.3.16. BR-DEC counts the characters after the first "."
 * of the amount as written (`string-length(substring-after(x, '.')) <= 2`).
 */
import { VAT_PREFIX_LIST } from "./code-lists.js";
import type { BusinessTerm, Rule } from "./rule-engine.js";
import { at, bt, documentAllowanceCharges, indicator, lines, required, totals, type Messages } from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, descendants, first, textOf, type UblDocument } from "./ubl-document.js";

const isVat = (el: XmlElement) => textOf(el, "cac:TaxScheme/cbc:ID").toUpperCase() === "VAT";
const lineAllowanceCharges = (doc: UblDocument, charge: boolean) =>
  lines(doc).flatMap((l) => all(l, "cac:AllowanceCharge").filter((ac) => indicator(ac) === charge));

function decimals(
  id: string,
  term: BusinessTerm,
  context: string,
  parents: (doc: UblDocument) => XmlElement[],
  child: string,
  what: Messages,
): Rule {
  return at(
    id,
    [term],
    context,
    parents,
    (parent) => {
      const amount = first(parent, child);
      const text = amount?.text ?? "";
      const dot = text.indexOf(".");
      return dot < 0 || text.length - dot - 1 <= 2
        ? undefined
        : { at: amount!, expected: "at most 2 decimals", found: text.trim() };
    },
    {
      en: `${what.en} may have at most two decimals.`,
      nl: `${what.nl} mag hoogstens twee decimalen hebben.`,
      fr: `${what.fr} peut avoir au plus deux décimales.`,
    },
  );
}

const reasonRule = (
  id: string,
  term: BusinessTerm,
  context: string,
  select: (doc: UblDocument) => XmlElement[],
  what: Messages,
): Rule =>
  at(
    id,
    [term],
    context,
    select,
    (ac) =>
      first(ac, "cbc:AllowanceChargeReason") || first(ac, "cbc:AllowanceChargeReasonCode") ? undefined : { at: ac },
    {
      en: `${what.en} must give a reason, a reason code, or both.`,
      nl: `${what.nl} moet een reden, een redencode of beide vermelden.`,
      fr: `${what.fr} doit indiquer un motif, un code de motif, ou les deux.`,
    },
  );

const docAllowance = {
  en: "A document level allowance",
  nl: "Een korting op documentniveau",
  fr: "Une remise au niveau du document",
};
const docCharge = {
  en: "A document level charge",
  nl: "Een toeslag op documentniveau",
  fr: "Des frais au niveau du document",
};
const lineAllowance = { en: "An invoice line allowance", nl: "Een korting op lijnniveau", fr: "Une remise de ligne" };
const lineCharge = { en: "An invoice line charge", nl: "Een toeslag op lijnniveau", fr: "Des frais de ligne" };
const subtotals = (doc: UblDocument) => all(doc.root, "cac:TaxTotal/cac:TaxSubtotal");

export const DECIMALS_AND_PRESENCE_RULES: readonly Rule[] = [
  required(
    "BR-CO-03",
    [bt("BT-7", "Value added tax point date"), bt("BT-8", "Value added tax point date code")],
    (root) => !(first(root, "cbc:TaxPointDate") && first(root, "cac:InvoicePeriod/cbc:DescriptionCode")),
    {
      en: "The VAT point date and the VAT point date code exclude each other.",
      nl: "De btw-opeisbaarheidsdatum en de code ervan sluiten elkaar uit.",
      fr: "La date d'exigibilité de la TVA et son code s'excluent mutuellement.",
    },
  ),
  at(
    "BR-CO-04",
    [bt("BT-151", "Invoiced item VAT category code")],
    "cac:InvoiceLine | cac:CreditNoteLine",
    lines,
    (line) =>
      all(line, "cac:Item/cac:ClassifiedTaxCategory").some((c) => isVat(c) && first(c, "cbc:ID"))
        ? undefined
        : { at: line },
    {
      en: "Each invoice line must give the item's VAT category.",
      nl: "Elke factuurlijn moet de btw-categorie van het artikel vermelden.",
      fr: "Chaque ligne de facture doit indiquer la catégorie de TVA de l'article.",
    },
  ),
  at(
    "BR-CO-09",
    [
      bt("BT-31", "Seller VAT identifier"),
      bt("BT-63", "Seller tax representative VAT identifier"),
      bt("BT-48", "Buyer VAT identifier"),
    ],
    "//cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = 'VAT']",
    (doc) => descendants(doc.root, "cac:PartyTaxScheme").filter(isVat),
    (scheme) => {
      // As written in the Schematron: the first two characters of the text, searched in the
      // space-separated list (so an empty or one-letter identifier is not caught).
      const prefix = (first(scheme, "cbc:CompanyID")?.text ?? "").slice(0, 2);
      return VAT_PREFIX_LIST.includes(prefix)
        ? undefined
        : { at: first(scheme, "cbc:CompanyID") ?? scheme, found: `'${prefix}'` };
    },
    {
      en: "A VAT identifier must start with the ISO 3166-1 code of its country (EL for Greece).",
      nl: "Een btw-nummer moet beginnen met de ISO 3166-1-code van zijn land (EL voor Griekenland).",
      fr: "Un numéro de TVA doit commencer par le code ISO 3166-1 de son pays (EL pour la Grèce).",
    },
  ),
  required(
    "BR-CO-18",
    [bt("BG-23", "VAT breakdown")],
    (root) => first(root, "cac:TaxTotal/cac:TaxSubtotal") !== undefined,
    {
      en: "The invoice must have at least one VAT breakdown.",
      nl: "De factuur moet minstens één btw-uitsplitsing hebben.",
      fr: "La facture doit comporter au moins une ventilation de TVA.",
    },
  ),
  at(
    "BR-CO-19",
    [bt("BT-73", "Invoicing period start date"), bt("BT-74", "Invoicing period end date")],
    "cac:InvoicePeriod",
    (doc) => all(doc.root, "cac:InvoicePeriod"),
    (period) =>
      first(period, "cbc:StartDate") || first(period, "cbc:EndDate") || first(period, "cbc:DescriptionCode")
        ? undefined
        : { at: period },
    {
      en: "An invoicing period must give a start date, an end date, or both.",
      nl: "Een factuurperiode moet een begindatum, een einddatum of beide vermelden.",
      fr: "Une période de facturation doit indiquer une date de début, de fin, ou les deux.",
    },
  ),
  at(
    "BR-CO-20",
    [bt("BT-134", "Invoice line period start date"), bt("BT-135", "Invoice line period end date")],
    "cac:InvoiceLine/cac:InvoicePeriod",
    (doc) => lines(doc).flatMap((l) => all(l, "cac:InvoicePeriod")),
    (period) => (first(period, "cbc:StartDate") || first(period, "cbc:EndDate") ? undefined : { at: period }),
    {
      en: "An invoice line period must give a start date, an end date, or both.",
      nl: "Een lijnperiode moet een begindatum, een einddatum of beide vermelden.",
      fr: "Une période de ligne doit indiquer une date de début, de fin, ou les deux.",
    },
  ),
  reasonRule(
    "BR-CO-21",
    bt("BT-97", "Document level allowance reason"),
    "cac:AllowanceCharge[cbc:ChargeIndicator = false()]",
    (doc) => documentAllowanceCharges(doc, false),
    docAllowance,
  ),
  reasonRule(
    "BR-CO-22",
    bt("BT-104", "Document level charge reason"),
    "cac:AllowanceCharge[cbc:ChargeIndicator = true()]",
    (doc) => documentAllowanceCharges(doc, true),
    docCharge,
  ),
  reasonRule(
    "BR-CO-23",
    bt("BT-139", "Invoice line allowance reason"),
    "cac:InvoiceLine/cac:AllowanceCharge[cbc:ChargeIndicator = false()]",
    (doc) => lineAllowanceCharges(doc, false),
    lineAllowance,
  ),
  reasonRule(
    "BR-CO-24",
    bt("BT-144", "Invoice line charge reason"),
    "cac:InvoiceLine/cac:AllowanceCharge[cbc:ChargeIndicator = true()]",
    (doc) => lineAllowanceCharges(doc, true),
    lineCharge,
  ),
  at(
    "BR-CO-26",
    [
      bt("BT-29", "Seller identifier"),
      bt("BT-30", "Seller legal registration identifier"),
      bt("BT-31", "Seller VAT identifier"),
    ],
    "cac:AccountingSupplierParty",
    (doc) => all(doc.root, "cac:AccountingSupplierParty"),
    (seller) =>
      all(seller, "cac:Party/cac:PartyTaxScheme").some((s) => isVat(s) && first(s, "cbc:CompanyID")) ||
      all(seller, "cac:Party/cac:PartyIdentification/cbc:ID").some((id) => id.attributes.get("schemeID") !== "SEPA") ||
      first(seller, "cac:Party/cac:PartyLegalEntity/cbc:CompanyID")
        ? undefined
        : { at: seller },
    {
      en: "The seller must be identified by an identifier, a legal registration identifier or a VAT identifier.",
      nl: "De verkoper moet geïdentificeerd worden met een identificatie, een ondernemingsnummer of een btw-nummer.",
      fr: "Le vendeur doit être identifié par un identifiant, un numéro d'immatriculation ou un numéro de TVA.",
    },
  ),
  decimals(
    "BR-DEC-01",
    bt("BT-92", "Document level allowance amount"),
    "cac:AllowanceCharge[false]",
    (doc) => documentAllowanceCharges(doc, false),
    "cbc:Amount",
    {
      en: "A document level allowance amount",
      nl: "Een kortingsbedrag op documentniveau",
      fr: "Le montant d'une remise au niveau du document",
    },
  ),
  decimals(
    "BR-DEC-02",
    bt("BT-93", "Document level allowance base amount"),
    "cac:AllowanceCharge[false]",
    (doc) => documentAllowanceCharges(doc, false),
    "cbc:BaseAmount",
    {
      en: "A document level allowance base amount",
      nl: "Een basisbedrag van een korting op documentniveau",
      fr: "Le montant de base d'une remise au niveau du document",
    },
  ),
  decimals(
    "BR-DEC-05",
    bt("BT-99", "Document level charge amount"),
    "cac:AllowanceCharge[true]",
    (doc) => documentAllowanceCharges(doc, true),
    "cbc:Amount",
    {
      en: "A document level charge amount",
      nl: "Een toeslagbedrag op documentniveau",
      fr: "Le montant de frais au niveau du document",
    },
  ),
  decimals(
    "BR-DEC-06",
    bt("BT-100", "Document level charge base amount"),
    "cac:AllowanceCharge[true]",
    (doc) => documentAllowanceCharges(doc, true),
    "cbc:BaseAmount",
    {
      en: "A document level charge base amount",
      nl: "Een basisbedrag van een toeslag op documentniveau",
      fr: "Le montant de base de frais au niveau du document",
    },
  ),
  ...(
    [
      [
        "BR-DEC-09",
        "BT-106",
        "Sum of Invoice line net amount",
        "cbc:LineExtensionAmount",
        "The sum of line net amounts",
        "De som van de nettolijnbedragen",
        "La somme des montants nets des lignes",
      ],
      [
        "BR-DEC-10",
        "BT-107",
        "Sum of allowances on document level",
        "cbc:AllowanceTotalAmount",
        "The sum of allowances",
        "De som van de kortingen",
        "La somme des remises",
      ],
      [
        "BR-DEC-11",
        "BT-108",
        "Sum of charges on document level",
        "cbc:ChargeTotalAmount",
        "The sum of charges",
        "De som van de toeslagen",
        "La somme des frais",
      ],
      [
        "BR-DEC-12",
        "BT-109",
        "Invoice total amount without VAT",
        "cbc:TaxExclusiveAmount",
        "The total without VAT",
        "Het totaal zonder btw",
        "Le total hors TVA",
      ],
      [
        "BR-DEC-14",
        "BT-112",
        "Invoice total amount with VAT",
        "cbc:TaxInclusiveAmount",
        "The total with VAT",
        "Het totaal met btw",
        "Le total TVA comprise",
      ],
      [
        "BR-DEC-16",
        "BT-113",
        "Paid amount",
        "cbc:PrepaidAmount",
        "The paid amount",
        "Het betaalde bedrag",
        "Le montant payé",
      ],
      [
        "BR-DEC-17",
        "BT-114",
        "Rounding amount",
        "cbc:PayableRoundingAmount",
        "The rounding amount",
        "Het afrondingsbedrag",
        "L'arrondi",
      ],
      [
        "BR-DEC-18",
        "BT-115",
        "Amount due for payment",
        "cbc:PayableAmount",
        "The amount due",
        "Het te betalen bedrag",
        "Le montant à payer",
      ],
    ] as const
  ).map(([id, term, name, element, en, nl, fr]) =>
    decimals(id, bt(term, name), "cac:LegalMonetaryTotal", totals, element, { en, nl, fr }),
  ),
  decimals(
    "BR-DEC-19",
    bt("BT-116", "VAT category taxable amount"),
    "cac:TaxTotal/cac:TaxSubtotal",
    subtotals,
    "cbc:TaxableAmount",
    { en: "A VAT category taxable amount", nl: "Een maatstaf van heffing", fr: "Une base imposable" },
  ),
  decimals(
    "BR-DEC-20",
    bt("BT-117", "VAT category tax amount"),
    "cac:TaxTotal/cac:TaxSubtotal",
    subtotals,
    "cbc:TaxAmount",
    { en: "A VAT category tax amount", nl: "Een btw-bedrag per categorie", fr: "Un montant de TVA par catégorie" },
  ),
  decimals(
    "BR-DEC-23",
    bt("BT-131", "Invoice line net amount"),
    "cac:InvoiceLine | cac:CreditNoteLine",
    lines,
    "cbc:LineExtensionAmount",
    { en: "A line net amount", nl: "Een nettolijnbedrag", fr: "Le montant net d'une ligne" },
  ),
  decimals(
    "BR-DEC-24",
    bt("BT-136", "Invoice line allowance amount"),
    "cac:InvoiceLine/cac:AllowanceCharge[false]",
    (doc) => lineAllowanceCharges(doc, false),
    "cbc:Amount",
    { en: "A line allowance amount", nl: "Een kortingsbedrag op lijnniveau", fr: "Le montant d'une remise de ligne" },
  ),
  decimals(
    "BR-DEC-25",
    bt("BT-137", "Invoice line allowance base amount"),
    "cac:InvoiceLine/cac:AllowanceCharge[false]",
    (doc) => lineAllowanceCharges(doc, false),
    "cbc:BaseAmount",
    {
      en: "A line allowance base amount",
      nl: "Een basisbedrag van een lijnkorting",
      fr: "Le montant de base d'une remise de ligne",
    },
  ),
  decimals(
    "BR-DEC-27",
    bt("BT-141", "Invoice line charge amount"),
    "cac:InvoiceLine/cac:AllowanceCharge[true]",
    (doc) => lineAllowanceCharges(doc, true),
    "cbc:Amount",
    { en: "A line charge amount", nl: "Een toeslagbedrag op lijnniveau", fr: "Le montant de frais de ligne" },
  ),
  decimals(
    "BR-DEC-28",
    bt("BT-142", "Invoice line charge base amount"),
    "cac:InvoiceLine/cac:AllowanceCharge[true]",
    (doc) => lineAllowanceCharges(doc, true),
    "cbc:BaseAmount",
    {
      en: "A line charge base amount",
      nl: "Een basisbedrag van een lijntoeslag",
      fr: "Le montant de base de frais de ligne",
    },
  ),
];
