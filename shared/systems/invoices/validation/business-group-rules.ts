/**
 * EN 16931 rules on the business groups (BR-17..65 as the CEN UBL Schematron 1.3.16 asserts
 * them; BR-34/35/39/40/58..60 are not in it) and BR-CO-17, the VAT amount per breakdown.
 * Contexts keep the Schematron's meaning: relative contexts (`cac:PayeeParty`) match
 * anywhere, and a line's invoice period is judged by BR-30 only (first matching rule).
 */
import { abs, compare, formatDecimal, mul, roundHalfUp, shift, sub, ZERO, type Decimal } from "./decimal.js";
import type { BusinessTerm, Rule, Violation } from "./rule-engine.js";
import { at, bt, documentAllowanceCharges, indicator, lines, shown, type Messages } from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, decimalOf, descendants, first, NS, textOf, type UblDocument } from "./ubl-document.js";

const isVat = (el: XmlElement) => textOf(el, "cac:TaxScheme/cbc:ID").toUpperCase() === "VAT";
const vatCategoryOf = (el: XmlElement) => all(el, "cac:TaxCategory").filter(isVat);
const anywhere = (name: string) => (doc: UblDocument) => [...descendants(doc.root, name)];
const childOf = (el: XmlElement, parentLocal: string) => el.parent?.ns === NS.cac && el.parent.local === parentLocal;
const isLine = (el: XmlElement | undefined) =>
  el?.ns === NS.cac && (el.local === "InvoiceLine" || el.local === "CreditNoteLine");
const lineAllowanceCharges = (doc: UblDocument, charge: boolean) =>
  lines(doc).flatMap((line) => all(line, "cac:AllowanceCharge").filter((ac) => indicator(ac) === charge));
const msg = (en: string, nl: string, fr: string): Messages => ({ en, nl, fr });

/** A rule that fails when `ok` is false at a context element. */
function rule(
  id: string,
  terms: BusinessTerm[],
  context: string,
  contexts: (doc: UblDocument) => XmlElement[],
  ok: (el: XmlElement, doc: UblDocument) => boolean,
  messages: Messages,
): Rule {
  return at(id, terms, context, contexts, (el, doc) => (ok(el, doc) ? undefined : { at: el }), messages);
}

/** `(path) >= 0` as XPath general comparison: true when some value is a number >= 0. */
const someNonNegative = (el: XmlElement, path: string) =>
  all(el, path).some((v) => {
    const value = decimalOf(v);
    return value !== undefined && compare(value, ZERO) >= 0;
  });

/** `xs:date(end) >= xs:date(start)` when both exist; an unreadable date fails as the cast would. */
function periodInOrder(period: XmlElement): boolean {
  const start = first(period, "cbc:StartDate");
  const end = first(period, "cbc:EndDate");
  if (!start || !end) return true;
  const date = /^\d{4}-\d{2}-\d{2}/;
  const [s, e] = [start.text.trim(), end.text.trim()];
  return date.test(s) && date.test(e) && e.slice(0, 10) >= s.slice(0, 10);
}

const reason = (ac: XmlElement) =>
  first(ac, "cbc:AllowanceChargeReason") !== undefined || first(ac, "cbc:AllowanceChargeReasonCode") !== undefined;
const vatCategoryCode = (ac: XmlElement) => vatCategoryOf(ac).some((c) => first(c, "cbc:ID"));

/** The allowance/charge groups: amount, VAT category (document level only), reason. */
interface AllowanceChargeGroup {
  readonly context: string;
  readonly select: (doc: UblDocument) => XmlElement[];
  readonly what: Messages;
  readonly amount: readonly [string, BusinessTerm];
  readonly category?: readonly [string, BusinessTerm];
  readonly reason: readonly [string, BusinessTerm];
}

function allowanceChargeRules(): Rule[] {
  const groups: AllowanceChargeGroup[] = [
    {
      context: "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator = false()]",
      select: (doc) => documentAllowanceCharges(doc, false),
      what: msg("A document level allowance", "Een korting op documentniveau", "Une remise au niveau du document"),
      amount: ["BR-31", bt("BT-92", "Document level allowance amount")],
      category: ["BR-32", bt("BT-95", "Document level allowance VAT category code")],
      reason: ["BR-33", bt("BT-97", "Document level allowance reason")],
    },
    {
      context: "/Invoice/cac:AllowanceCharge[cbc:ChargeIndicator = true()]",
      select: (doc) => documentAllowanceCharges(doc, true),
      what: msg("A document level charge", "Een toeslag op documentniveau", "Des frais au niveau du document"),
      amount: ["BR-36", bt("BT-99", "Document level charge amount")],
      category: ["BR-37", bt("BT-102", "Document level charge VAT category code")],
      reason: ["BR-38", bt("BT-104", "Document level charge reason")],
    },
    {
      context: "//cac:InvoiceLine/cac:AllowanceCharge[cbc:ChargeIndicator = false()]",
      select: (doc) => lineAllowanceCharges(doc, false),
      what: msg("An invoice line allowance", "Een korting op lijnniveau", "Une remise de ligne"),
      amount: ["BR-41", bt("BT-136", "Invoice line allowance amount")],
      reason: ["BR-42", bt("BT-139", "Invoice line allowance reason")],
    },
    {
      context: "//cac:InvoiceLine/cac:AllowanceCharge[cbc:ChargeIndicator = true()]",
      select: (doc) => lineAllowanceCharges(doc, true),
      what: msg("An invoice line charge", "Een toeslag op lijnniveau", "Des frais de ligne"),
      amount: ["BR-43", bt("BT-141", "Invoice line charge amount")],
      reason: ["BR-44", bt("BT-144", "Invoice line charge reason")],
    },
  ];
  return groups.flatMap(({ context, select, what, amount, category, reason: reasonRule }) => [
    rule(amount[0], [amount[1]], context, select, (ac) => first(ac, "cbc:Amount") !== undefined, {
      en: `${what.en} must have an amount.`,
      nl: `${what.nl} moet een bedrag hebben.`,
      fr: `${what.fr} doit avoir un montant.`,
    }),
    ...(category
      ? [
          rule(category[0], [category[1]], context, select, vatCategoryCode, {
            en: `${what.en} must have a VAT category code.`,
            nl: `${what.nl} moet een btw-categoriecode hebben.`,
            fr: `${what.fr} doit avoir un code de catégorie de TVA.`,
          }),
        ]
      : []),
    rule(reasonRule[0], [reasonRule[1]], context, select, reason, {
      en: `${what.en} must give a reason or a reason code.`,
      nl: `${what.nl} moet een reden of een redencode vermelden.`,
      fr: `${what.fr} doit indiquer un motif ou un code de motif.`,
    }),
  ]);
}

const subtotals = (doc: UblDocument) => descendants(doc.root, "cac:TaxSubtotal").filter((s) => childOf(s, "TaxTotal"));
const ONE: Decimal = { units: 1n, scale: 0 };
const round0 = (value: Decimal) => roundHalfUp(value, 0);

/** BR-CO-17 exactly as the Schematron writes it, rates rounded to integers included. */
function vatAmountMatches(subtotal: XmlElement): Violation | undefined {
  const taxEl = first(subtotal, "cbc:TaxAmount");
  const tax = decimalOf(taxEl);
  const rateEl = vatCategoryOf(subtotal)
    .map((c) => first(c, "cbc:Percent"))
    .find((p) => p !== undefined);
  const rate = decimalOf(rateEl);
  const taxable = decimalOf(first(subtotal, "cbc:TaxableAmount"));
  const fail = (expected: string): Violation => ({ at: taxEl ?? subtotal, expected, found: shown(taxEl) });
  if (!tax) return fail("a VAT amount");
  if (rateEl && !rate) return fail("a numeric rate");
  if (!rate || compare(round0(rate), ZERO) === 0) return compare(round0(tax), ZERO) === 0 ? undefined : fail("0.00");
  if (!taxable) return fail("a taxable amount");
  const expected = roundHalfUp(mul(abs(taxable), shift(rate, 2)), 2);
  return compare(abs(sub(abs(tax), expected)), ONE) < 0 ? undefined : fail(formatDecimal(expected));
}

const PAYMENT_MEANS_WITH_ACCOUNT = new Set(["30", "58"]);

export const BUSINESS_GROUP_RULES: readonly Rule[] = [
  rule(
    "BR-17",
    [bt("BT-59", "Payee name")],
    "cac:PayeeParty",
    anywhere("cac:PayeeParty"),
    (payee, doc) => {
      const seller = first(doc.root, "cac:AccountingSupplierParty/cac:Party");
      const sellerNames = new Set(seller ? all(seller, "cac:PartyName/cbc:Name").map((n) => n.text) : []);
      const sellerIds = new Set(seller ? all(seller, "cac:PartyIdentification/cbc:ID").map((n) => n.text) : []);
      const names = all(payee, "cac:PartyName/cbc:Name");
      return (
        names.length > 0 &&
        !names.some((n) => sellerNames.has(n.text)) &&
        !all(payee, "cac:PartyIdentification/cbc:ID").some((i) => sellerIds.has(i.text))
      );
    },
    msg(
      "A payee other than the seller must have a name of its own.",
      "Een begunstigde die niet de verkoper is, moet een eigen naam hebben.",
      "Un bénéficiaire autre que le vendeur doit avoir son propre nom.",
    ),
  ),
  rule(
    "BR-18",
    [bt("BT-62", "Seller tax representative name")],
    "cac:TaxRepresentativeParty",
    anywhere("cac:TaxRepresentativeParty"),
    (party) => textOf(party, "cac:PartyName/cbc:Name") !== "",
    msg(
      "The seller's tax representative must have a name.",
      "De fiscale vertegenwoordiger van de verkoper moet een naam hebben.",
      "Le représentant fiscal du vendeur doit avoir un nom.",
    ),
  ),
  rule(
    "BR-19",
    [bt("BG-12", "Seller tax representative postal address")],
    "cac:TaxRepresentativeParty",
    anywhere("cac:TaxRepresentativeParty"),
    (party) => first(party, "cac:PostalAddress") !== undefined,
    msg(
      "The seller's tax representative must have a postal address.",
      "De fiscale vertegenwoordiger van de verkoper moet een postadres hebben.",
      "Le représentant fiscal du vendeur doit avoir une adresse postale.",
    ),
  ),
  rule(
    "BR-20",
    [bt("BT-69", "Tax representative country code")],
    "cac:TaxRepresentativeParty/cac:PostalAddress",
    (doc) => descendants(doc.root, "cac:PostalAddress").filter((a) => childOf(a, "TaxRepresentativeParty")),
    (address) => textOf(address, "cac:Country/cbc:IdentificationCode") !== "",
    msg(
      "The tax representative's postal address must contain a country code.",
      "Het postadres van de fiscale vertegenwoordiger moet een landcode bevatten.",
      "L'adresse postale du représentant fiscal doit contenir un code pays.",
    ),
  ),
  rule(
    "BR-21",
    [bt("BT-126", "Invoice line identifier")],
    "cac:InvoiceLine | cac:CreditNoteLine",
    lines,
    (line) => textOf(line, "cbc:ID") !== "",
    msg(
      "Each invoice line must have an identifier.",
      "Elke factuurlijn moet een identificatie hebben.",
      "Chaque ligne de facture doit avoir un identifiant.",
    ),
  ),
  rule(
    "BR-22",
    [bt("BT-129", "Invoiced quantity")],
    "cac:InvoiceLine | cac:CreditNoteLine",
    lines,
    (line) => first(line, "cbc:InvoicedQuantity") !== undefined || first(line, "cbc:CreditedQuantity") !== undefined,
    msg(
      "Each invoice line must have an invoiced quantity.",
      "Elke factuurlijn moet een gefactureerde hoeveelheid hebben.",
      "Chaque ligne de facture doit avoir une quantité facturée.",
    ),
  ),
  rule(
    "BR-23",
    [bt("BT-130", "Invoiced quantity unit of measure code")],
    "cac:InvoiceLine | cac:CreditNoteLine",
    lines,
    (line) =>
      line.children.some(
        (q) =>
          q.ns === NS.cbc &&
          (q.local === "InvoicedQuantity" || q.local === "CreditedQuantity") &&
          q.attributes.has("unitCode"),
      ),
    msg(
      "Each invoice line's quantity must have a unit of measure (unitCode).",
      "De hoeveelheid van elke factuurlijn moet een meeteenheid hebben (unitCode).",
      "La quantité de chaque ligne doit avoir une unité de mesure (unitCode).",
    ),
  ),
  rule(
    "BR-24",
    [bt("BT-131", "Invoice line net amount")],
    "cac:InvoiceLine | cac:CreditNoteLine",
    lines,
    (line) => first(line, "cbc:LineExtensionAmount") !== undefined,
    msg(
      "Each invoice line must have a net amount.",
      "Elke factuurlijn moet een nettobedrag hebben.",
      "Chaque ligne de facture doit avoir un montant net.",
    ),
  ),
  rule(
    "BR-25",
    [bt("BT-153", "Item name")],
    "cac:InvoiceLine | cac:CreditNoteLine",
    lines,
    (line) => textOf(line, "cac:Item/cbc:Name") !== "",
    msg(
      "Each invoice line must contain the item name.",
      "Elke factuurlijn moet de naam van het artikel bevatten.",
      "Chaque ligne de facture doit contenir le nom de l'article.",
    ),
  ),
  rule(
    "BR-26",
    [bt("BT-146", "Item net price")],
    "cac:InvoiceLine | cac:CreditNoteLine",
    lines,
    (line) => first(line, "cac:Price/cbc:PriceAmount") !== undefined,
    msg(
      "Each invoice line must contain the item net price.",
      "Elke factuurlijn moet de nettoprijs van het artikel bevatten.",
      "Chaque ligne de facture doit contenir le prix net de l'article.",
    ),
  ),
  rule(
    "BR-27",
    [bt("BT-146", "Item net price")],
    "cac:InvoiceLine | cac:CreditNoteLine",
    lines,
    (line) => someNonNegative(line, "cac:Price/cbc:PriceAmount"),
    msg(
      "The item net price may not be negative.",
      "De nettoprijs van het artikel mag niet negatief zijn.",
      "Le prix net de l'article ne peut pas être négatif.",
    ),
  ),
  rule(
    "BR-28",
    [bt("BT-148", "Item gross price")],
    "cac:InvoiceLine | cac:CreditNoteLine",
    lines,
    (line) =>
      !first(line, "cac:Price/cac:AllowanceCharge/cbc:BaseAmount") ||
      someNonNegative(line, "cac:Price/cac:AllowanceCharge/cbc:BaseAmount"),
    msg(
      "The item gross price may not be negative.",
      "De brutoprijs van het artikel mag niet negatief zijn.",
      "Le prix brut de l'article ne peut pas être négatif.",
    ),
  ),
  rule(
    "BR-29",
    [bt("BT-73", "Invoicing period start date"), bt("BT-74", "Invoicing period end date")],
    "cac:InvoicePeriod",
    (doc) => descendants(doc.root, "cac:InvoicePeriod").filter((p) => !isLine(p.parent)),
    periodInOrder,
    msg(
      "The invoicing period may not end before it starts.",
      "De factuurperiode mag niet eindigen voordat ze begint.",
      "La période de facturation ne peut pas se terminer avant de commencer.",
    ),
  ),
  rule(
    "BR-30",
    [bt("BT-134", "Invoice line period start date"), bt("BT-135", "Invoice line period end date")],
    "cac:InvoiceLine/cac:InvoicePeriod",
    (doc) => lines(doc).flatMap((line) => all(line, "cac:InvoicePeriod")),
    periodInOrder,
    msg(
      "An invoice line period may not end before it starts.",
      "De periode van een factuurlijn mag niet eindigen voordat ze begint.",
      "La période d'une ligne ne peut pas se terminer avant de commencer.",
    ),
  ),
  ...allowanceChargeRules(),
  ...(
    [
      [
        "BR-45",
        "BT-116",
        "VAT category taxable amount",
        (s: XmlElement) => !!first(s, "cbc:TaxableAmount"),
        "a taxable amount",
        "een maatstaf van heffing",
        "une base imposable",
      ],
      [
        "BR-46",
        "BT-117",
        "VAT category tax amount",
        (s: XmlElement) => !!first(s, "cbc:TaxAmount"),
        "a VAT amount",
        "een btw-bedrag",
        "un montant de TVA",
      ],
      [
        "BR-47",
        "BT-118",
        "VAT category code",
        (s: XmlElement) => vatCategoryCode(s),
        "a VAT category code",
        "een btw-categoriecode",
        "un code de catégorie de TVA",
      ],
      [
        "BR-48",
        "BT-119",
        "VAT category rate",
        (s: XmlElement) =>
          vatCategoryOf(s).some((c) => first(c, "cbc:Percent")) ||
          vatCategoryOf(s).some((c) => textOf(c, "cbc:ID") === "O"),
        "a VAT rate (unless not subject to VAT)",
        "een btw-tarief (tenzij niet onderworpen aan btw)",
        "un taux de TVA (sauf non soumis à la TVA)",
      ],
    ] as const
  ).map(([id, term, name, ok, en, nl, fr]) =>
    rule(id, [bt(term, name)], "cac:TaxTotal/cac:TaxSubtotal", subtotals, ok, {
      en: `Each VAT breakdown must have ${en}.`,
      nl: `Elke btw-uitsplitsing moet ${nl} hebben.`,
      fr: `Chaque ventilation de TVA doit avoir ${fr}.`,
    }),
  ),
  at(
    "BR-CO-17",
    [
      bt("BT-117", "VAT category tax amount"),
      bt("BT-116", "VAT category taxable amount"),
      bt("BT-119", "VAT category rate"),
    ],
    "cac:TaxTotal/cac:TaxSubtotal",
    subtotals,
    vatAmountMatches,
    msg(
      "Each VAT breakdown's VAT amount must equal its taxable amount times its rate, rounded to two decimals.",
      "Het btw-bedrag van elke uitsplitsing moet gelijk zijn aan de maatstaf van heffing maal het tarief, afgerond op twee decimalen.",
      "Le montant de TVA de chaque ventilation doit être égal à la base imposable multipliée par le taux, arrondi à deux décimales.",
    ),
  ),
  rule(
    "BR-49",
    [bt("BT-81", "Payment means type code")],
    "cac:PaymentMeans",
    anywhere("cac:PaymentMeans"),
    (means) => first(means, "cbc:PaymentMeansCode") !== undefined,
    msg(
      "Payment instructions must state the payment means type code.",
      "Betalingsinstructies moeten de code van het betaalmiddel vermelden.",
      "Les instructions de paiement doivent indiquer le code du moyen de paiement.",
    ),
  ),
  rule(
    "BR-50",
    [bt("BT-84", "Payment account identifier")],
    "cac:PaymentMeans[cbc:PaymentMeansCode='30' or cbc:PaymentMeansCode='58']/cac:PayeeFinancialAccount",
    (doc) =>
      descendants(doc.root, "cac:PaymentMeans")
        .filter((m) => all(m, "cbc:PaymentMeansCode").some((c) => PAYMENT_MEANS_WITH_ACCOUNT.has(c.text)))
        .flatMap((m) => all(m, "cac:PayeeFinancialAccount")),
    (account) => textOf(account, "cbc:ID") !== "",
    msg(
      "A credit transfer must give the payment account identifier.",
      "Een overschrijving moet het rekeningnummer van de begunstigde vermelden.",
      "Un virement doit indiquer l'identifiant du compte de paiement.",
    ),
  ),
  {
    ...rule(
      "BR-51",
      [bt("BT-87", "Payment card primary account number")],
      "cac:PaymentMeans/cac:CardAccount/cbc:PrimaryAccountNumberID",
      (doc) =>
        descendants(doc.root, "cac:PaymentMeans").flatMap((m) => all(m, "cac:CardAccount/cbc:PrimaryAccountNumberID")),
      (pan) => textOf(pan).length <= 10,
      msg(
        "Only the last 4 to 6 digits of the payment card number should be given (at most 10 characters).",
        "Geef enkel de laatste 4 tot 6 cijfers van het kaartnummer (hoogstens 10 tekens).",
        "N'indiquez que les 4 à 6 derniers chiffres du numéro de carte (10 caractères au plus).",
      ),
    ),
    severity: "warning",
  },
  rule(
    "BR-52",
    [bt("BT-122", "Supporting document reference")],
    "cac:AdditionalDocumentReference",
    anywhere("cac:AdditionalDocumentReference"),
    (ref) => textOf(ref, "cbc:ID") !== "",
    msg(
      "Each additional supporting document must have a reference.",
      "Elk bijkomend verantwoordingsstuk moet een referentie hebben.",
      "Chaque document justificatif additionnel doit avoir une référence.",
    ),
  ),
  at(
    "BR-53",
    [bt("BT-111", "Invoice total VAT amount in accounting currency"), bt("BT-6", "VAT accounting currency code")],
    "/Invoice | /CreditNote",
    (doc) => all(doc.root, "cbc:TaxCurrencyCode"),
    (code, doc) => {
      const stated = descendants(doc.root, "cac:TaxTotal").flatMap((t) => all(t, "cbc:TaxAmount"));
      return stated.some((a) => a.attributes.get("currencyID") === code.text)
        ? undefined
        : { at: code, expected: `a VAT total in ${code.text.trim()}`, found: "(absent)" };
    },
    msg(
      "When a VAT accounting currency is given, the total VAT amount in that currency must be given too.",
      "Als een btw-boekhoudmunt vermeld is, moet ook het btw-totaal in die munt vermeld zijn.",
      "Si une devise de comptabilisation de la TVA est indiquée, le total de TVA dans cette devise doit l'être aussi.",
    ),
  ),
  rule(
    "BR-54",
    [bt("BT-160", "Item attribute name"), bt("BT-161", "Item attribute value")],
    "//cac:AdditionalItemProperty",
    anywhere("cac:AdditionalItemProperty"),
    (prop) => first(prop, "cbc:Name") !== undefined && first(prop, "cbc:Value") !== undefined,
    msg(
      "Each item attribute must have a name and a value.",
      "Elk artikelkenmerk moet een naam en een waarde hebben.",
      "Chaque attribut d'article doit avoir un nom et une valeur.",
    ),
  ),
  rule(
    "BR-55",
    [bt("BT-25", "Preceding Invoice reference")],
    "cac:BillingReference",
    anywhere("cac:BillingReference"),
    (ref) => first(ref, "cac:InvoiceDocumentReference/cbc:ID") !== undefined,
    msg(
      "Each preceding invoice reference must contain the preceding invoice's number.",
      "Elke verwijzing naar een vorige factuur moet het nummer ervan bevatten.",
      "Chaque référence à une facture antérieure doit contenir son numéro.",
    ),
  ),
  rule(
    "BR-56",
    [bt("BT-63", "Seller tax representative VAT identifier")],
    "cac:TaxRepresentativeParty",
    anywhere("cac:TaxRepresentativeParty"),
    (party) => all(party, "cac:PartyTaxScheme").some((s) => isVat(s) && first(s, "cbc:CompanyID")),
    msg(
      "The seller's tax representative must have a VAT identifier.",
      "De fiscale vertegenwoordiger van de verkoper moet een btw-nummer hebben.",
      "Le représentant fiscal du vendeur doit avoir un numéro de TVA.",
    ),
  ),
  rule(
    "BR-57",
    [bt("BT-80", "Deliver to country code")],
    "cac:Delivery/cac:DeliveryLocation/cac:Address",
    (doc) => descendants(doc.root, "cac:Delivery").flatMap((d) => all(d, "cac:DeliveryLocation/cac:Address")),
    (address) => first(address, "cac:Country/cbc:IdentificationCode") !== undefined,
    msg(
      "Each deliver-to address must contain a country code.",
      "Elk leveringsadres moet een landcode bevatten.",
      "Chaque adresse de livraison doit contenir un code pays.",
    ),
  ),
  rule(
    "BR-61",
    [bt("BT-84", "Payment account identifier"), bt("BT-81", "Payment means type code")],
    "cac:PaymentMeans",
    anywhere("cac:PaymentMeans"),
    (means) =>
      !PAYMENT_MEANS_WITH_ACCOUNT.has(textOf(means, "cbc:PaymentMeansCode")) ||
      first(means, "cac:PayeeFinancialAccount/cbc:ID") !== undefined,
    msg(
      "A credit transfer (code 30 or 58) must give the payment account identifier.",
      "Een overschrijving (code 30 of 58) moet het rekeningnummer van de begunstigde vermelden.",
      "Un virement (code 30 ou 58) doit indiquer l'identifiant du compte de paiement.",
    ),
  ),
  ...(
    [
      [
        "BR-62",
        "BT-34",
        "Seller electronic address",
        "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID",
        "schemeID",
        "The seller's electronic address",
        "Het elektronisch adres van de verkoper",
        "L'adresse électronique du vendeur",
      ],
      [
        "BR-63",
        "BT-49",
        "Buyer electronic address",
        "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID",
        "schemeID",
        "The buyer's electronic address",
        "Het elektronisch adres van de koper",
        "L'adresse électronique de l'acheteur",
      ],
    ] as const
  ).map(([id, term, name, path, attribute, en, nl, fr]) =>
    rule(
      id,
      [bt(term, name)],
      path,
      (doc) => all(doc.root, path),
      (el) => el.attributes.has(attribute),
      {
        en: `${en} must have a scheme identifier (${attribute}).`,
        nl: `${nl} moet een schema-identificatie hebben (${attribute}).`,
        fr: `${fr} doit avoir un identifiant de schéma (${attribute}).`,
      },
    ),
  ),
  ...(
    [
      [
        "BR-64",
        "BT-157",
        "Item standard identifier",
        "cac:Item/cac:StandardItemIdentification/cbc:ID",
        "schemeID",
        "An item standard identifier",
        "Een standaardidentificatie van een artikel",
        "L'identifiant standard d'un article",
      ],
      [
        "BR-65",
        "BT-158",
        "Item classification identifier",
        "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode",
        "listID",
        "An item classification identifier",
        "Een classificatiecode van een artikel",
        "Le code de classification d'un article",
      ],
    ] as const
  ).map(([id, term, name, path, attribute, en, nl, fr]) =>
    rule(
      id,
      [bt(term, name)],
      `cac:InvoiceLine/${path}`,
      (doc) => lines(doc).flatMap((line) => all(line, path)),
      (el) => el.attributes.has(attribute),
      {
        en: `${en} must have a scheme identifier (${attribute}).`,
        nl: `${nl} moet een schema-identificatie hebben (${attribute}).`,
        fr: `${fr} doit avoir un identifiant de schéma (${attribute}).`,
      },
    ),
  ),
];
