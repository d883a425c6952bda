/**
 * Peppol BIS Billing 3.0 document-level rules (PEPPOL-EN16931-R*), learnt from the
 * OpenPEPPOL Schematron and written here. They run on top of the EN 16931 rules.
 */
import { compare, parseDecimalText, ZERO } from "./decimal.js";
import { PEPPOL_CODE_RULES, profile } from "./peppol-code-rules.js";
import { PEPPOL_IDENTIFIER_RULES } from "./peppol-identifier-rules.js";
import { PEPPOL_LINE_RULES } from "./peppol-line-rules.js";
import { PEPPOL_NATIONAL_RULES } from "./peppol-national-rules.js";
import type { Rule, Violation } from "./rule-engine.js";
import { at, bt } from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, descendants, first, NS, textOf } from "./ubl-document.js";

const normalized = (el: XmlElement | undefined) => (el ? el.text.replace(/\s+/g, " ").trim() : "");

/** The amounts R051 judges by name; cbc:TaxAmount is judged by where it sits. */
const CURRENCY_AMOUNTS = [
  "cbc:Amount",
  "cbc:BaseAmount",
  "cbc:PriceAmount",
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

export const PEPPOL_RULES: readonly Rule[] = [
  {
    id: "PEPPOL-EN16931-R001",
    severity: "fatal",
    terms: [bt("BT-23", "Business process type")],
    context: "/Invoice | /CreditNote",
    messages: {
      en: "A Peppol invoice must state its business process (cbc:ProfileID).",
      nl: "Een Peppol-factuur moet haar bedrijfsproces vermelden (cbc:ProfileID).",
      fr: "Une facture Peppol doit indiquer son processus métier (cbc:ProfileID).",
    },
    check: (doc) => (first(doc.root, "cbc:ProfileID") ? [] : [{ at: doc.root }]),
  },
  {
    id: "PEPPOL-EN16931-R002",
    severity: "fatal",
    terms: [bt("BT-22", "Invoice note")],
    context: "/Invoice | /CreditNote",
    messages: {
      en: "A Peppol invoice may carry at most one note at document level, unless seller and buyer are both German.",
      nl: "Een Peppol-factuur mag hoogstens één opmerking op documentniveau bevatten, tenzij verkoper en koper beide Duits zijn.",
      fr: "Une facture Peppol ne peut contenir qu'une seule note au niveau du document, sauf si vendeur et acheteur sont tous deux allemands.",
    },
    check: (doc) => {
      const notes = all(doc.root, "cbc:Note");
      // Since 3.0.18 a German seller and buyer (by postal country) may give several notes.
      const country = (party: string) =>
        textOf(doc.root, `${party}/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode`).toUpperCase();
      if (country("cac:AccountingSupplierParty") === "DE" && country("cac:AccountingCustomerParty") === "DE") return [];
      return notes.slice(1).map((note) => ({ at: note, expected: "at most 1 note", found: `${notes.length} notes` }));
    },
  },
  {
    id: "PEPPOL-EN16931-R003",
    severity: "fatal",
    terms: [bt("BT-10", "Buyer reference"), bt("BT-13", "Purchase order reference")],
    context: "/Invoice | /CreditNote",
    messages: {
      en: "A Peppol invoice must give a buyer reference or a purchase order reference.",
      nl: "Een Peppol-factuur moet een referentie van de koper of een bestelreferentie vermelden.",
      fr: "Une facture Peppol doit indiquer une référence acheteur ou une référence de bon de commande.",
    },
    check: (doc) =>
      first(doc.root, "cbc:BuyerReference") || first(doc.root, "cac:OrderReference/cbc:ID") ? [] : [{ at: doc.root }],
  },
  {
    id: "PEPPOL-EN16931-R007",
    severity: "fatal",
    terms: [bt("BT-23", "Business process type")],
    context: "/Invoice | /CreditNote",
    messages: {
      en: "The business process must have the form 'urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0'.",
      nl: "Het bedrijfsproces moet de vorm 'urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0' hebben.",
      fr: "Le processus métier doit avoir la forme 'urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0'.",
    },
    check: (doc) => {
      const profileId = first(doc.root, "cbc:ProfileID");
      if (profile(textOf(profileId)) !== "Unknown") return [];
      return [
        {
          at: profileId ?? doc.root,
          expected: "urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0",
          found: `'${textOf(profileId)}'`,
        },
      ];
    },
  },
  {
    id: "PEPPOL-EN16931-R005",
    severity: "fatal",
    terms: [bt("BT-6", "VAT accounting currency code"), bt("BT-5", "Invoice currency code")],
    context: "cbc:TaxCurrencyCode",
    messages: {
      en: "The VAT accounting currency, when given, must differ from the invoice currency.",
      nl: "De munt voor de btw-boekhouding moet, indien vermeld, verschillen van de factuurmunt.",
      fr: "La devise de comptabilisation de la TVA, si elle est indiquée, doit différer de la devise de la facture.",
    },
    check: (doc) =>
      descendants(doc.root, "cbc:TaxCurrencyCode").flatMap((el) =>
        el.parent && normalized(el) === normalized(first(el.parent, "cbc:DocumentCurrencyCode"))
          ? [{ at: el, found: `'${normalized(el)}'` }]
          : [],
      ),
  },
  {
    id: "PEPPOL-EN16931-R008",
    severity: "fatal",
    terms: [],
    context: "//*[not(*) and not(normalize-space())]",
    messages: {
      en: "The document may not contain empty elements.",
      nl: "Het document mag geen lege elementen bevatten.",
      fr: "Le document ne peut pas contenir d'éléments vides.",
    },
    check: (doc) => {
      const empty: Violation[] = [];
      const walk = (el: XmlElement): void => {
        if (el.children.length === 0) {
          if (el.text.trim() === "") empty.push({ at: el });
          return;
        }
        for (const child of el.children) walk(child);
      };
      walk(doc.root);
      return empty;
    },
  },
  ...(
    [
      [
        "PEPPOL-EN16931-R010",
        "cac:AccountingCustomerParty",
        bt("BT-49", "Buyer electronic address"),
        "buyer",
        "koper",
        "de l'acheteur",
      ],
      [
        "PEPPOL-EN16931-R020",
        "cac:AccountingSupplierParty",
        bt("BT-34", "Seller electronic address"),
        "seller",
        "verkoper",
        "du vendeur",
      ],
    ] as const
  ).map(([id, party, term, en, nl, fr]) =>
    at(
      id,
      [term],
      `${party}/cac:Party`,
      (doc) => descendants(doc.root, party).flatMap((p) => all(p, "cac:Party")),
      (p) => (first(p, "cbc:EndpointID") ? undefined : { at: p }),
      {
        en: `The ${en}'s electronic address (cbc:EndpointID) must be given.`,
        nl: `Het elektronisch adres van de ${nl} (cbc:EndpointID) moet vermeld worden.`,
        fr: `L'adresse électronique ${fr} (cbc:EndpointID) doit être indiquée.`,
      },
    ),
  ),
  at(
    "PEPPOL-EN16931-R051",
    [bt("BT-5", "Invoice currency code")],
    "cbc:Amount | cbc:BaseAmount | cbc:PriceAmount | cac:TaxTotal[cac:TaxSubtotal]/cbc:TaxAmount | ... | cbc:PayableAmount",
    (doc) => [
      ...CURRENCY_AMOUNTS.flatMap((name) => descendants(doc.root, name)),
      ...descendants(doc.root, "cbc:TaxAmount").filter((el) => {
        const parent = el.parent;
        if (parent?.ns !== NS.cac) return false;
        return (
          parent.local === "TaxSubtotal" ||
          (parent.local === "TaxTotal" && first(parent, "cac:TaxSubtotal") !== undefined)
        );
      }),
    ],
    (amount, doc) => {
      // As the Schematron: attribute and invoice currency compared as written.
      const currency = first(doc.root, "cbc:DocumentCurrencyCode");
      const id = amount.attributes.get("currencyID");
      return currency && id === currency.text
        ? undefined
        : { at: amount, expected: currency?.text ?? "(no invoice currency)", found: id ?? "(none)" };
    },
    {
      en: "Every amount must be in the invoice currency (currencyID), except the total VAT in accounting currency.",
      nl: "Elk bedrag moet in de factuurmunt staan (currencyID), behalve het btw-totaal in de boekhoudmunt.",
      fr: "Chaque montant doit être dans la devise de la facture (currencyID), sauf le total de TVA en devise de comptabilisation.",
    },
  ),
  {
    id: "PEPPOL-EN16931-R053",
    severity: "fatal",
    terms: [bt("BT-110", "Invoice total VAT amount"), bt("BG-23", "VAT breakdown")],
    context: "/Invoice | /CreditNote",
    messages: {
      en: "The invoice must have exactly one tax total with VAT breakdowns.",
      nl: "De factuur moet precies één btw-totaal met btw-uitsplitsing hebben.",
      fr: "La facture doit avoir exactement un total de TVA avec ventilation.",
    },
    check: (doc) => {
      const count = all(doc.root, "cac:TaxTotal").filter((t) => first(t, "cac:TaxSubtotal")).length;
      return count === 1 ? [] : [{ at: doc.root, expected: "1", found: `${count}` }];
    },
  },
  {
    id: "PEPPOL-EN16931-R054",
    severity: "fatal",
    terms: [
      bt("BT-111", "Invoice total VAT amount in accounting currency"),
      bt("BT-6", "VAT accounting currency code"),
    ],
    context: "/Invoice | /CreditNote",
    messages: {
      en: "A tax total without breakdown (the VAT in accounting currency) must be given once when a VAT accounting currency is given, and never otherwise.",
      nl: "Een btw-totaal zonder uitsplitsing (de btw in boekhoudmunt) moet één keer voorkomen als een boekhoudmunt vermeld is, en anders nooit.",
      fr: "Un total de TVA sans ventilation (la TVA en devise de comptabilisation) doit figurer une fois si une devise de comptabilisation est indiquée, et jamais sinon.",
    },
    check: (doc) => {
      const count = all(doc.root, "cac:TaxTotal").filter((t) => !first(t, "cac:TaxSubtotal")).length;
      const expected = first(doc.root, "cbc:TaxCurrencyCode") ? 1 : 0;
      return count === expected ? [] : [{ at: doc.root, expected: `${expected}`, found: `${count}` }];
    },
  },
  {
    id: "PEPPOL-EN16931-R055",
    severity: "fatal",
    terms: [bt("BT-110", "Invoice total VAT amount"), bt("BT-111", "Invoice total VAT amount in accounting currency")],
    context: "/Invoice | /CreditNote",
    messages: {
      en: "The total VAT and the total VAT in accounting currency must have the same sign.",
      nl: "Het btw-totaal en het btw-totaal in boekhoudmunt moeten hetzelfde teken hebben.",
      fr: "Le total de TVA et le total de TVA en devise de comptabilisation doivent avoir le même signe.",
    },
    check: (doc) => {
      if (!first(doc.root, "cbc:TaxCurrencyCode")) return [];
      const amountsIn = (code: string) =>
        all(doc.root, "cac:TaxTotal/cbc:TaxAmount")
          .filter((a) => a.attributes.get("currencyID") === textOf(doc.root, code))
          .map((a) => parseDecimalText(a.text))
          .filter((d) => d !== undefined);
      const accounting = amountsIn("cbc:TaxCurrencyCode");
      const invoice = amountsIn("cbc:DocumentCurrencyCode");
      // XPath general comparisons: true when some value compares so.
      const some = (values: typeof invoice, ok: (c: number) => boolean) => values.some((v) => ok(compare(v, ZERO)));
      const negative = some(accounting, (c) => c <= 0) && some(invoice, (c) => c <= 0);
      const positive = some(accounting, (c) => c >= 0) && some(invoice, (c) => c >= 0);
      return negative || positive ? [] : [{ at: doc.root }];
    },
  },
  at(
    "PEPPOL-EN16931-R061",
    [bt("BT-89", "Mandate reference identifier")],
    "cac:PaymentMeans[cbc:PaymentMeansCode = '49' or '59']",
    (doc) =>
      descendants(doc.root, "cac:PaymentMeans").filter((pm) =>
        ["49", "59"].includes(textOf(pm, "cbc:PaymentMeansCode")),
      ),
    (pm) => (first(pm, "cac:PaymentMandate/cbc:ID") ? undefined : { at: pm }),
    {
      en: "A direct debit (payment means 49 or 59) must give the mandate reference.",
      nl: "Een domiciliëring (betaalmiddel 49 of 59) moet de mandaatreferentie vermelden.",
      fr: "Un prélèvement (moyen de paiement 49 ou 59) doit indiquer la référence du mandat.",
    },
  ),
  {
    id: "PEPPOL-EN16931-R080",
    severity: "fatal",
    terms: [bt("BT-11", "Project reference")],
    context: "/CreditNote",
    messages: {
      en: "A credit note may give at most one project reference.",
      nl: "Een creditnota mag hoogstens één projectreferentie vermelden.",
      fr: "Une note de crédit ne peut indiquer qu'une seule référence de projet.",
    },
    check: (doc) => {
      if (doc.kind !== "CreditNote") return [];
      const projects = all(doc.root, "cac:AdditionalDocumentReference").filter((r) =>
        all(r, "cbc:DocumentTypeCode").some((c) => c.text === "50"),
      );
      return projects.slice(1).map((r) => ({ at: r, expected: "at most 1", found: `${projects.length}` }));
    },
  },
  ...PEPPOL_LINE_RULES,
  ...PEPPOL_CODE_RULES,
  ...PEPPOL_IDENTIFIER_RULES,
  ...PEPPOL_NATIONAL_RULES,
];
