/**
 * EN 16931 (CEN/TC 434) business rules for UBL, learnt from the official Schematron
 * (ConnectingEurope/eInvoicing-EN16931, ubl/schematron) and written as this project's
 * code. Arithmetic mirrors the Schematron exactly: `round(x * 100) div 100` (halves
 * towards +infinity) for totals, and the ±1 tolerance of BR-S-08/09.
 */
import { abs, compare, formatDecimal, mul, roundHalfUp, shift, sub, ZERO } from "./decimal.js";
import type { Rule, Violation } from "./rule-engine.js";
import {
  amount,
  at,
  bt,
  documentAllowanceCharges,
  equals,
  filled,
  indicator,
  lineItemVatCategories,
  lines,
  minus,
  plus,
  required,
  round2,
  shown,
  total,
  totals,
  vatCategories,
  type Messages,
} from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, decimalOf, descendants, first, textOf, type UblDocument } from "./ubl-document.js";
import { VAT_CATEGORY_RULES } from "./vat-category-rules.js";
import { IGIC_IPSI_SPLIT_PAYMENT_RULES } from "./vat-igic-ipsi-split-rules.js";
import { CODE_LIST_RULES } from "./code-list-rules.js";
import { DECIMALS_AND_PRESENCE_RULES } from "./decimals-and-presence-rules.js";
import { BUSINESS_GROUP_RULES } from "./business-group-rules.js";
import { UBL_SYNTAX_RULES } from "./ubl-syntax-rules.js";

function percentGreaterThanZero(category: XmlElement): Violation | undefined {
  const percent = decimalOf(first(category, "cbc:Percent"));
  if (percent && compare(percent, ZERO) > 0) return undefined;
  return {
    at: first(category, "cbc:Percent") ?? category,
    expected: "> 0",
    found: shown(first(category, "cbc:Percent")),
  };
}

export const EN16931_RULES: readonly Rule[] = [
  required("BR-01", [bt("BT-24", "Specification identifier")], filled("cbc:CustomizationID"), {
    en: "The invoice must state its specification identifier (cbc:CustomizationID).",
    nl: "De factuur moet haar specificatie-identificatie vermelden (cbc:CustomizationID).",
    fr: "La facture doit indiquer l'identifiant de spécification (cbc:CustomizationID).",
  }),
  required("BR-02", [bt("BT-1", "Invoice number")], filled("cbc:ID"), {
    en: "The invoice must have an invoice number.",
    nl: "De factuur moet een factuurnummer hebben.",
    fr: "La facture doit avoir un numéro de facture.",
  }),
  required("BR-03", [bt("BT-2", "Invoice issue date")], filled("cbc:IssueDate"), {
    en: "The invoice must have an issue date.",
    nl: "De factuur moet een factuurdatum hebben.",
    fr: "La facture doit avoir une date d'émission.",
  }),
  required(
    "BR-04",
    [bt("BT-3", "Invoice type code")],
    (root) => textOf(root, "cbc:InvoiceTypeCode") !== "" || textOf(root, "cbc:CreditNoteTypeCode") !== "",
    {
      en: "The invoice must have an invoice type code.",
      nl: "De factuur moet een factuurtypecode hebben.",
      fr: "La facture doit avoir un code de type de facture.",
    },
  ),
  required("BR-05", [bt("BT-5", "Invoice currency code")], filled("cbc:DocumentCurrencyCode"), {
    en: "The invoice must state its currency.",
    nl: "De factuur moet haar munteenheid vermelden.",
    fr: "La facture doit indiquer sa devise.",
  }),
  required(
    "BR-06",
    [bt("BT-27", "Seller name")],
    filled("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"),
    {
      en: "The invoice must contain the seller's name.",
      nl: "De factuur moet de naam van de verkoper bevatten.",
      fr: "La facture doit contenir le nom du vendeur.",
    },
  ),
  required(
    "BR-07",
    [bt("BT-44", "Buyer name")],
    filled("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"),
    {
      en: "The invoice must contain the buyer's name.",
      nl: "De factuur moet de naam van de koper bevatten.",
      fr: "La facture doit contenir le nom de l'acheteur.",
    },
  ),
  required(
    "BR-08",
    [bt("BG-5", "Seller postal address")],
    (root) => first(root, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress") !== undefined,
    {
      en: "The invoice must contain the seller's postal address.",
      nl: "De factuur moet het postadres van de verkoper bevatten.",
      fr: "La facture doit contenir l'adresse postale du vendeur.",
    },
  ),
  at(
    "BR-09",
    [bt("BT-40", "Seller country code")],
    "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress",
    (doc) => all(doc.root, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress"),
    (address) => (textOf(address, "cac:Country/cbc:IdentificationCode") !== "" ? undefined : { at: address }),
    {
      en: "The seller's postal address must contain a country code.",
      nl: "Het postadres van de verkoper moet een landcode bevatten.",
      fr: "L'adresse postale du vendeur doit contenir un code pays.",
    },
  ),
  required(
    "BR-10",
    [bt("BG-8", "Buyer postal address")],
    (root) => first(root, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress") !== undefined,
    {
      en: "The invoice must contain the buyer's postal address.",
      nl: "De factuur moet het postadres van de koper bevatten.",
      fr: "La facture doit contenir l'adresse postale de l'acheteur.",
    },
  ),
  at(
    "BR-11",
    [bt("BT-55", "Buyer country code")],
    "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress",
    (doc) => all(doc.root, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress"),
    (address) => (textOf(address, "cac:Country/cbc:IdentificationCode") !== "" ? undefined : { at: address }),
    {
      en: "The buyer's postal address must contain a country code.",
      nl: "Het postadres van de koper moet een landcode bevatten.",
      fr: "L'adresse postale de l'acheteur doit contenir un code pays.",
    },
  ),
  ...(
    [
      [
        "BR-12",
        "BT-106",
        "Sum of Invoice line net amount",
        "LineExtensionAmount",
        "the sum of the line net amounts",
        "de som van de nettolijnbedragen",
        "la somme des montants nets des lignes",
      ],
      [
        "BR-13",
        "BT-109",
        "Invoice total amount without VAT",
        "TaxExclusiveAmount",
        "the total without VAT",
        "het totaal zonder btw",
        "le total hors TVA",
      ],
      [
        "BR-14",
        "BT-112",
        "Invoice total amount with VAT",
        "TaxInclusiveAmount",
        "the total with VAT",
        "het totaal met btw",
        "le total TVA comprise",
      ],
      [
        "BR-15",
        "BT-115",
        "Amount due for payment",
        "PayableAmount",
        "the amount due for payment",
        "het te betalen bedrag",
        "le montant à payer",
      ],
    ] as const
  ).map(([id, term, name, element, en, nl, fr]) =>
    at(
      id,
      [bt(term, name)],
      "cac:LegalMonetaryTotal",
      totals,
      (lmt) => (first(lmt, `cbc:${element}`) ? undefined : { at: lmt }),
      {
        en: `The invoice totals must state ${en} (cbc:${element}).`,
        nl: `De factuurtotalen moeten ${nl} vermelden (cbc:${element}).`,
        fr: `Les totaux de la facture doivent indiquer ${fr} (cbc:${element}).`,
      },
    ),
  ),
  required(
    "BR-16",
    [bt("BG-25", "Invoice line")],
    (root) => first(root, "cac:InvoiceLine") !== undefined || first(root, "cac:CreditNoteLine") !== undefined,
    {
      en: "The invoice must have at least one invoice line.",
      nl: "De factuur moet minstens één factuurlijn hebben.",
      fr: "La facture doit comporter au moins une ligne.",
    },
  ),
  at(
    "BR-CO-10",
    [bt("BT-106", "Sum of Invoice line net amount"), bt("BT-131", "Invoice line net amount")],
    "cac:LegalMonetaryTotal",
    totals,
    (lmt, doc) =>
      equals(
        first(lmt, "cbc:LineExtensionAmount"),
        round2(total(lines(doc).map((l) => first(l, "cbc:LineExtensionAmount")))),
        lmt,
      ),
    {
      en: "The sum of line net amounts must equal the total of the invoice lines' net amounts.",
      nl: "De som van de nettolijnbedragen moet gelijk zijn aan het totaal van de nettobedragen van de factuurlijnen.",
      fr: "La somme des montants nets des lignes doit être égale au total des montants nets des lignes de facture.",
    },
  ),
  ...([false, true] as const).map((charge) =>
    at(
      charge ? "BR-CO-12" : "BR-CO-11",
      charge
        ? [bt("BT-108", "Sum of charges on document level"), bt("BT-99", "Document level charge amount")]
        : [bt("BT-107", "Sum of allowances on document level"), bt("BT-92", "Document level allowance amount")],
      "cac:LegalMonetaryTotal",
      totals,
      (lmt, doc) => {
        const stated = first(lmt, charge ? "cbc:ChargeTotalAmount" : "cbc:AllowanceTotalAmount");
        const items = documentAllowanceCharges(doc, charge);
        if (!stated && items.length === 0) return undefined;
        return equals(stated, round2(total(items.map((ac) => first(ac, "cbc:Amount")))), lmt);
      },
      charge
        ? {
            en: "The sum of document level charges must equal the total of the charge amounts.",
            nl: "De som van de toeslagen op documentniveau moet gelijk zijn aan het totaal van de toeslagbedragen.",
            fr: "La somme des frais au niveau du document doit être égale au total des montants des frais.",
          }
        : {
            en: "The sum of document level allowances must equal the total of the allowance amounts.",
            nl: "De som van de kortingen op documentniveau moet gelijk zijn aan het totaal van de kortingsbedragen.",
            fr: "La somme des remises au niveau du document doit être égale au total des montants des remises.",
          },
    ),
  ),
  at(
    "BR-CO-13",
    [
      bt("BT-109", "Invoice total amount without VAT"),
      bt("BT-106", "Sum of Invoice line net amount"),
      bt("BT-107", "Sum of allowances on document level"),
      bt("BT-108", "Sum of charges on document level"),
    ],
    "cac:LegalMonetaryTotal",
    totals,
    (lmt) => {
      const net = amount(lmt, "cbc:LineExtensionAmount");
      const hasCharges = first(lmt, "cbc:ChargeTotalAmount") !== undefined;
      const hasAllowances = first(lmt, "cbc:AllowanceTotalAmount") !== undefined;
      let expected = net;
      if (hasCharges) expected = plus(expected, amount(lmt, "cbc:ChargeTotalAmount"));
      if (hasAllowances) expected = minus(expected, amount(lmt, "cbc:AllowanceTotalAmount"));
      // With neither, the Schematron compares without rounding.
      if (hasCharges || hasAllowances) expected = round2(expected);
      return equals(first(lmt, "cbc:TaxExclusiveAmount"), expected, lmt);
    },
    {
      en: "The total without VAT must equal the sum of line net amounts minus allowances plus charges.",
      nl: "Het totaal zonder btw moet gelijk zijn aan de som van de nettolijnbedragen min kortingen plus toeslagen.",
      fr: "Le total hors TVA doit être égal à la somme des montants nets des lignes moins les remises plus les frais.",
    },
  ),
  at(
    "BR-CO-14",
    [bt("BT-110", "Invoice total VAT amount"), bt("BT-117", "VAT category tax amount")],
    "cac:TaxTotal",
    (doc) => all(doc.root, "cac:TaxTotal"),
    (taxTotal) => {
      const subtotals = all(taxTotal, "cac:TaxSubtotal");
      if (subtotals.length === 0) return undefined;
      return equals(
        first(taxTotal, "cbc:TaxAmount"),
        round2(total(subtotals.map((s) => first(s, "cbc:TaxAmount")))),
        taxTotal,
      );
    },
    {
      en: "The invoice's total VAT must equal the sum of the VAT amounts per category.",
      nl: "Het totale btw-bedrag moet gelijk zijn aan de som van de btw-bedragen per categorie.",
      fr: "Le montant total de TVA doit être égal à la somme des montants de TVA par catégorie.",
    },
  ),
  at(
    "BR-CO-15",
    [
      bt("BT-112", "Invoice total amount with VAT"),
      bt("BT-109", "Invoice total amount without VAT"),
      bt("BT-110", "Invoice total VAT amount"),
    ],
    "/Invoice | /CreditNote",
    (doc) => [doc.root],
    (root) => {
      const currency = first(root, "cbc:DocumentCurrencyCode");
      if (!currency) return undefined;
      const vat = all(root, "cac:TaxTotal/cbc:TaxAmount").filter(
        (t) => t.attributes.get("currencyID") === currency.text,
      );
      const lmt = first(root, "cac:LegalMonetaryTotal");
      if (vat.length !== 1) {
        return {
          at: lmt ?? root,
          expected: `one VAT total in ${currency.text.trim()}`,
          found: `${vat.length} VAT totals in ${currency.text.trim()}`,
        };
      }
      if (!lmt) return { at: root, expected: "cac:LegalMonetaryTotal", found: "(absent)" };
      return equals(
        first(lmt, "cbc:TaxInclusiveAmount"),
        round2(plus(amount(lmt, "cbc:TaxExclusiveAmount"), total(vat))),
        lmt,
      );
    },
    {
      en: "The total with VAT must equal the total without VAT plus the total VAT (one VAT total in the invoice currency).",
      nl: "Het totaal met btw moet gelijk zijn aan het totaal zonder btw plus het btw-totaal (één btw-totaal in de factuurmunt).",
      fr: "Le total TVA comprise doit être égal au total hors TVA plus le total de TVA (un seul total de TVA dans la devise de la facture).",
    },
  ),
  at(
    "BR-CO-16",
    [
      bt("BT-115", "Amount due for payment"),
      bt("BT-112", "Invoice total amount with VAT"),
      bt("BT-113", "Paid amount"),
      bt("BT-114", "Rounding amount"),
    ],
    "cac:LegalMonetaryTotal",
    totals,
    (lmt) => {
      const withVat = amount(lmt, "cbc:TaxInclusiveAmount");
      const prepaid = first(lmt, "cbc:PrepaidAmount");
      const rounding = first(lmt, "cbc:PayableRoundingAmount");
      const dueWithoutPrepaid = prepaid ? round2(minus(withVat, amount(lmt, "cbc:PrepaidAmount"))) : withVat;
      const payable = first(lmt, "cbc:PayableAmount");
      if (!rounding) return equals(payable, dueWithoutPrepaid, lmt);
      // With a rounding amount the Schematron compares (due − rounding) with the unrounded due.
      const stated = round2(minus(amount(lmt, "cbc:PayableAmount"), amount(lmt, "cbc:PayableRoundingAmount")));
      if (
        typeof stated !== "string" &&
        typeof dueWithoutPrepaid !== "string" &&
        compare(stated, dueWithoutPrepaid) === 0
      ) {
        return undefined;
      }
      const found = typeof stated === "string" ? stated : `${formatDecimal(stated)} after the rounding amount`;
      return {
        at: payable ?? lmt,
        expected: typeof dueWithoutPrepaid === "string" ? dueWithoutPrepaid : formatDecimal(dueWithoutPrepaid),
        found,
      };
    },
    {
      en: "The amount due must equal the total with VAT minus the amount already paid plus the rounding amount.",
      nl: "Het te betalen bedrag moet gelijk zijn aan het totaal met btw min het reeds betaalde bedrag plus het afrondingsbedrag.",
      fr: "Le montant à payer doit être égal au total TVA comprise moins le montant déjà payé plus l'arrondi.",
    },
  ),
  // BR-CO-25 as in release 1.3.14 (Invoice only: //cbc:DueDate or //cac:PaymentTerms/cbc:Note).
  // CEN removed it from the UBL and CII Schematron in April 2026 (eInvoicing-EN16931 #477);
  // Peppol BIS 3.0 still bundles 1.3.14, so it stays in both rule sets until they move on.
  at(
    "BR-CO-25",
    [bt("BT-115", "Amount due for payment"), bt("BT-9", "Payment due date"), bt("BT-20", "Payment terms")],
    "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount",
    (doc) => (doc.kind === "Invoice" ? all(doc.root, "cac:LegalMonetaryTotal/cbc:PayableAmount") : []),
    (payable, doc) => {
      const value = decimalOf(payable);
      if (!value || compare(value, ZERO) <= 0) return undefined;
      const hasTerms = descendants(doc.root, "cac:PaymentTerms").some((terms) => first(terms, "cbc:Note"));
      return descendants(doc.root, "cbc:DueDate").length > 0 || hasTerms ? undefined : { at: payable };
    },
    {
      en: "When an amount is due, the invoice must give a payment due date or payment terms.",
      nl: "Als er een bedrag te betalen is, moet de factuur een vervaldatum of betalingsvoorwaarden vermelden.",
      fr: "Lorsqu'un montant est dû, la facture doit indiquer une date d'échéance ou des conditions de paiement.",
    },
  ),
  ...standardRatedDocumentRules(),
  ...vatRateRules(),
  ...VAT_CATEGORY_RULES,
  ...IGIC_IPSI_SPLIT_PAYMENT_RULES,
  ...DECIMALS_AND_PRESENCE_RULES,
  ...BUSINESS_GROUP_RULES,
  ...UBL_SYNTAX_RULES,
  at(
    "BR-S-08",
    [
      bt("BT-116", "VAT category taxable amount"),
      bt("BT-131", "Invoice line net amount"),
      bt("BT-92", "Document level allowance amount"),
      bt("BT-99", "Document level charge amount"),
    ],
    "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[cbc:ID = 'S']",
    (doc) => vatCategories(all(doc.root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"), "S"),
    (category, doc) => {
      const rate = decimalOf(first(category, "cbc:Percent"));
      const subtotal = category.parent!;
      const taxable = first(subtotal, "cbc:TaxableAmount");
      const sameRate = (c: XmlElement | undefined) => {
        const r = decimalOf(first(c ?? category, "cbc:Percent"));
        return (
          c !== undefined &&
          textOf(c, "cbc:ID") === "S" &&
          rate !== undefined &&
          r !== undefined &&
          compare(r, rate) === 0
        );
      };
      const lineNet = lines(doc).filter((l) => sameRate(first(l, "cac:Item/cac:ClassifiedTaxCategory")));
      const charges = documentAllowanceCharges(doc, true).filter((ac) => sameRate(first(ac, "cac:TaxCategory")));
      const allowances = documentAllowanceCharges(doc, false).filter((ac) => sameRate(first(ac, "cac:TaxCategory")));
      const anyAtRate =
        lineNet.length > 0 ||
        descendants(doc.root, "cac:AllowanceCharge").some((ac) => sameRate(first(ac, "cac:TaxCategory")));
      const expected = minus(
        plus(
          total(lineNet.map((l) => first(l, "cbc:LineExtensionAmount"))),
          total(charges.map((c) => first(c, "cbc:Amount"))),
        ),
        total(allowances.map((a) => first(a, "cbc:Amount"))),
      );
      const found = decimalOf(taxable);
      if (!anyAtRate) return { at: category, expected: "lines or allowances/charges at this rate", found: "none" };
      if (typeof expected !== "string" && found && compare(abs(sub(found, expected)), { units: 1n, scale: 0 }) < 0) {
        return undefined;
      }
      return {
        at: taxable ?? subtotal,
        expected: typeof expected === "string" ? expected : formatDecimal(expected),
        found: shown(taxable),
      };
    },
    {
      en: "For each standard VAT rate, the taxable amount must equal the line net amounts plus charges minus allowances at that rate.",
      nl: "Voor elk standaard btw-tarief moet de maatstaf van heffing gelijk zijn aan de nettolijnbedragen plus toeslagen min kortingen tegen dat tarief.",
      fr: "Pour chaque taux de TVA normal, la base imposable doit être égale aux montants nets des lignes plus les frais moins les remises à ce taux.",
    },
  ),
  at(
    "BR-S-09",
    [
      bt("BT-117", "VAT category tax amount"),
      bt("BT-116", "VAT category taxable amount"),
      bt("BT-119", "VAT category rate"),
    ],
    "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[cbc:ID = 'S']",
    (doc) => vatCategories(all(doc.root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"), "S"),
    (category) => {
      const subtotal = category.parent!;
      const tax = decimalOf(first(subtotal, "cbc:TaxAmount"));
      const taxable = decimalOf(first(subtotal, "cbc:TaxableAmount"));
      const rate = decimalOf(first(category, "cbc:Percent"));
      if (!taxable || !rate) return { at: subtotal, expected: "a taxable amount and a rate", found: "(absent)" };
      const expected = roundHalfUp(mul(abs(taxable), shift(rate, 2)), 2);
      if (tax && compare(abs(sub(abs(tax), expected)), { units: 1n, scale: 0 }) < 0) return undefined;
      return {
        at: first(subtotal, "cbc:TaxAmount") ?? subtotal,
        expected: formatDecimal(expected),
        found: shown(first(subtotal, "cbc:TaxAmount")),
      };
    },
    {
      en: "The VAT amount for the standard rate must equal the taxable amount multiplied by the rate.",
      nl: "Het btw-bedrag voor het standaardtarief moet gelijk zijn aan de maatstaf van heffing vermenigvuldigd met het tarief.",
      fr: "Le montant de TVA au taux normal doit être égal à la base imposable multipliée par le taux.",
    },
  ),
  ...CODE_LIST_RULES,
];

/** BR-S-01..04 and BR-S-10: standard-rated content needs a breakdown and a seller VAT id. */
function standardRatedDocumentRules(): Rule[] {
  const isS = (category: XmlElement) => textOf(category, "cbc:ID") === "S";
  const isVat = (category: XmlElement) => textOf(category, "cac:TaxScheme/cbc:ID").toUpperCase() === "VAT";
  const sellerVatId = (doc: UblDocument) =>
    descendants(doc.root, "cac:AccountingSupplierParty").some((p) =>
      first(p, "cac:Party/cac:PartyTaxScheme/cbc:CompanyID"),
    ) ||
    descendants(doc.root, "cac:TaxRepresentativeParty").some((p) =>
      all(p, "cac:PartyTaxScheme").some((scheme) => isVat(scheme) && first(scheme, "cbc:CompanyID")),
    );
  const sellerTerms = [
    bt("BT-31", "Seller VAT identifier"),
    bt("BT-32", "Seller tax registration identifier"),
    bt("BT-63", "Seller tax representative VAT identifier"),
  ];
  const vatIdMessages = (what: Messages): Messages => ({
    en: `${what.en} requires the seller's VAT identifier or that of the seller's tax representative.`,
    nl: `${what.nl} vereist het btw-nummer van de verkoper of van diens fiscaal vertegenwoordiger.`,
    fr: `${what.fr} exige le numéro de TVA du vendeur ou de son représentant fiscal.`,
  });
  const allowanceChargeVatId = (charge: boolean): Rule => ({
    id: charge ? "BR-S-04" : "BR-S-03",
    severity: "fatal",
    terms: [
      charge
        ? bt("BT-102", "Document level charge VAT category code")
        : bt("BT-95", "Document level allowance VAT category code"),
      ...sellerTerms,
    ],
    context: "/Invoice | /CreditNote",
    messages: vatIdMessages(
      charge
        ? { en: "A standard-rated charge", nl: "Een toeslag tegen standaardtarief", fr: "Des frais au taux normal" }
        : {
            en: "A standard-rated allowance",
            nl: "Een korting tegen standaardtarief",
            fr: "Une remise au taux normal",
          },
    ),
    check: (doc) => {
      const used = descendants(doc.root, "cac:AllowanceCharge")
        .filter((ac) => indicator(ac) === charge)
        .some((ac) => all(ac, "cac:TaxCategory").some((c) => isS(c) && isVat(c)));
      return used && !sellerVatId(doc) ? [{ at: doc.root }] : [];
    },
  });
  return [
    {
      id: "BR-S-01",
      severity: "fatal",
      terms: [bt("BG-23", "VAT breakdown"), bt("BT-118", "VAT category code")],
      context: "/Invoice | /CreditNote",
      messages: {
        en: "Standard-rated lines, allowances or charges need a standard-rated VAT breakdown, and a standard-rated breakdown needs them.",
        nl: "Lijnen, kortingen of toeslagen tegen standaardtarief vereisen een btw-uitsplitsing tegen standaardtarief, en omgekeerd.",
        fr: "Des lignes, remises ou frais au taux normal exigent une ventilation de TVA au taux normal, et inversement.",
      },
      check: (doc) => {
        const used =
          descendants(doc.root, "cac:AllowanceCharge").some((ac) => all(ac, "cac:TaxCategory").some(isS)) ||
          descendants(doc.root, "cac:ClassifiedTaxCategory").some(isS);
        const breakdown = all(doc.root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory").some(isS);
        return used === breakdown
          ? []
          : [
              {
                at: doc.root,
                expected: used ? "a breakdown for S" : "no breakdown for S",
                found: breakdown ? "a breakdown for S" : "none",
              },
            ];
      },
    },
    {
      id: "BR-S-02",
      severity: "fatal",
      terms: [bt("BT-151", "Invoiced item VAT category code"), ...sellerTerms],
      context: "/Invoice | /CreditNote",
      messages: vatIdMessages({
        en: "A standard-rated invoice line",
        nl: "Een factuurlijn tegen standaardtarief",
        fr: "Une ligne au taux normal",
      }),
      check: (doc) => {
        const categories = descendants(doc.root, "cac:ClassifiedTaxCategory").filter(isS);
        if (categories.length === 0) return [];
        // As the Schematron: S items outside the VAT scheme do not satisfy the first branch.
        return categories.some(isVat) && sellerVatId(doc) ? [] : [{ at: doc.root }];
      },
    },
    allowanceChargeVatId(false),
    allowanceChargeVatId(true),
    at(
      "BR-S-10",
      [bt("BT-120", "VAT exemption reason text"), bt("BT-121", "VAT exemption reason code")],
      "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[cbc:ID = 'S']",
      (doc) => vatCategories(all(doc.root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"), "S"),
      (category) => {
        const reason = first(category, "cbc:TaxExemptionReason") ?? first(category, "cbc:TaxExemptionReasonCode");
        return reason ? { at: reason } : undefined;
      },
      {
        en: "A standard-rated VAT breakdown may not give a VAT exemption reason.",
        nl: "Een btw-uitsplitsing tegen standaardtarief mag geen reden van vrijstelling vermelden.",
        fr: "Une ventilation de TVA au taux normal ne peut pas indiquer de motif d'exonération.",
      },
    ),
  ];
}

/** BR-S-05/06/07: a standard-rated line, allowance or charge has a rate above zero. */
function vatRateRules(): Rule[] {
  return [
    at(
      "BR-S-05",
      [bt("BT-152", "Invoiced item VAT rate")],
      "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory[cbc:ID = 'S']",
      (doc) => lineItemVatCategories(doc, "S"),
      (category) => percentGreaterThanZero(category),
      {
        en: "A standard-rated invoice line must have a VAT rate greater than zero.",
        nl: "Een factuurlijn tegen standaardtarief moet een btw-tarief hoger dan nul hebben.",
        fr: "Une ligne au taux normal doit avoir un taux de TVA supérieur à zéro.",
      },
    ),
    ...([false, true] as const).map((charge) =>
      at(
        charge ? "BR-S-07" : "BR-S-06",
        [charge ? bt("BT-103", "Document level charge VAT rate") : bt("BT-96", "Document level allowance VAT rate")],
        `cac:AllowanceCharge[cbc:ChargeIndicator=${charge}()]/cac:TaxCategory[cbc:ID = 'S']`,
        (doc) =>
          vatCategories(
            documentAllowanceCharges(doc, charge).flatMap((ac) => all(ac, "cac:TaxCategory")),
            "S",
          ),
        (category) => percentGreaterThanZero(category),
        charge
          ? {
              en: "A standard-rated document level charge must have a VAT rate greater than zero.",
              nl: "Een toeslag op documentniveau tegen standaardtarief moet een btw-tarief hoger dan nul hebben.",
              fr: "Des frais au niveau du document au taux normal doivent avoir un taux de TVA supérieur à zéro.",
            }
          : {
              en: "A standard-rated document level allowance must have a VAT rate greater than zero.",
              nl: "Een korting op documentniveau tegen standaardtarief moet een btw-tarief hoger dan nul hebben.",
              fr: "Une remise au niveau du document au taux normal doit avoir un taux de TVA supérieur à zéro.",
            },
      ),
    ),
  ];
}
