/**
 * EN 16931 rules for the Spanish regional VAT categories, IGIC (Canary Islands, code L,
 * rule ids BR-AF) and IPSI (Ceuta and Melilla, code M, BR-AG), and for Italian split
 * payment (code B, BR-B), from the CEN UBL Schematron 1.3.16. L and M repeat the standard
 * rate's ten assertions with a rate that may be zero; one builder writes both families.
 */
import { abs, compare, formatDecimal, mul, roundHalfUp, shift, sub, ZERO, type Decimal } from "./decimal.js";
import type { Rule, Violation } from "./rule-engine.js";
import {
  at,
  bt,
  indicator,
  lineItemVatCategories,
  lines,
  minus,
  plus,
  shown,
  total,
  vatCategoriesAnywhere,
  type Messages,
} from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, decimalOf, descendants, first, NS, textOf, type UblDocument } from "./ubl-document.js";

const isVat = (el: XmlElement) => textOf(el, "cac:TaxScheme/cbc:ID").toUpperCase() === "VAT";
const ONE: Decimal = { units: 1n, scale: 0 };

interface Family {
  readonly code: "L" | "M";
  readonly prefix: "BR-AF" | "BR-AG";
  readonly label: Messages;
}

const FAMILIES: readonly Family[] = [
  {
    code: "L",
    prefix: "BR-AF",
    label: { en: "IGIC (L)", nl: "IGIC (L)", fr: "IGIC (L)" },
  },
  {
    code: "M",
    prefix: "BR-AG",
    label: { en: "IPSI (M)", nl: "IPSI (M)", fr: "IPSI (M)" },
  },
];

function familyRules({ code, prefix, label }: Family): Rule[] {
  const id = (n: number) => `${prefix}-${String(n).padStart(2, "0")}`;
  const inFamily = (c: XmlElement) => textOf(c, "cbc:ID") === code && isVat(c);
  // From the per-document index of VAT categories by code: these rules run on every document.
  const allowanceChargeCategories = (doc: UblDocument, charge?: boolean) =>
    vatCategoriesAnywhere(doc, "cac:TaxCategory", code).filter((c) => {
      const ac = c.parent;
      return ac?.ns === NS.cac && ac.local === "AllowanceCharge" && (charge === undefined || indicator(ac) === charge);
    });
  const lineCategories = (doc: UblDocument) => vatCategoriesAnywhere(doc, "cac:ClassifiedTaxCategory", code);
  const breakdown = (doc: UblDocument) => all(doc.root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory");
  const sellerTaxId = (doc: UblDocument) =>
    descendants(doc.root, "cac:AccountingSupplierParty").some((p) =>
      first(p, "cac:Party/cac:PartyTaxScheme/cbc:CompanyID"),
    ) ||
    descendants(doc.root, "cac:TaxRepresentativeParty").some((p) =>
      all(p, "cac:PartyTaxScheme").some((s) => isVat(s) && first(s, "cbc:CompanyID")),
    );
  const sellerTerms = [
    bt("BT-31", "Seller VAT identifier"),
    bt("BT-32", "Seller tax registration identifier"),
    bt("BT-63", "Seller tax representative VAT identifier"),
  ];
  const documentRule = (
    n: number,
    terms: ReturnType<typeof bt>[],
    failing: (doc: UblDocument) => Violation | undefined,
    messages: Messages,
  ): Rule => ({
    id: id(n),
    severity: "fatal",
    terms,
    context: "/Invoice | /CreditNote",
    messages,
    check: (doc) => {
      const violation = failing(doc);
      return violation ? [violation] : [];
    },
  });
  const sellerIdRule = (
    n: 2 | 3 | 4,
    used: (doc: UblDocument) => boolean,
    what: Messages,
    term: ReturnType<typeof bt>,
  ) =>
    documentRule(n, [term, ...sellerTerms], (doc) => (used(doc) && !sellerTaxId(doc) ? { at: doc.root } : undefined), {
      en: `${what.en} in category ${label.en} requires the seller's tax identifier or its tax representative's VAT identifier.`,
      nl: `${what.nl} in categorie ${label.nl} vereist het fiscaal nummer van de verkoper of het btw-nummer van diens fiscaal vertegenwoordiger.`,
      fr: `${what.fr} dans la catégorie ${label.fr} exige l'identifiant fiscal du vendeur ou le numéro de TVA de son représentant fiscal.`,
    });
  const rateRule = (
    n: 5 | 6 | 7,
    contexts: (doc: UblDocument) => XmlElement[],
    what: Messages,
    term: ReturnType<typeof bt>,
  ) =>
    at(
      id(n),
      [term],
      `cac:TaxCategory[cbc:ID = '${code}']`,
      contexts,
      (category) => {
        const percent = decimalOf(first(category, "cbc:Percent"));
        return percent && compare(percent, ZERO) >= 0
          ? undefined
          : {
              at: first(category, "cbc:Percent") ?? category,
              expected: ">= 0",
              found: shown(first(category, "cbc:Percent")),
            };
      },
      {
        en: `${what.en} in category ${label.en} must have a VAT rate of zero or more.`,
        nl: `${what.nl} in categorie ${label.nl} moet een btw-tarief van nul of meer hebben.`,
        fr: `${what.fr} dans la catégorie ${label.fr} doit avoir un taux de TVA nul ou positif.`,
      },
    );
  const breakdownRule = (
    n: 8 | 9 | 10,
    terms: ReturnType<typeof bt>[],
    test: (category: XmlElement, doc: UblDocument) => Violation | undefined,
    messages: Messages,
  ) =>
    at(
      id(n),
      terms,
      `/*/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[cbc:ID = '${code}']`,
      (doc) => breakdown(doc).filter(inFamily),
      test,
      messages,
    );
  const lineWhat = { en: "An invoice line", nl: "Een factuurlijn", fr: "Une ligne" };
  const allowanceWhat = {
    en: "A document level allowance",
    nl: "Een korting op documentniveau",
    fr: "Une remise au niveau du document",
  };
  const chargeWhat = {
    en: "A document level charge",
    nl: "Een toeslag op documentniveau",
    fr: "Des frais au niveau du document",
  };

  return [
    documentRule(
      1,
      [bt("BG-23", "VAT breakdown"), bt("BT-118", "VAT category code")],
      (doc) => {
        const used = allowanceChargeCategories(doc).length + lineCategories(doc).length > 0;
        // As the Schematron: the first branch compares the breakdown's code as written, the second normalised and in the VAT scheme.
        const ok = used
          ? breakdown(doc).some((c) => all(c, "cbc:ID").some((i) => i.text === code))
          : !breakdown(doc).some(inFamily);
        return ok
          ? undefined
          : { at: doc.root, expected: used ? `a breakdown for ${code}` : `no breakdown for ${code}` };
      },
      {
        en: `Lines, allowances or charges in category ${label.en} need a VAT breakdown in that category, and the breakdown needs them.`,
        nl: `Lijnen, kortingen of toeslagen in categorie ${label.nl} vereisen een btw-uitsplitsing in die categorie, en omgekeerd.`,
        fr: `Des lignes, remises ou frais dans la catégorie ${label.fr} exigent une ventilation de TVA dans cette catégorie, et inversement.`,
      },
    ),
    sellerIdRule(2, (doc) => lineCategories(doc).length > 0, lineWhat, bt("BT-151", "Invoiced item VAT category code")),
    sellerIdRule(
      3,
      (doc) => allowanceChargeCategories(doc, false).length > 0,
      allowanceWhat,
      bt("BT-95", "Document level allowance VAT category code"),
    ),
    sellerIdRule(
      4,
      (doc) => allowanceChargeCategories(doc, true).length > 0,
      chargeWhat,
      bt("BT-102", "Document level charge VAT category code"),
    ),
    rateRule(5, (doc) => lineItemVatCategories(doc, code), lineWhat, bt("BT-152", "Invoiced item VAT rate")),
    rateRule(
      6,
      (doc) => allowanceChargeCategories(doc, false),
      allowanceWhat,
      bt("BT-96", "Document level allowance VAT rate"),
    ),
    rateRule(
      7,
      (doc) => allowanceChargeCategories(doc, true),
      chargeWhat,
      bt("BT-103", "Document level charge VAT rate"),
    ),
    breakdownRule(
      8,
      [bt("BT-116", "VAT category taxable amount"), bt("BT-131", "Invoice line net amount")],
      (category, doc) => {
        const rate = decimalOf(first(category, "cbc:Percent"));
        if (!first(category, "cbc:Percent")) return undefined; // `every $rate in ()` holds
        const taxableEl = first(category.parent!, "cbc:TaxableAmount");
        const atRate = (c: XmlElement | undefined) => {
          const r = decimalOf(first(c ?? category, "cbc:Percent"));
          return !!c && textOf(c, "cbc:ID") === code && !!rate && !!r && compare(r, rate) === 0;
        };
        const allowances = (charge: boolean) =>
          all(doc.root, "cac:AllowanceCharge").filter(
            (ac) => indicator(ac) === charge && atRate(first(ac, "cac:TaxCategory")),
          );
        const lineNet = lines(doc).filter((l) => atRate(first(l, "cac:Item/cac:ClassifiedTaxCategory")));
        const expected = minus(
          plus(
            total(lineNet.map((l) => first(l, "cbc:LineExtensionAmount"))),
            total(allowances(true).map((c) => first(c, "cbc:Amount"))),
          ),
          total(allowances(false).map((a) => first(a, "cbc:Amount"))),
        );
        const taxable = decimalOf(taxableEl);
        if (
          lines(doc).length > 0 &&
          typeof expected !== "string" &&
          taxable &&
          compare(abs(sub(taxable, expected)), ONE) < 0
        )
          return undefined;
        return {
          at: taxableEl ?? category,
          expected: typeof expected === "string" ? expected : formatDecimal(expected),
          found: shown(taxableEl),
        };
      },
      {
        en: `For each ${label.en} rate, the taxable amount must equal the line net amounts plus charges minus allowances at that rate.`,
        nl: `Voor elk ${label.nl}-tarief moet de maatstaf van heffing gelijk zijn aan de nettolijnbedragen plus toeslagen min kortingen tegen dat tarief.`,
        fr: `Pour chaque taux ${label.fr}, la base imposable doit être égale aux montants nets des lignes plus les frais moins les remises à ce taux.`,
      },
    ),
    breakdownRule(
      9,
      [
        bt("BT-117", "VAT category tax amount"),
        bt("BT-116", "VAT category taxable amount"),
        bt("BT-119", "VAT category rate"),
      ],
      (category) => {
        const subtotal = category.parent!;
        const taxEl = first(subtotal, "cbc:TaxAmount");
        const tax = decimalOf(taxEl);
        const taxable = decimalOf(first(subtotal, "cbc:TaxableAmount"));
        const rate = decimalOf(first(category, "cbc:Percent"));
        if (!taxable || !rate) return { at: subtotal, expected: "a taxable amount and a rate", found: "(absent)" };
        const expected = roundHalfUp(mul(abs(taxable), shift(rate, 2)), 2);
        if (tax && compare(abs(sub(abs(tax), expected)), ONE) < 0) return undefined;
        return { at: taxEl ?? subtotal, expected: formatDecimal(expected), found: shown(taxEl) };
      },
      {
        en: `The VAT amount in category ${label.en} must equal the taxable amount multiplied by the rate.`,
        nl: `Het btw-bedrag in categorie ${label.nl} moet gelijk zijn aan de maatstaf van heffing vermenigvuldigd met het tarief.`,
        fr: `Le montant de TVA dans la catégorie ${label.fr} doit être égal à la base imposable multipliée par le taux.`,
      },
    ),
    breakdownRule(
      10,
      [bt("BT-120", "VAT exemption reason text"), bt("BT-121", "VAT exemption reason code")],
      (category) => {
        const reason = first(category, "cbc:TaxExemptionReason") ?? first(category, "cbc:TaxExemptionReasonCode");
        return reason ? { at: reason } : undefined;
      },
      {
        en: `A VAT breakdown in category ${label.en} may not give a VAT exemption reason.`,
        nl: `Een btw-uitsplitsing in categorie ${label.nl} mag geen reden van vrijstelling vermelden.`,
        fr: `Une ventilation de TVA dans la catégorie ${label.fr} ne peut pas indiquer de motif d'exonération.`,
      },
    ),
  ];
}

/** BR-B-01/02 compare the category code as written (`cbc:ID = 'B'`), in any tax scheme. */
function splitPaymentRules(): Rule[] {
  const coded = (elements: readonly XmlElement[], code: string) =>
    elements.some((c) => c.children.some((i) => i.local === "ID" && i.ns === NS.cbc && i.text === code));
  const usesB = (doc: UblDocument) =>
    coded(descendants(doc.root, "cac:TaxCategory"), "B") ||
    coded(descendants(doc.root, "cac:ClassifiedTaxCategory"), "B");
  const terms = [bt("BT-118", "VAT category code"), bt("BT-151", "Invoiced item VAT category code")];
  return [
    {
      id: "BR-B-01",
      severity: "fatal",
      terms: [...terms, bt("BT-40", "Seller country code")],
      context: "/Invoice | /CreditNote",
      messages: {
        en: "Split payment (category B) is only for Italian domestic invoices: every country code must be IT.",
        nl: "Gesplitste betaling (categorie B) is enkel voor binnenlandse Italiaanse facturen: elke landcode moet IT zijn.",
        fr: "Le paiement fractionné (catégorie B) est réservé aux factures nationales italiennes : chaque code pays doit être IT.",
      },
      check: (doc) => {
        if (!usesB(doc)) return [];
        const foreign = descendants(doc.root, "cbc:IdentificationCode").find((c) => c.text !== "IT");
        return foreign ? [{ at: foreign, expected: "IT", found: foreign.text }] : [];
      },
    },
    {
      id: "BR-B-02",
      severity: "fatal",
      terms,
      context: "/Invoice | /CreditNote",
      messages: {
        en: "An invoice with split payment (category B) may not also use the standard rate (category S).",
        nl: "Een factuur met gesplitste betaling (categorie B) mag niet ook het standaardtarief (categorie S) gebruiken.",
        fr: "Une facture avec paiement fractionné (catégorie B) ne peut pas utiliser aussi le taux normal (catégorie S).",
      },
      check: (doc) => {
        const places = [
          ...all(doc.root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"),
          ...all(doc.root, "cac:AllowanceCharge/cac:TaxCategory"),
          ...descendants(doc.root, "cac:ClassifiedTaxCategory"),
        ];
        return coded(places, "B") && coded(places, "S") ? [{ at: doc.root }] : [];
      },
    },
  ];
}

export const IGIC_IPSI_SPLIT_PAYMENT_RULES: readonly Rule[] = [
  ...FAMILIES.flatMap(familyRules),
  ...splitPaymentRules(),
];
