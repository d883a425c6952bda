/**
 * Peppol BIS 3 national rules of Germany (DE-R-*, the XRechnung CIUS rules carried into
 * the OpenPEPPOL Schematron 3.0.19). They apply only when both seller and buyer have a
 * German postal address (upper-case, normalize-space of the country code).
 */
import { validGermanRulesIban } from "./identifier-checksums.js";
import { given, nationalRule, postalCountry, present, raw, root, xpathNumber } from "./national-context.js";
import type { BusinessTerm, Rule, Severity } from "./rule-engine.js";
import { bt, lines, type Messages } from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, first, type UblDocument } from "./ubl-document.js";

const german = (doc: UblDocument) => postalCountry(doc, "supplier") === "DE" && postalCountry(doc, "customer") === "DE";
const BOTH = "[$supplierCountryIsDE and $customerCountryIsDE]";

const SUPPORTED_VAT_CODES = ["S", "Z", "E", "AE", "K", "G", "L", "M"];
const SUPPORTED_TYPE_CODES = ["326", "380", "384", "389", "381", "875", "876", "877"];
const SKONTO = /#(SKONTO)#TAGE=([0-9]+#PROZENT=[0-9]+\.[0-9]{2})(#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#$/;
const EMAIL =
  /^[a-zA-Z0-9!#$%&"*+/=?^_`{|}~-]+(\.[a-zA-Z0-9!#$%&"*+/=?^_`{|}~-]+)*@([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const TELEPHONE = /([0-9][^\n\r]*){3,}/;
const normalized = (value: string) => value.replace(/[ \t\r\n]+/g, " ").trim();

function de(
  id: string,
  spec: {
    severity?: Severity;
    terms?: BusinessTerm[];
    context: string;
    contexts: (doc: UblDocument) => readonly XmlElement[];
    test: (el: XmlElement, doc: UblDocument) => boolean;
  },
  messages: Messages,
): Rule {
  return nationalRule({ id, applies: german, ...spec, context: `${spec.context}${BOTH}`, messages });
}

const documentLevel = (
  id: string,
  test: (r: XmlElement, doc: UblDocument) => boolean,
  terms: BusinessTerm[],
  messages: Messages,
  severity: Severity = "fatal",
) => de(id, { severity, terms, context: "(/Invoice | /CreditNote)", contexts: root, test }, messages);

/** Payment means whose code is one of these numbers (`cbc:PaymentMeansCode = (30, 58)` compares as numbers). */
const meansWithCode = (codes: number[]) => (doc: UblDocument) =>
  all(doc.root, "cac:PaymentMeans").filter((m) =>
    all(m, "cbc:PaymentMeansCode").some((c) => codes.includes(xpathNumber(c.text))),
  );

/** DE-R-018: every line of the first payment-terms note that starts with # is a Skonto entry, and the note ends with a line break after the last. */
function skontoWellFormed(r: XmlElement): boolean {
  const notes = all(r, "cac:PaymentTerms").flatMap((t) => all(t, "cbc:Note").slice(0, 1));
  const entries = notes.flatMap((n) => n.text.split(/\r?\n/)).filter((l) => normalized(l).startsWith("#"));
  if (entries.length === 0) return true;
  const note = notes[0]!.text;
  const tail = note === "" ? undefined : note.split(/#[^\n\r]+#/).at(-1);
  return entries.every((l) => SKONTO.test(normalized(l))) && tail !== undefined && /^[ \t\n\r]*\n/.test(tail);
}

/** DE-R-016's BT-95/BT-102/BT-151: any document allowance/charge or line VAT category in the supported list. */
function usesSupportedVatCode(r: XmlElement, doc: UblDocument): boolean {
  const allowanceCodes = all(r, "cac:AllowanceCharge")
    .filter((ac) => all(ac, "cbc:ChargeIndicator").some((i) => i.text === "true" || i.text === "false"))
    .flatMap((ac) => all(ac, "cac:TaxCategory/cbc:ID"));
  const lineCodes = lines(doc).flatMap((l) => all(l, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"));
  return [...allowanceCodes, ...lineCodes].some((c) => SUPPORTED_VAT_CODES.includes(c.text));
}

const typeCodes = (r: XmlElement) => [...all(r, "cbc:InvoiceTypeCode"), ...all(r, "cbc:CreditNoteTypeCode")];
const SELLER = "cac:AccountingSupplierParty/cac:Party";

const DOCUMENT: Rule[] = [
  documentLevel("DE-R-001", (r) => present(r, "cac:PaymentMeans"), [bt("BG-16", "Payment instructions")], {
    en: "A German invoice must give payment instructions (BG-16).",
    nl: "Een Duitse factuur moet betalingsinstructies bevatten (BG-16).",
    fr: "Une facture allemande doit contenir des instructions de paiement (BG-16).",
  }),
  documentLevel("DE-R-015", (r) => given(r, "cbc:BuyerReference"), [bt("BT-10", "Buyer reference")], {
    en: "A German invoice must give the buyer reference (BT-10, Leitweg-ID).",
    nl: "Een Duitse factuur moet de referentie van de koper vermelden (BT-10, Leitweg-ID).",
    fr: "Une facture allemande doit indiquer la référence de l'acheteur (BT-10, Leitweg-ID).",
  }),
  documentLevel(
    "DE-R-016",
    (r, doc) =>
      !usesSupportedVatCode(r, doc) ||
      present(r, "cac:TaxRepresentativeParty") ||
      given(r, `${SELLER}/cac:PartyTaxScheme/cbc:CompanyID`),
    [
      bt("BT-31", "Seller VAT identifier"),
      bt("BT-32", "Seller tax registration identifier"),
      bt("BG-11", "Seller tax representative party"),
    ],
    {
      en: "With VAT code S, Z, E, AE, K, G, L or M, a German invoice must give the seller's VAT or tax number, or a tax representative.",
      nl: "Met btw-code S, Z, E, AE, K, G, L of M moet een Duitse factuur het btw- of belastingnummer van de verkoper of een fiscale vertegenwoordiger vermelden.",
      fr: "Avec le code TVA S, Z, E, AE, K, G, L ou M, une facture allemande doit indiquer le numéro de TVA ou fiscal du vendeur, ou un représentant fiscal.",
    },
  ),
  documentLevel(
    "DE-R-017",
    (r) => typeCodes(r).some((c) => SUPPORTED_TYPE_CODES.includes(c.text)),
    [bt("BT-3", "Invoice type code")],
    {
      en: "A German invoice's type code should be 326, 380, 384, 389, 381, 875, 876 or 877.",
      nl: "De typecode van een Duitse factuur is best 326, 380, 384, 389, 381, 875, 876 of 877.",
      fr: "Le code de type d'une facture allemande devrait être 326, 380, 384, 389, 381, 875, 876 ou 877.",
    },
    "warning",
  ),
  documentLevel("DE-R-018", skontoWellFormed, [bt("BT-20", "Payment terms")], {
    en: "Cash discount (Skonto) lines in the payment terms must read #SKONTO#TAGE=n#PROZENT=n.nn# (optionally #BASISBETRAG=n.nn#), in capitals, each ending with a line break.",
    nl: "Kortingsregels (Skonto) in de betalingsvoorwaarden moeten luiden #SKONTO#TAGE=n#PROZENT=n.nn# (eventueel #BASISBETRAG=n.nn#), in hoofdletters, elk afgesloten met een regeleinde.",
    fr: "Les lignes d'escompte (Skonto) des conditions de paiement doivent se lire #SKONTO#TAGE=n#PROZENT=n.nn# (éventuellement #BASISBETRAG=n.nn#), en majuscules, chacune terminée par un saut de ligne.",
  }),
  de(
    "DE-R-022",
    {
      terms: [bt("BT-125", "Attached document")],
      context: "(/Invoice | /CreditNote)",
      contexts: (doc) => {
        const seen = new Set<string>();
        return all(doc.root, "cac:AdditionalDocumentReference").filter((d) => {
          const names = all(d, "cac:Attachment/cbc:EmbeddedDocumentBinaryObject").flatMap((o) => {
            const name = o.attributes.get("filename");
            return name === undefined ? [] : [name];
          });
          const repeated = names.some((n) => seen.has(n));
          names.forEach((n) => seen.add(n));
          return repeated;
        });
      },
      test: () => false,
    },
    {
      en: "Attached documents must have distinct file names.",
      nl: "Bijgevoegde documenten moeten verschillende bestandsnamen hebben.",
      fr: "Les documents joints doivent avoir des noms de fichier distincts.",
    },
  ),
  documentLevel(
    "DE-R-026",
    (r) =>
      !typeCodes(r).some((c) => xpathNumber(c.text) === 384) ||
      present(r, "cac:BillingReference/cac:InvoiceDocumentReference"),
    [bt("BG-3", "Preceding invoice reference")],
    {
      en: "A corrected invoice (384) should refer to the preceding invoice (BG-3).",
      nl: "Een gecorrigeerde factuur (384) verwijst best naar de voorgaande factuur (BG-3).",
      fr: "Une facture rectificative (384) devrait faire référence à la facture précédente (BG-3).",
    },
    "warning",
  ),
  documentLevel(
    "DE-R-030",
    (r) =>
      !present(r, "cac:PaymentMeans/cac:PaymentMandate") ||
      [
        ...all(r, `${SELLER}/cac:PartyIdentification/cbc:ID`),
        ...all(r, "cac:PayeeParty/cac:PartyIdentification/cbc:ID"),
      ].some((id) => id.attributes.get("schemeID") === "SEPA"),
    [bt("BT-90", "Bank assigned creditor identifier")],
    {
      en: "With a direct debit (BG-19), a German invoice must give the creditor identifier (BT-90, scheme SEPA).",
      nl: "Bij een domiciliëring (BG-19) moet een Duitse factuur het schuldeiseridentificatienummer vermelden (BT-90, schema SEPA).",
      fr: "Avec un prélèvement (BG-19), une facture allemande doit indiquer l'identifiant du créancier (BT-90, schéma SEPA).",
    },
  ),
  documentLevel(
    "DE-R-031",
    (r) =>
      !present(r, "cac:PaymentMeans/cac:PaymentMandate") ||
      present(r, "cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID"),
    [bt("BT-91", "Debited account identifier")],
    {
      en: "With a direct debit (BG-19), a German invoice must give the debited account (BT-91).",
      nl: "Bij een domiciliëring (BG-19) moet een Duitse factuur de te debiteren rekening vermelden (BT-91).",
      fr: "Avec un prélèvement (BG-19), une facture allemande doit indiquer le compte débité (BT-91).",
    },
  ),
];

const required = (
  id: string,
  context: string,
  contexts: (doc: UblDocument) => readonly XmlElement[],
  path: string,
  term: BusinessTerm,
  messages: Messages,
) => de(id, { terms: [term], context, contexts, test: (el) => given(el, path) }, messages);
const sellerAddress = (doc: UblDocument) => all(doc.root, `${SELLER}/cac:PostalAddress`);
const sellerContact = (doc: UblDocument) => all(doc.root, `${SELLER}/cac:Contact`);
const buyerAddress = (doc: UblDocument) => all(doc.root, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress");
const deliveryAddress = (doc: UblDocument) => all(doc.root, "cac:Delivery/cac:DeliveryLocation/cac:Address");
const says = (what: string, nl: string, fr: string): Messages => ({
  en: `A German invoice must give the ${what}.`,
  nl: `Een Duitse factuur moet ${nl} vermelden.`,
  fr: `Une facture allemande doit indiquer ${fr}.`,
});

const PARTIES: Rule[] = [
  de(
    "DE-R-002",
    {
      terms: [bt("BG-6", "Seller contact")],
      context: "/*/cac:AccountingSupplierParty",
      contexts: (doc) => all(doc.root, "cac:AccountingSupplierParty"),
      test: (s) => present(s, "cac:Party/cac:Contact"),
    },
    says("seller contact (BG-6)", "het contact bij de verkoper (BG-6)", "le contact du vendeur (BG-6)"),
  ),
  required(
    "DE-R-003",
    "seller cac:PostalAddress",
    sellerAddress,
    "cbc:CityName",
    bt("BT-37", "Seller city"),
    says("seller's city (BT-37)", "de gemeente van de verkoper (BT-37)", "la ville du vendeur (BT-37)"),
  ),
  required(
    "DE-R-004",
    "seller cac:PostalAddress",
    sellerAddress,
    "cbc:PostalZone",
    bt("BT-38", "Seller post code"),
    says("seller's post code (BT-38)", "de postcode van de verkoper (BT-38)", "le code postal du vendeur (BT-38)"),
  ),
  required(
    "DE-R-005",
    "seller cac:Contact",
    sellerContact,
    "cbc:Name",
    bt("BT-41", "Seller contact point"),
    says(
      "seller's contact point (BT-41)",
      "het contactpunt van de verkoper (BT-41)",
      "le point de contact du vendeur (BT-41)",
    ),
  ),
  required(
    "DE-R-006",
    "seller cac:Contact",
    sellerContact,
    "cbc:Telephone",
    bt("BT-42", "Seller contact telephone number"),
    says(
      "seller's contact telephone number (BT-42)",
      "het telefoonnummer van het contact bij de verkoper (BT-42)",
      "le téléphone du contact du vendeur (BT-42)",
    ),
  ),
  required(
    "DE-R-007",
    "seller cac:Contact",
    sellerContact,
    "cbc:ElectronicMail",
    bt("BT-43", "Seller contact email address"),
    says(
      "seller's contact e-mail address (BT-43)",
      "het e-mailadres van het contact bij de verkoper (BT-43)",
      "l'adresse e-mail du contact du vendeur (BT-43)",
    ),
  ),
  de(
    "DE-R-027",
    {
      severity: "warning",
      terms: [bt("BT-42", "Seller contact telephone number")],
      context: "seller cac:Contact",
      contexts: sellerContact,
      test: (c) => TELEPHONE.test(normalized(raw(c, "cbc:Telephone"))),
    },
    {
      en: "The seller's contact telephone number should contain at least 3 digits.",
      nl: "Het telefoonnummer van het contact bij de verkoper bevat best minstens 3 cijfers.",
      fr: "Le téléphone du contact du vendeur devrait contenir au moins 3 chiffres.",
    },
  ),
  de(
    "DE-R-028",
    {
      severity: "warning",
      terms: [bt("BT-43", "Seller contact email address")],
      context: "seller cac:Contact",
      contexts: sellerContact,
      test: (c) => EMAIL.test(normalized(raw(c, "cbc:ElectronicMail"))),
    },
    {
      en: "The seller's contact e-mail address should be a valid address (one @, not next to a blank or a dot, at least two characters each side).",
      nl: "Het e-mailadres van het contact bij de verkoper is best geldig (één @, niet naast een spatie of punt, minstens twee tekens aan elke kant).",
      fr: "L'adresse e-mail du contact du vendeur devrait être valide (un seul @, ni à côté d'un blanc ni d'un point, au moins deux caractères de chaque côté).",
    },
  ),
  required(
    "DE-R-008",
    "buyer cac:PostalAddress",
    buyerAddress,
    "cbc:CityName",
    bt("BT-52", "Buyer city"),
    says("buyer's city (BT-52)", "de gemeente van de koper (BT-52)", "la ville de l'acheteur (BT-52)"),
  ),
  required(
    "DE-R-009",
    "buyer cac:PostalAddress",
    buyerAddress,
    "cbc:PostalZone",
    bt("BT-53", "Buyer post code"),
    says("buyer's post code (BT-53)", "de postcode van de koper (BT-53)", "le code postal de l'acheteur (BT-53)"),
  ),
  required(
    "DE-R-010",
    "cac:Delivery/cac:DeliveryLocation/cac:Address",
    deliveryAddress,
    "cbc:CityName",
    bt("BT-77", "Deliver to city"),
    says(
      "deliver-to city (BT-77) with a delivery address",
      "de leveringsplaats (BT-77) bij een leveringsadres",
      "la ville de livraison (BT-77) avec une adresse de livraison",
    ),
  ),
  required(
    "DE-R-011",
    "cac:Delivery/cac:DeliveryLocation/cac:Address",
    deliveryAddress,
    "cbc:PostalZone",
    bt("BT-78", "Deliver to post code"),
    says(
      "deliver-to post code (BT-78) with a delivery address",
      "de postcode van levering (BT-78) bij een leveringsadres",
      "le code postal de livraison (BT-78) avec une adresse de livraison",
    ),
  ),
  de(
    "DE-R-014",
    {
      terms: [bt("BT-119", "VAT category rate")],
      context: "/*/cac:TaxTotal/cac:TaxSubtotal",
      contexts: (doc) => all(doc.root, "cac:TaxTotal/cac:TaxSubtotal"),
      test: (s) => given(s, "cac:TaxCategory/cbc:Percent"),
    },
    says(
      "VAT category rate (BT-119) in each VAT breakdown",
      "het btw-tarief (BT-119) in elke btw-uitsplitsing",
      "le taux de TVA (BT-119) dans chaque ventilation de TVA",
    ),
  ),
];

const MEANS_TERM = bt("BT-81", "Payment means type code");
const means = (
  id: string,
  codes: number[],
  test: (m: XmlElement) => boolean,
  messages: Messages,
  severity: Severity = "fatal",
) =>
  de(
    id,
    {
      severity,
      terms: [MEANS_TERM],
      context: `/*/cac:PaymentMeans[cbc:PaymentMeansCode = (${codes.join(",")})]`,
      contexts: meansWithCode(codes),
      test,
    },
    messages,
  );
const absent = (m: XmlElement, ...paths: string[]) => paths.every((p) => first(m, p) === undefined);
const codeIs = (m: XmlElement, code: string) => all(m, "cbc:PaymentMeansCode").some((c) => c.text === code);

const PAYMENT: Rule[] = [
  means(
    "DE-R-019",
    [30, 58],
    (m) => !codeIs(m, "58") || validGermanRulesIban(raw(m, "cac:PayeeFinancialAccount/cbc:ID")),
    {
      en: "With SEPA credit transfer (58), the payment account (BT-84) should be a valid IBAN.",
      nl: "Bij een SEPA-overschrijving (58) is de rekening (BT-84) best een geldige IBAN.",
      fr: "Avec un virement SEPA (58), le compte de paiement (BT-84) devrait être un IBAN valide.",
    },
    "warning",
  ),
  means("DE-R-023-1", [30, 58], (m) => present(m, "cac:PayeeFinancialAccount"), {
    en: "With a credit transfer (30, 58), the credit transfer group (BG-17) must be given.",
    nl: "Bij een overschrijving (30, 58) moet de groep overschrijving (BG-17) vermeld worden.",
    fr: "Avec un virement (30, 58), le groupe virement (BG-17) doit être indiqué.",
  }),
  means("DE-R-023-2", [30, 58], (m) => absent(m, "cac:CardAccount", "cac:PaymentMandate"), {
    en: "With a credit transfer (30, 58), no payment card (BG-18) or direct debit (BG-19) may be given.",
    nl: "Bij een overschrijving (30, 58) mag geen betaalkaart (BG-18) of domiciliëring (BG-19) vermeld worden.",
    fr: "Avec un virement (30, 58), ni carte de paiement (BG-18) ni prélèvement (BG-19) ne peut être indiqué.",
  }),
  means("DE-R-024-1", [48, 54, 55], (m) => present(m, "cac:CardAccount"), {
    en: "With a payment card (48, 54, 55), the card information (BG-18) must be given.",
    nl: "Bij een betaalkaart (48, 54, 55) moeten de kaartgegevens (BG-18) vermeld worden.",
    fr: "Avec une carte de paiement (48, 54, 55), les informations de carte (BG-18) doivent être indiquées.",
  }),
  means("DE-R-024-2", [48, 54, 55], (m) => absent(m, "cac:PayeeFinancialAccount", "cac:PaymentMandate"), {
    en: "With a payment card (48, 54, 55), no credit transfer (BG-17) or direct debit (BG-19) may be given.",
    nl: "Bij een betaalkaart (48, 54, 55) mag geen overschrijving (BG-17) of domiciliëring (BG-19) vermeld worden.",
    fr: "Avec une carte de paiement (48, 54, 55), ni virement (BG-17) ni prélèvement (BG-19) ne peut être indiqué.",
  }),
  means(
    "DE-R-020",
    [59],
    (m) => !codeIs(m, "59") || validGermanRulesIban(raw(m, "cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID")),
    {
      en: "With SEPA direct debit (59), the debited account (BT-91) should be a valid IBAN.",
      nl: "Bij een SEPA-domiciliëring (59) is de gedebiteerde rekening (BT-91) best een geldige IBAN.",
      fr: "Avec un prélèvement SEPA (59), le compte débité (BT-91) devrait être un IBAN valide.",
    },
    "warning",
  ),
  means("DE-R-025-1", [59], (m) => present(m, "cac:PaymentMandate"), {
    en: "With a direct debit (59), the direct debit group (BG-19) must be given.",
    nl: "Bij een domiciliëring (59) moet de groep domiciliëring (BG-19) vermeld worden.",
    fr: "Avec un prélèvement (59), le groupe prélèvement (BG-19) doit être indiqué.",
  }),
  means("DE-R-025-2", [59], (m) => absent(m, "cac:PayeeFinancialAccount", "cac:CardAccount"), {
    en: "With a direct debit (59), no credit transfer (BG-17) or payment card (BG-18) may be given.",
    nl: "Bij een domiciliëring (59) mag geen overschrijving (BG-17) of betaalkaart (BG-18) vermeld worden.",
    fr: "Avec un prélèvement (59), ni virement (BG-17) ni carte de paiement (BG-18) ne peut être indiqué.",
  }),
];

export const DE_NATIONAL_RULES: readonly Rule[] = [...DOCUMENT, ...PARTIES, ...PAYMENT];
