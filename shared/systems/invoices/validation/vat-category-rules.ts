/**
 * EN 16931 rules per VAT category other than standard rate: zero rated (BR-Z), exempt
 * (BR-E), reverse charge (BR-AE), intra-community supply (code K, rule ids BR-IC), export
 * outside the EU (BR-G) and not subject to VAT (BR-O). The official Schematron repeats the
 * same ten assertions per category with small differences (whose VAT identifiers are
 * required or forbidden, zero rate or no rate, exemption reason required or forbidden);
 * each family below states those differences as data and one builder writes the rules.
 */
import { compare, formatDecimal, ZERO } from "./decimal.js";
import type { BusinessTerm, Rule, Violation } from "./rule-engine.js";
import {
  at,
  bt,
  documentAllowanceCharges,
  indicator,
  lines,
  minus,
  plus,
  shown,
  total,
  lineItemVatCategories,
  vatCategoriesAnywhere,
  type Messages,
} from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, decimalOf, descendants, first, textOf, type UblDocument } from "./ubl-document.js";

/** Which parties' tax identifiers a category requires (or, for O, forbids). */
type Parties =
  /** Seller tax id in any scheme, or the tax representative's VAT id (Z, E). */
  | "seller"
  /** Seller VAT id, or the tax representative's (G). */
  | "seller-vat"
  /** As "seller", plus the buyer's VAT id or legal registration id (AE). */
  | "seller-and-buyer-id"
  /** As "seller-vat", plus the buyer's VAT id (K). */
  | "seller-vat-and-buyer-vat"
  /** No VAT id of seller, tax representative or buyer (O). */
  | "no-vat-ids";

interface Family {
  readonly code: string;
  readonly prefix: string;
  readonly label: Messages;
  readonly parties: Parties;
  /** Zero rate (BT-96/103/152 = 0), or no rate at all (O). */
  readonly rate: "zero" | "absent";
  readonly exemptionReason: "required" | "forbidden";
  /** BR-O-03/04 look at document level allowances and charges only; the others at any. */
  readonly documentLevelOnly?: boolean;
}

const FAMILIES: readonly Family[] = [
  {
    code: "Z",
    prefix: "BR-Z",
    label: { en: "'Zero rated' (Z)", nl: "'Nultarief' (Z)", fr: "« Taux zéro » (Z)" },
    parties: "seller",
    rate: "zero",
    exemptionReason: "forbidden",
  },
  {
    code: "E",
    prefix: "BR-E",
    label: { en: "'Exempt from VAT' (E)", nl: "'Vrijgesteld van btw' (E)", fr: "« Exonéré de TVA » (E)" },
    parties: "seller",
    rate: "zero",
    exemptionReason: "required",
  },
  {
    code: "AE",
    prefix: "BR-AE",
    label: { en: "'Reverse charge' (AE)", nl: "'Verlegging van heffing' (AE)", fr: "« Autoliquidation » (AE)" },
    parties: "seller-and-buyer-id",
    rate: "zero",
    exemptionReason: "required",
  },
  {
    code: "K",
    prefix: "BR-IC",
    label: {
      en: "'Intra-community supply' (K)",
      nl: "'Intracommunautaire levering' (K)",
      fr: "« Livraison intracommunautaire » (K)",
    },
    parties: "seller-vat-and-buyer-vat",
    rate: "zero",
    exemptionReason: "required",
  },
  {
    code: "G",
    prefix: "BR-G",
    label: { en: "'Export outside the EU' (G)", nl: "'Uitvoer buiten de EU' (G)", fr: "« Exportation hors UE » (G)" },
    parties: "seller-vat",
    rate: "zero",
    exemptionReason: "required",
  },
  {
    code: "O",
    prefix: "BR-O",
    label: {
      en: "'Not subject to VAT' (O)",
      nl: "'Niet onderworpen aan btw' (O)",
      fr: "« Non soumis à la TVA » (O)",
    },
    parties: "no-vat-ids",
    rate: "absent",
    exemptionReason: "required",
    documentLevelOnly: true,
  },
];

const isVatScheme = (el: XmlElement) => textOf(el, "cac:TaxScheme/cbc:ID").toUpperCase() === "VAT";
const hasCode = (code: string) => (category: XmlElement) => textOf(category, "cbc:ID") === code;
const breakdown = (doc: UblDocument) => all(doc.root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory");

/** `exists(//Party/cac:PartyTaxScheme[VAT?]/cbc:CompanyID)` for a party path under the root. */
function taxId(doc: UblDocument, party: string, path: string, vatOnly: boolean): boolean {
  return descendants(doc.root, party).some((p) =>
    all(p, path).some((scheme) => (!vatOnly || isVatScheme(scheme)) && first(scheme, "cbc:CompanyID") !== undefined),
  );
}

function partiesSatisfied(doc: UblDocument, parties: Parties): boolean {
  const supplier = (vatOnly: boolean) =>
    taxId(doc, "cac:AccountingSupplierParty", "cac:Party/cac:PartyTaxScheme", vatOnly);
  const representative = () => taxId(doc, "cac:TaxRepresentativeParty", "cac:PartyTaxScheme", true);
  const buyerVat = () => taxId(doc, "cac:AccountingCustomerParty", "cac:Party/cac:PartyTaxScheme", true);
  const buyerLegal = () =>
    descendants(doc.root, "cac:AccountingCustomerParty").some((p) =>
      first(p, "cac:Party/cac:PartyLegalEntity/cbc:CompanyID"),
    );
  switch (parties) {
    case "seller":
      return supplier(false) || representative();
    case "seller-vat":
      return supplier(true) || representative();
    case "seller-and-buyer-id":
      return (supplier(false) || representative()) && (buyerVat() || buyerLegal());
    case "seller-vat-and-buyer-vat":
      return (supplier(true) || representative()) && buyerVat();
    case "no-vat-ids":
      return !supplier(true) && !representative() && !buyerVat();
  }
}

const PARTY_TERMS: Readonly<Record<Parties, readonly BusinessTerm[]>> = {
  seller: [
    bt("BT-31", "Seller VAT identifier"),
    bt("BT-32", "Seller tax registration identifier"),
    bt("BT-63", "Seller tax representative VAT identifier"),
  ],
  "seller-vat": [bt("BT-31", "Seller VAT identifier"), bt("BT-63", "Seller tax representative VAT identifier")],
  "seller-and-buyer-id": [
    bt("BT-31", "Seller VAT identifier"),
    bt("BT-32", "Seller tax registration identifier"),
    bt("BT-63", "Seller tax representative VAT identifier"),
    bt("BT-48", "Buyer VAT identifier"),
    bt("BT-47", "Buyer legal registration identifier"),
  ],
  "seller-vat-and-buyer-vat": [
    bt("BT-31", "Seller VAT identifier"),
    bt("BT-63", "Seller tax representative VAT identifier"),
    bt("BT-48", "Buyer VAT identifier"),
  ],
  "no-vat-ids": [
    bt("BT-31", "Seller VAT identifier"),
    bt("BT-63", "Seller tax representative VAT identifier"),
    bt("BT-48", "Buyer VAT identifier"),
  ],
};

const PARTY_DEMAND: Readonly<Record<Parties, Messages>> = {
  seller: {
    en: "requires the seller's VAT or tax registration identifier, or the tax representative's VAT identifier",
    nl: "vereist het btw- of fiscaal registratienummer van de verkoper, of het btw-nummer van diens fiscaal vertegenwoordiger",
    fr: "exige le numéro de TVA ou d'enregistrement fiscal du vendeur, ou le numéro de TVA de son représentant fiscal",
  },
  "seller-vat": {
    en: "requires the seller's VAT identifier or that of the seller's tax representative",
    nl: "vereist het btw-nummer van de verkoper of van diens fiscaal vertegenwoordiger",
    fr: "exige le numéro de TVA du vendeur ou de son représentant fiscal",
  },
  "seller-and-buyer-id": {
    en: "requires the seller's (or tax representative's) VAT identifier and the buyer's VAT identifier or legal registration identifier",
    nl: "vereist het btw-nummer van de verkoper (of fiscaal vertegenwoordiger) en het btw- of ondernemingsnummer van de koper",
    fr: "exige le numéro de TVA du vendeur (ou du représentant fiscal) et le numéro de TVA ou d'immatriculation de l'acheteur",
  },
  "seller-vat-and-buyer-vat": {
    en: "requires the seller's (or tax representative's) VAT identifier and the buyer's VAT identifier",
    nl: "vereist het btw-nummer van de verkoper (of fiscaal vertegenwoordiger) en het btw-nummer van de koper",
    fr: "exige le numéro de TVA du vendeur (ou du représentant fiscal) et celui de l'acheteur",
  },
  "no-vat-ids": {
    en: "may not carry a VAT identifier of the seller, the tax representative or the buyer",
    nl: "mag geen btw-nummer van de verkoper, de fiscaal vertegenwoordiger of de koper bevatten",
    fr: "ne peut pas contenir de numéro de TVA du vendeur, du représentant fiscal ou de l'acheteur",
  },
};

const BREAKDOWN_TERMS = {
  taxable: bt("BT-116", "VAT category taxable amount"),
  tax: bt("BT-117", "VAT category tax amount"),
  code: bt("BT-118", "VAT category code"),
  reasonText: bt("BT-120", "VAT exemption reason text"),
  reasonCode: bt("BT-121", "VAT exemption reason code"),
};

function familyRules(f: Family): Rule[] {
  const id = (n: number) => `${f.prefix}-${String(n).padStart(2, "0")}`;
  const inCategory = (elements: readonly XmlElement[]) => elements.filter((c) => hasCode(f.code)(c) && isVatScheme(c));
  const categoryAllowanceCharges = (doc: UblDocument, charge: boolean) =>
    inCategory(
      (f.documentLevelOnly
        ? documentAllowanceCharges(doc, charge)
        : descendants(doc.root, "cac:AllowanceCharge").filter((ac) => indicator(ac) === charge)
      ).flatMap((ac) => all(ac, "cac:TaxCategory")),
    );
  const { en, nl, fr } = f.label;

  const partyRule = (n: 2 | 3 | 4): Rule => {
    const what: Messages =
      n === 2
        ? {
            en: `An invoice line in VAT category ${en}`,
            nl: `Een factuurlijn in btw-categorie ${nl}`,
            fr: `Une ligne dans la catégorie de TVA ${fr}`,
          }
        : n === 3
          ? {
              en: `A document level allowance in VAT category ${en}`,
              nl: `Een korting op documentniveau in btw-categorie ${nl}`,
              fr: `Une remise au niveau du document dans la catégorie de TVA ${fr}`,
            }
          : {
              en: `A document level charge in VAT category ${en}`,
              nl: `Een toeslag op documentniveau in btw-categorie ${nl}`,
              fr: `Des frais au niveau du document dans la catégorie de TVA ${fr}`,
            };
    const codeTerm =
      n === 2
        ? bt("BT-151", "Invoiced item VAT category code")
        : n === 3
          ? bt("BT-95", "Document level allowance VAT category code")
          : bt("BT-102", "Document level charge VAT category code");
    return {
      id: id(n),
      severity: "fatal",
      terms: [codeTerm, ...PARTY_TERMS[f.parties]],
      context: "/Invoice | /CreditNote",
      messages: {
        en: `${what.en} ${PARTY_DEMAND[f.parties].en}.`,
        nl: `${what.nl} ${PARTY_DEMAND[f.parties].nl}.`,
        fr: `${what.fr} ${PARTY_DEMAND[f.parties].fr}.`,
      },
      check: (doc) => {
        const used =
          n === 2
            ? vatCategoriesAnywhere(doc, "cac:ClassifiedTaxCategory", f.code).length > 0
            : categoryAllowanceCharges(doc, n === 4).length > 0;
        return used && !partiesSatisfied(doc, f.parties) ? [{ at: doc.root }] : [];
      },
    };
  };

  const rateTest = (category: XmlElement): Violation | undefined => {
    const percent = first(category, "cbc:Percent");
    if (f.rate === "absent") return percent ? { at: percent, expected: "no rate", found: shown(percent) } : undefined;
    const value = decimalOf(percent);
    return value && compare(value, ZERO) === 0
      ? undefined
      : { at: percent ?? category, expected: "0", found: shown(percent) };
  };
  const rateDemand: Messages =
    f.rate === "zero"
      ? {
          en: "must have a VAT rate of 0",
          nl: "moet een btw-tarief van 0 hebben",
          fr: "doit avoir un taux de TVA de 0",
        }
      : { en: "may not have a VAT rate", nl: "mag geen btw-tarief hebben", fr: "ne peut pas avoir de taux de TVA" };

  const breakdownContext = `cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[cbc:ID = '${f.code}']`;
  const breakdownCategories = (doc: UblDocument) => inCategory(breakdown(doc));

  const rules: Rule[] = [
    {
      id: id(1),
      severity: "fatal",
      terms: [bt("BG-23", "VAT breakdown"), BREAKDOWN_TERMS.code],
      context: "/Invoice | /CreditNote",
      messages: {
        en: `Lines, allowances or charges in VAT category ${en} need exactly one VAT breakdown for that category.`,
        nl: `Lijnen, kortingen of toeslagen in btw-categorie ${nl} vereisen precies één btw-uitsplitsing voor die categorie.`,
        fr: `Des lignes, remises ou frais dans la catégorie de TVA ${fr} exigent exactement une ventilation de TVA pour cette catégorie.`,
      },
      check: (doc) => {
        const used =
          vatCategoriesAnywhere(doc, "cac:TaxCategory", f.code).length > 0 ||
          vatCategoriesAnywhere(doc, "cac:ClassifiedTaxCategory", f.code).length > 0;
        const count = breakdownCategories(doc).length;
        return used && count !== 1 ? [{ at: doc.root, expected: "1 breakdown", found: `${count}` }] : [];
      },
    },
    partyRule(2),
    partyRule(3),
    partyRule(4),
    at(
      id(5),
      [bt("BT-152", "Invoiced item VAT rate")],
      `cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory[cbc:ID = '${f.code}']`,
      (doc) => lineItemVatCategories(doc, f.code),
      rateTest,
      {
        en: `An invoice line in VAT category ${en} ${rateDemand.en}.`,
        nl: `Een factuurlijn in btw-categorie ${nl} ${rateDemand.nl}.`,
        fr: `Une ligne dans la catégorie de TVA ${fr} ${rateDemand.fr}.`,
      },
    ),
    ...([false, true] as const).map((charge) =>
      at(
        id(charge ? 7 : 6),
        [charge ? bt("BT-103", "Document level charge VAT rate") : bt("BT-96", "Document level allowance VAT rate")],
        `cac:AllowanceCharge[cbc:ChargeIndicator=${charge}()]/cac:TaxCategory[cbc:ID = '${f.code}']`,
        (doc) => inCategory(documentAllowanceCharges(doc, charge).flatMap((ac) => all(ac, "cac:TaxCategory"))),
        rateTest,
        charge
          ? {
              en: `A document level charge in VAT category ${en} ${rateDemand.en}.`,
              nl: `Een toeslag op documentniveau in btw-categorie ${nl} ${rateDemand.nl}.`,
              fr: `Des frais au niveau du document dans la catégorie de TVA ${fr} ${rateDemand.fr}.`,
            }
          : {
              en: `A document level allowance in VAT category ${en} ${rateDemand.en}.`,
              nl: `Een korting op documentniveau in btw-categorie ${nl} ${rateDemand.nl}.`,
              fr: `Une remise au niveau du document dans la catégorie de TVA ${fr} ${rateDemand.fr}.`,
            },
      ),
    ),
    at(
      id(8),
      [
        BREAKDOWN_TERMS.taxable,
        bt("BT-131", "Invoice line net amount"),
        bt("BT-92", "Document level allowance amount"),
        bt("BT-99", "Document level charge amount"),
      ],
      breakdownContext,
      breakdownCategories,
      (category, doc) => {
        // As the Schematron: exact (no tolerance), summed by category code only, and
        // failing when the invoice has no lines at all.
        const taxable = first(category.parent!, "cbc:TaxableAmount");
        const ofCategory = (c: XmlElement | undefined) => c !== undefined && textOf(c, "cbc:ID") === f.code;
        const docLines = lines(doc);
        const expected = minus(
          plus(
            total(
              docLines
                .filter((l) => all(l, "cac:Item/cac:ClassifiedTaxCategory").some(ofCategory))
                .map((l) => first(l, "cbc:LineExtensionAmount")),
            ),
            total(
              documentAllowanceCharges(doc, true)
                .filter((ac) => all(ac, "cac:TaxCategory").some(ofCategory))
                .map((ac) => first(ac, "cbc:Amount")),
            ),
          ),
          total(
            documentAllowanceCharges(doc, false)
              .filter((ac) => all(ac, "cac:TaxCategory").some(ofCategory))
              .map((ac) => first(ac, "cbc:Amount")),
          ),
        );
        const found = decimalOf(taxable);
        if (docLines.length > 0 && typeof expected !== "string" && found && compare(found, expected) === 0)
          return undefined;
        return {
          at: taxable ?? category.parent!,
          expected: typeof expected === "string" ? expected : formatDecimal(expected),
          found: shown(taxable),
        };
      },
      {
        en: `The taxable amount of VAT category ${en} must equal the line net amounts plus charges minus allowances in that category.`,
        nl: `De maatstaf van heffing van btw-categorie ${nl} moet gelijk zijn aan de nettolijnbedragen plus toeslagen min kortingen in die categorie.`,
        fr: `La base imposable de la catégorie de TVA ${fr} doit être égale aux montants nets des lignes plus les frais moins les remises de cette catégorie.`,
      },
    ),
    at(
      id(9),
      [BREAKDOWN_TERMS.tax],
      breakdownContext,
      breakdownCategories,
      (category) => {
        const tax = first(category.parent!, "cbc:TaxAmount");
        const value = decimalOf(tax);
        return value && compare(value, ZERO) === 0
          ? undefined
          : { at: tax ?? category.parent!, expected: "0", found: shown(tax) };
      },
      {
        en: `The VAT amount of VAT category ${en} must be 0.`,
        nl: `Het btw-bedrag van btw-categorie ${nl} moet 0 zijn.`,
        fr: `Le montant de TVA de la catégorie de TVA ${fr} doit être 0.`,
      },
    ),
    at(
      id(10),
      [BREAKDOWN_TERMS.reasonText, BREAKDOWN_TERMS.reasonCode],
      breakdownContext,
      breakdownCategories,
      (category) => {
        const reason = first(category, "cbc:TaxExemptionReason") ?? first(category, "cbc:TaxExemptionReasonCode");
        if (f.exemptionReason === "forbidden") return reason ? { at: reason } : undefined;
        return reason ? undefined : { at: category, expected: "an exemption reason text or code", found: "none" };
      },
      f.exemptionReason === "forbidden"
        ? {
            en: `A VAT breakdown in category ${en} may not give a VAT exemption reason.`,
            nl: `Een btw-uitsplitsing in categorie ${nl} mag geen reden van vrijstelling vermelden.`,
            fr: `Une ventilation de TVA dans la catégorie ${fr} ne peut pas indiquer de motif d'exonération.`,
          }
        : {
            en: `A VAT breakdown in category ${en} must give a VAT exemption reason text or code.`,
            nl: `Een btw-uitsplitsing in categorie ${nl} moet een reden of code van vrijstelling vermelden.`,
            fr: `Une ventilation de TVA dans la catégorie ${fr} doit indiquer un motif ou un code d'exonération.`,
          },
    ),
  ];
  return rules;
}

/** BR-IC-11/12: an intra-community supply states when and where the goods were delivered. */
function intraCommunityDeliveryRules(): Rule[] {
  const hasK = (doc: UblDocument) => breakdown(doc).some((c) => hasCode("K")(c) && isVatScheme(c));
  return [
    {
      id: "BR-IC-11",
      severity: "fatal",
      terms: [bt("BT-72", "Actual delivery date"), bt("BG-14", "Invoicing period")],
      context: "/Invoice | /CreditNote",
      messages: {
        en: "An intra-community supply (K) must give the actual delivery date or the invoicing period.",
        nl: "Een intracommunautaire levering (K) moet de werkelijke leveringsdatum of de factuurperiode vermelden.",
        fr: "Une livraison intracommunautaire (K) doit indiquer la date de livraison effective ou la période de facturation.",
      },
      check: (doc) => {
        if (!hasK(doc)) return [];
        const date = textOf(doc.root, "cac:Delivery/cbc:ActualDeliveryDate");
        const period = all(doc.root, "cac:InvoicePeriod").some((p) => p.children.length > 0);
        return date.length > 1 || period ? [] : [{ at: doc.root }];
      },
    },
    {
      id: "BR-IC-12",
      severity: "fatal",
      terms: [bt("BT-80", "Deliver to country code")],
      context: "/Invoice | /CreditNote",
      messages: {
        en: "An intra-community supply (K) must give the country the goods were delivered to.",
        nl: "Een intracommunautaire levering (K) moet het land van levering vermelden.",
        fr: "Une livraison intracommunautaire (K) doit indiquer le pays de livraison.",
      },
      check: (doc) => {
        if (!hasK(doc)) return [];
        const country = textOf(
          doc.root,
          "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode",
        );
        return country.length > 1 ? [] : [{ at: doc.root }];
      },
    },
  ];
}

/** BR-O-11..14: an invoice with a 'not subject to VAT' breakdown has no other VAT category. */
function notSubjectExclusivityRules(): Rule[] {
  const otherVat = (elements: readonly XmlElement[]) => elements.filter((c) => !hasCode("O")(c) && isVatScheme(c));
  const hasO = (doc: UblDocument) => breakdown(doc).some((c) => hasCode("O")(c) && isVatScheme(c));
  const rule = (id: string, term: BusinessTerm, others: (doc: UblDocument) => XmlElement[], what: Messages): Rule => ({
    id,
    severity: "fatal",
    terms: [BREAKDOWN_TERMS.code, term],
    context: "/Invoice | /CreditNote",
    messages: {
      en: `An invoice with a VAT breakdown 'Not subject to VAT' (O) may not contain ${what.en} in another VAT category.`,
      nl: `Een factuur met een btw-uitsplitsing 'Niet onderworpen aan btw' (O) mag geen ${what.nl} in een andere btw-categorie bevatten.`,
      fr: `Une facture avec une ventilation de TVA « Non soumis à la TVA » (O) ne peut pas contenir ${what.fr} d'une autre catégorie de TVA.`,
    },
    check: (doc) => (hasO(doc) ? others(doc).map((c) => ({ at: c, found: `'${textOf(c, "cbc:ID")}'` })) : []),
  });
  const acCategories = (doc: UblDocument, charge: boolean) =>
    otherVat(
      descendants(doc.root, "cac:AllowanceCharge")
        .filter((ac) => indicator(ac) === charge)
        .flatMap((ac) => all(ac, "cac:TaxCategory")),
    );
  return [
    rule("BR-O-11", bt("BG-23", "VAT breakdown"), (doc) => otherVat(breakdown(doc)), {
      en: "a VAT breakdown",
      nl: "btw-uitsplitsing",
      fr: "de ventilation de TVA",
    }),
    rule(
      "BR-O-12",
      bt("BT-151", "Invoiced item VAT category code"),
      (doc) => otherVat(descendants(doc.root, "cac:ClassifiedTaxCategory")),
      {
        en: "invoice lines",
        nl: "factuurlijnen",
        fr: "de lignes",
      },
    ),
    rule("BR-O-13", bt("BT-95", "Document level allowance VAT category code"), (doc) => acCategories(doc, false), {
      en: "document level allowances",
      nl: "kortingen op documentniveau",
      fr: "de remises au niveau du document",
    }),
    rule("BR-O-14", bt("BT-102", "Document level charge VAT category code"), (doc) => acCategories(doc, true), {
      en: "document level charges",
      nl: "toeslagen op documentniveau",
      fr: "de frais au niveau du document",
    }),
  ];
}

export const VAT_CATEGORY_RULES: readonly Rule[] = [
  ...FAMILIES.flatMap(familyRules),
  ...intraCommunityDeliveryRules(),
  ...notSubjectExclusivityRules(),
];
