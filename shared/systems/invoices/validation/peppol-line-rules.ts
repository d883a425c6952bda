/**
 * Peppol BIS 3 rules on allowances/charges, prices and invoice lines (PEPPOL-EN16931-R04x,
 * R1xx), learnt from the OpenPEPPOL Schematron. Its arithmetic with a slack of 0.02 is done
 * here without division, so it stays exact: |a - b / c| <= 0.02  <=>  |a * c - b| <= 0.02 * |c|.
 */
import {
  abs,
  add,
  compare,
  formatDecimal,
  mul,
  parseDecimalText,
  roundHalfUp,
  sub,
  sum,
  type Decimal,
} from "./decimal.js";
import type { Rule, Violation } from "./rule-engine.js";
import { at, bt, shown } from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, decimalOf, descendants, first, type UblDocument } from "./ubl-document.js";

const SLACK: Decimal = { units: 2n, scale: 2 };
const ONE: Decimal = { units: 1n, scale: 0 };
const HUNDRED: Decimal = { units: 100n, scale: 0 };
const ZERO_DECIMAL: Decimal = { units: 0n, scale: 0 };

const withinSlack = (difference: Decimal, scale: Decimal) => compare(abs(difference), mul(SLACK, abs(scale))) <= 0;
const normalized = (el: XmlElement | undefined) => (el ? el.text.replace(/\s+/g, " ").trim() : "");

/** Document and line level allowances/charges (not those of a price). */
function allowanceCharges(doc: UblDocument): XmlElement[] {
  const lineName = doc.kind === "Invoice" ? "cac:InvoiceLine" : "cac:CreditNoteLine";
  return [...all(doc.root, "cac:AllowanceCharge"), ...all(doc.root, `${lineName}/cac:AllowanceCharge`)];
}

/** The Schematron's first-match contexts: one without base amount or percentage pairs is judged by R041/R042 only. */
function pairing(ac: XmlElement): "percentage-only" | "base-only" | "consistent" {
  const percentage = first(ac, "cbc:MultiplierFactorNumeric") !== undefined;
  const base = first(ac, "cbc:BaseAmount") !== undefined;
  return percentage && !base ? "percentage-only" : base && !percentage ? "base-only" : "consistent";
}

const invoiceLines = (doc: UblDocument) => [
  ...descendants(doc.root, "cac:InvoiceLine"),
  ...descendants(doc.root, "cac:CreditNoteLine"),
];

/** xs:date of a YYYY-MM-DD text (no time zone), comparable as a string; undefined when not one. */
function isoDate(el: XmlElement | undefined): string | undefined {
  const text = normalized(el);
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : undefined;
}

/** R120's line arithmetic: the expected net, or the text of the value that is not a number. */
function lineNetViolation(line: XmlElement, doc: UblDocument): Violation | undefined {
  const decimal = (el: XmlElement | undefined, fallback: Decimal): Decimal | string =>
    el ? (parseDecimalText(el.text) ?? `'${el.text.trim()}' is not a number`) : fallback;
  const net = decimal(first(line, "cbc:LineExtensionAmount"), ZERO_DECIMAL);
  const quantity = decimal(first(line, doc.kind === "Invoice" ? "cbc:InvoicedQuantity" : "cbc:CreditedQuantity"), ONE);
  const price = decimal(first(line, "cac:Price/cbc:PriceAmount"), ZERO_DECIMAL);
  const baseEl = first(line, "cac:Price/cbc:BaseQuantity");
  const baseValue = decimal(baseEl, ONE);
  const base = typeof baseValue !== "string" && compare(baseValue, ZERO_DECIMAL) === 0 ? ONE : baseValue;
  const totalOf = (kind: "true" | "false"): Decimal | string => {
    const amounts = all(line, "cac:AllowanceCharge")
      .filter((ac) => normalized(first(ac, "cbc:ChargeIndicator")) === kind)
      .map((ac) => decimal(first(ac, "cbc:Amount"), ZERO_DECIMAL));
    const bad = amounts.find((a) => typeof a === "string");
    return bad ?? roundHalfUp(sum(amounts as Decimal[]), 2);
  };
  const charges = totalOf("true");
  const allowances = totalOf("false");
  for (const value of [net, quantity, price, base, charges, allowances]) {
    if (typeof value === "string") return { at: line, expected: "numbers", found: value };
  }
  const [n, q, p, b, c, a] = [net, quantity, price, base, charges, allowances] as Decimal[];
  // net = q * (p / b) + c - a, within 0.02, multiplied through by b.
  const difference = sub(mul(sub(add(n!, a!), c!), b!), mul(q!, p!));
  if (withinSlack(difference, b!)) return undefined;
  return { at: first(line, "cbc:LineExtensionAmount") ?? line, found: shown(first(line, "cbc:LineExtensionAmount")) };
}

export const PEPPOL_LINE_RULES: readonly Rule[] = [
  at(
    "PEPPOL-EN16931-R040",
    [
      bt("BT-92", "Document level allowance amount"),
      bt("BT-93", "Document level allowance base amount"),
      bt("BT-94", "Document level allowance percentage"),
    ],
    "cac:AllowanceCharge (document and line level)",
    (doc) => allowanceCharges(doc).filter((ac) => pairing(ac) === "consistent"),
    (ac) => {
      const base = first(ac, "cbc:BaseAmount");
      const percentage = first(ac, "cbc:MultiplierFactorNumeric");
      if (!base || !percentage) return undefined;
      const amountEl = first(ac, "cbc:Amount");
      const amount = amountEl ? decimalOf(amountEl) : ZERO_DECIMAL;
      const b = decimalOf(base);
      const m = decimalOf(percentage);
      if (!amount || !b || !m) return { at: ac, expected: "numbers", found: shown(amountEl) };
      // amount = base * percentage / 100, within 0.02.
      return withinSlack(sub(mul(amount, HUNDRED), mul(b, m)), HUNDRED)
        ? undefined
        : { at: amountEl ?? ac, found: shown(amountEl) };
    },
    {
      en: "An allowance or charge amount must equal its base amount times its percentage / 100.",
      nl: "Het bedrag van een korting of toeslag moet gelijk zijn aan het basisbedrag maal het percentage / 100.",
      fr: "Le montant d'une remise ou de frais doit être égal au montant de base multiplié par le pourcentage / 100.",
    },
  ),
  at(
    "PEPPOL-EN16931-R041",
    [bt("BT-93", "Document level allowance base amount"), bt("BT-94", "Document level allowance percentage")],
    "cac:AllowanceCharge[cbc:MultiplierFactorNumeric and not(cbc:BaseAmount)]",
    (doc) => allowanceCharges(doc).filter((ac) => pairing(ac) === "percentage-only"),
    (ac) => ({ at: ac }),
    {
      en: "An allowance or charge with a percentage must give its base amount.",
      nl: "Een korting of toeslag met een percentage moet het basisbedrag vermelden.",
      fr: "Une remise ou des frais avec un pourcentage doivent indiquer le montant de base.",
    },
  ),
  at(
    "PEPPOL-EN16931-R042",
    [bt("BT-93", "Document level allowance base amount"), bt("BT-94", "Document level allowance percentage")],
    "cac:AllowanceCharge[not(cbc:MultiplierFactorNumeric) and cbc:BaseAmount]",
    (doc) => allowanceCharges(doc).filter((ac) => pairing(ac) === "base-only"),
    (ac) => ({ at: ac }),
    {
      en: "An allowance or charge with a base amount must give its percentage.",
      nl: "Een korting of toeslag met een basisbedrag moet het percentage vermelden.",
      fr: "Une remise ou des frais avec un montant de base doivent indiquer le pourcentage.",
    },
  ),
  at(
    "PEPPOL-EN16931-R043",
    [],
    "cac:AllowanceCharge (document and line level)",
    (doc) => allowanceCharges(doc).filter((ac) => pairing(ac) === "consistent"),
    (ac) => {
      const value = normalized(first(ac, "cbc:ChargeIndicator"));
      return value === "true" || value === "false"
        ? undefined
        : { at: first(ac, "cbc:ChargeIndicator") ?? ac, expected: "'true' or 'false'", found: `'${value}'` };
    },
    {
      en: "An allowance or charge indicator must be written 'true' or 'false'.",
      nl: "De indicator van een korting of toeslag moet 'true' of 'false' zijn.",
      fr: "L'indicateur d'une remise ou de frais doit valoir 'true' ou 'false'.",
    },
  ),
  at(
    "PEPPOL-EN16931-R044",
    [bt("BT-147", "Item price discount")],
    "cac:Price/cac:AllowanceCharge",
    (doc) => descendants(doc.root, "cac:Price").flatMap((p) => all(p, "cac:AllowanceCharge")),
    (ac) =>
      normalized(first(ac, "cbc:ChargeIndicator")) === "false"
        ? undefined
        : { at: ac, expected: "'false'", found: `'${normalized(first(ac, "cbc:ChargeIndicator"))}'` },
    {
      en: "A price may carry a discount but no charge (ChargeIndicator must be 'false').",
      nl: "Een prijs mag een korting bevatten maar geen toeslag (ChargeIndicator moet 'false' zijn).",
      fr: "Un prix peut comporter une remise mais pas de frais (ChargeIndicator doit valoir 'false').",
    },
  ),
  at(
    "PEPPOL-EN16931-R046",
    [bt("BT-146", "Item net price"), bt("BT-148", "Item gross price"), bt("BT-147", "Item price discount")],
    "cac:Price/cac:AllowanceCharge",
    (doc) => descendants(doc.root, "cac:Price").flatMap((p) => all(p, "cac:AllowanceCharge")),
    (ac) => {
      const gross = first(ac, "cbc:BaseAmount");
      if (!gross) return undefined;
      const net = decimalOf(first(ac.parent!, "cbc:PriceAmount"));
      const g = decimalOf(gross);
      const discount = decimalOf(first(ac, "cbc:Amount"));
      if (net && g && discount && compare(net, sub(g, discount)) === 0) return undefined;
      return {
        at: first(ac.parent!, "cbc:PriceAmount") ?? ac,
        expected: g && discount ? formatDecimal(sub(g, discount)) : "numbers",
        found: shown(first(ac.parent!, "cbc:PriceAmount")),
      };
    },
    {
      en: "The item net price must equal the gross price minus the price discount.",
      nl: "De nettoprijs van het artikel moet gelijk zijn aan de brutoprijs min de prijskorting.",
      fr: "Le prix net de l'article doit être égal au prix brut moins la remise sur le prix.",
    },
  ),
  at(
    "PEPPOL-EN16931-R100",
    [bt("BT-128", "Invoice line object identifier")],
    "cac:InvoiceLine | cac:CreditNoteLine",
    invoiceLines,
    (line) => {
      const refs = all(line, "cac:DocumentReference");
      return refs.length <= 1 ? undefined : { at: refs[1]!, expected: "at most 1", found: `${refs.length}` };
    },
    {
      en: "An invoice line may reference at most one invoiced object.",
      nl: "Een factuurlijn mag naar hoogstens één gefactureerd object verwijzen.",
      fr: "Une ligne de facture ne peut référencer qu'un seul objet facturé.",
    },
  ),
  at(
    "PEPPOL-EN16931-R101",
    [bt("BT-128", "Invoice line object identifier")],
    "cac:InvoiceLine | cac:CreditNoteLine",
    invoiceLines,
    (line) => {
      const refs = all(line, "cac:DocumentReference");
      if (refs.length === 0 || refs.some((r) => all(r, "cbc:DocumentTypeCode").some((c) => c.text === "130")))
        return undefined;
      return { at: refs[0]!, expected: "DocumentTypeCode 130" };
    },
    {
      en: "A line's document reference may only be the invoiced object (DocumentTypeCode 130).",
      nl: "Een documentreferentie op een lijn mag enkel het gefactureerde object zijn (DocumentTypeCode 130).",
      fr: "La référence de document d'une ligne ne peut être que l'objet facturé (DocumentTypeCode 130).",
    },
  ),
  ...(
    [
      [
        "PEPPOL-EN16931-R110",
        "cbc:StartDate",
        bt("BT-134", "Invoice line period start date"),
        (line: string, doc: string) => line >= doc,
        "start",
        "begin",
        "début",
      ],
      [
        "PEPPOL-EN16931-R111",
        "cbc:EndDate",
        bt("BT-135", "Invoice line period end date"),
        (line: string, doc: string) => line <= doc,
        "end",
        "eind",
        "fin",
      ],
    ] as const
  ).map(([id, date, term, within, en, nl, fr]) =>
    at(
      id,
      [term],
      `cac:InvoiceLine/cac:InvoicePeriod/${date}`,
      (doc) => {
        if (!first(doc.root, `cac:InvoicePeriod/${date}`)) return [];
        const lineName = doc.kind === "Invoice" ? "cac:InvoiceLine" : "cac:CreditNoteLine";
        return all(doc.root, `${lineName}/cac:InvoicePeriod/${date}`);
      },
      (lineDate, doc) => {
        const documentDate = first(doc.root, `cac:InvoicePeriod/${date}`);
        const a = isoDate(lineDate);
        const b = isoDate(documentDate);
        return a && b && within(a, b)
          ? undefined
          : {
              at: lineDate,
              expected: `within the invoice period (${normalized(documentDate)})`,
              found: normalized(lineDate),
            };
      },
      {
        en: `The ${en} date of a line period must lie within the invoice period.`,
        nl: `De ${nl}datum van een lijnperiode moet binnen de factuurperiode liggen.`,
        fr: `La date de ${fr} d'une période de ligne doit se situer dans la période de facturation.`,
      },
    ),
  ),
  at(
    "PEPPOL-EN16931-R120",
    [
      bt("BT-131", "Invoice line net amount"),
      bt("BT-129", "Invoiced quantity"),
      bt("BT-146", "Item net price"),
      bt("BT-149", "Item price base quantity"),
      bt("BT-141", "Invoice line charge amount"),
      bt("BT-136", "Invoice line allowance amount"),
    ],
    "cac:InvoiceLine | cac:CreditNoteLine",
    invoiceLines,
    lineNetViolation,
    {
      en: "A line's net amount must equal quantity × (net price / base quantity) + line charges − line allowances.",
      nl: "Het nettobedrag van een lijn moet gelijk zijn aan hoeveelheid × (nettoprijs / basishoeveelheid) + lijntoeslagen − lijnkortingen.",
      fr: "Le montant net d'une ligne doit être égal à quantité × (prix net / quantité de base) + frais de ligne − remises de ligne.",
    },
  ),
  at(
    "PEPPOL-EN16931-R121",
    [bt("BT-149", "Item price base quantity")],
    "cac:InvoiceLine | cac:CreditNoteLine",
    invoiceLines,
    (line) => {
      const base = first(line, "cac:Price/cbc:BaseQuantity");
      if (!base) return undefined;
      const value = decimalOf(base);
      return value && compare(value, ZERO_DECIMAL) > 0 ? undefined : { at: base, expected: "> 0", found: shown(base) };
    },
    {
      en: "A price's base quantity must be greater than zero.",
      nl: "De basishoeveelheid van een prijs moet groter dan nul zijn.",
      fr: "La quantité de base d'un prix doit être supérieure à zéro.",
    },
  ),
  at(
    "PEPPOL-EN16931-R130",
    [bt("BT-150", "Item price base quantity unit of measure code"), bt("BT-130", "Invoiced quantity unit of measure")],
    "cac:Price/cbc:BaseQuantity[@unitCode]",
    (doc) =>
      descendants(doc.root, "cac:Price")
        .flatMap((p) => all(p, "cbc:BaseQuantity"))
        .filter((q) => q.attributes.has("unitCode")),
    (base, doc) => {
      const line = base.parent?.parent;
      if (!line || (!first(line, "cbc:InvoicedQuantity") && !first(line, "cbc:CreditedQuantity"))) return undefined;
      const quantity = first(line, doc.kind === "Invoice" ? "cbc:InvoicedQuantity" : "cbc:CreditedQuantity");
      const unit = base.attributes.get("unitCode");
      return quantity && quantity.attributes.get("unitCode") === unit
        ? undefined
        : { at: base, expected: quantity?.attributes.get("unitCode") ?? "(none)", found: unit ?? "" };
    },
    {
      en: "The unit of a price's base quantity must be the unit of the invoiced quantity.",
      nl: "De eenheid van de basishoeveelheid van een prijs moet de eenheid van de gefactureerde hoeveelheid zijn.",
      fr: "L'unité de la quantité de base d'un prix doit être celle de la quantité facturée.",
    },
  ),
];
