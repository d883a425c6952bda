/**
 * Peppol BIS 3 national rules of Greece (GR-R-*, GR-S-*), Italy (IT-R-*) and the
 * Netherlands (NL-R-*), from the OpenPEPPOL Schematron (3.0.19). Greece and Italy read
 * `$supplierCountry` (VAT prefix first, so a Greek seller is 'EL' or 'GR'); the Netherlands
 * reads the postal country.
 */
import { validGreekTin } from "./identifier-checksums.js";
import {
  accountingSupplierCountry,
  customerCountry,
  customerParty,
  nationalRule,
  normalizeSpace,
  postalCountry,
  present,
  raw,
  root,
  supplierCountry,
  supplierParty,
  xpathNumber,
} from "./national-context.js";
import type { BusinessTerm, Rule, Severity } from "./rule-engine.js";
import { bt, type Messages } from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, descendants, first, textOf, type UblDocument } from "./ubl-document.js";

// ---- Greece -------------------------------------------------------------------------------

const greek = (country: string) => country === "GR" || country === "EL";
const greekSender = (doc: UblDocument) => greek(supplierCountry(doc));
const greekBoth = (doc: UblDocument) => greekSender(doc) && greek(customerCountry(doc));
/** Also requires the seller's postal country to be written 'GR' (the MARK and URL rules). */
const greekSenderInGreece = (doc: UblDocument) =>
  greekSender(doc) &&
  all(doc.root, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode").some(
    (c) => c.text === "GR",
  );

const INVOICE_ID = bt("BT-1", "Invoice number");
const GREEK_DOCUMENT_TYPES = ["1.1", "1.6", "2.1", "2.4", "5.1", "5.2"];
const DATE_PATTERN = /^(0?[1-9]|[12][0-9]|3[01])[-\\/ ]?(0?[1-9]|1[0-2])[-\\/ ]?(19|20)[0-9]{2}/;
const MARK = "##M.AR.K##";
const INVOICE_URL = "##INVOICE|URL##";

/** XPath tokenize(): an empty input gives no tokens. */
const tokenize = (value: string, pattern: string | RegExp) => (value === "" ? [] : value.split(pattern));
const segments = (id: XmlElement) => tokenize(id.text, "|");
const vatIds = (party: XmlElement | undefined, exact: boolean) =>
  party
    ? all(party, "cac:PartyTaxScheme")
        .filter((s) =>
          exact
            ? all(s, "cac:TaxScheme/cbc:ID").some((i) => i.text === "VAT")
            : textOf(s, "cac:TaxScheme/cbc:ID") === "VAT",
        )
        .flatMap((s) => all(s, "cbc:CompanyID"))
    : [];
/** `count(VAT CompanyID) = 1`, prefixed EL, and a valid TIN after the prefix. */
const oneGreekVat = (party: XmlElement) => {
  const ids = vatIds(party, false);
  return ids.length === 1 && ids[0]!.text.slice(0, 2) === "EL" && validGreekTin(ids[0]!.text.slice(2));
};
const documentsDescribed = (r: XmlElement, description: string) =>
  all(r, "cac:AdditionalDocumentReference").filter((d) =>
    all(d, "cbc:DocumentDescription").some((x) => x.text === description),
  );

function gr(
  id: string,
  spec: {
    severity?: Severity;
    terms?: BusinessTerm[];
    context: string;
    applies?: (doc: UblDocument) => boolean;
    contexts: (doc: UblDocument) => readonly XmlElement[];
    test: (el: XmlElement, doc: UblDocument) => boolean;
  },
  messages: Messages,
): Rule {
  return nationalRule({ id, applies: greekSender, ...spec, messages });
}

const idSegmentRule = (id: string, test: (s: string[], doc: UblDocument) => boolean, messages: Messages) =>
  gr(
    id,
    {
      terms: [INVOICE_ID],
      context: "/Invoice/cbc:ID[$isGreekSender] | /CreditNote/cbc:ID[$isGreekSender]",
      contexts: (doc) => all(doc.root, "cbc:ID"),
      test: (el, doc) => test(segments(el), doc),
    },
    messages,
  );

const GREECE: Rule[] = [
  idSegmentRule("GR-R-001-1", (s) => s.length === 6, {
    en: "A Greek seller's invoice number must have 6 segments separated by |.",
    nl: "Het factuurnummer van een Griekse verkoper moet 6 segmenten hebben, gescheiden door |.",
    fr: "Le numéro de facture d'un vendeur grec doit avoir 6 segments séparés par |.",
  }),
  idSegmentRule(
    "GR-R-001-2",
    (s, doc) => {
      const tin = s[0] ?? "";
      const registered = [
        ...vatIds(first(doc.root, "cac:AccountingSupplierParty/cac:Party"), true),
        ...vatIds(first(doc.root, "cac:TaxRepresentativeParty"), true),
      ].map((c) => [...c.text].slice(2, 11).join(""));
      return [...normalizeSpace(tin)].length === 9 && validGreekTin(tin) && registered.includes(tin);
    },
    {
      en: "The first segment of a Greek seller's invoice number must be a valid TIN matching the seller's or tax representative's.",
      nl: "Het eerste segment van het factuurnummer van een Griekse verkoper moet een geldig fiscaal nummer zijn dat overeenkomt met dat van de verkoper of de fiscale vertegenwoordiger.",
      fr: "Le premier segment du numéro de facture d'un vendeur grec doit être un NIF valide égal à celui du vendeur ou du représentant fiscal.",
    },
  ),
  idSegmentRule(
    "GR-R-001-3",
    (s, doc) => {
      const date = s[1] ?? "";
      const [day, month, year] = tokenize(date, "/");
      const issue = tokenize(raw(doc.root, "cbc:IssueDate"), "-");
      return (
        normalizeSpace(date) !== "" &&
        DATE_PATTERN.test(date) &&
        day !== undefined &&
        day === issue[2] &&
        month === issue[1] &&
        year === issue[0]
      );
    },
    {
      en: "The second segment of a Greek seller's invoice number must be the issue date (DD/MM/YYYY).",
      nl: "Het tweede segment van het factuurnummer van een Griekse verkoper moet de factuurdatum zijn (DD/MM/JJJJ).",
      fr: "Le deuxième segment du numéro de facture d'un vendeur grec doit être la date d'émission (JJ/MM/AAAA).",
    },
  ),
  idSegmentRule(
    "GR-R-001-4",
    (s) => {
      const n = s[2] ?? "";
      // xs:integer() of a non-integer is an error officially; here it fails the rule.
      return normalizeSpace(n) !== "" && !Number.isNaN(xpathNumber(n)) && /^\s*\+?[0-9]+\s*$|^\s*-0+\s*$/.test(n);
    },
    {
      en: "The third segment of a Greek seller's invoice number must be a positive integer.",
      nl: "Het derde segment van het factuurnummer van een Griekse verkoper moet een positief geheel getal zijn.",
      fr: "Le troisième segment du numéro de facture d'un vendeur grec doit être un entier positif.",
    },
  ),
  idSegmentRule("GR-R-001-5", (s) => normalizeSpace(s[3] ?? "") !== "" && GREEK_DOCUMENT_TYPES.includes(s[3]!), {
    en: "The fourth segment of a Greek seller's invoice number must be a Greek document type (1.1, 1.6, 2.1, 2.4, 5.1, 5.2).",
    nl: "Het vierde segment van het factuurnummer van een Griekse verkoper moet een Grieks documenttype zijn (1.1, 1.6, 2.1, 2.4, 5.1, 5.2).",
    fr: "Le quatrième segment du numéro de facture d'un vendeur grec doit être un type de document grec (1.1, 1.6, 2.1, 2.4, 5.1, 5.2).",
  }),
  idSegmentRule("GR-R-001-6", (s) => (s[4] ?? "").length > 0, {
    en: "The fifth segment of a Greek seller's invoice number may not be empty.",
    nl: "Het vijfde segment van het factuurnummer van een Griekse verkoper mag niet leeg zijn.",
    fr: "Le cinquième segment du numéro de facture d'un vendeur grec ne peut pas être vide.",
  }),
  idSegmentRule("GR-R-001-7", (s) => (s[5] ?? "").length > 0, {
    en: "The sixth segment of a Greek seller's invoice number may not be empty.",
    nl: "Het zesde segment van het factuurnummer van een Griekse verkoper mag niet leeg zijn.",
    fr: "Le sixième segment du numéro de facture d'un vendeur grec ne peut pas être vide.",
  }),
  gr(
    "GR-R-002",
    {
      terms: [bt("BT-28", "Seller trading name")],
      context: "cac:AccountingSupplierParty[$isGreekSender]/cac:Party",
      contexts: supplierParty,
      test: (p) => raw(p, "cac:PartyName/cbc:Name").length > 0,
    },
    {
      en: "A Greek seller must give its full name as registered (G.E.MH. or the tax registry).",
      nl: "Een Griekse verkoper moet zijn volledige geregistreerde naam vermelden (G.E.MH. of het belastingregister).",
      fr: "Un vendeur grec doit indiquer son nom complet tel qu'enregistré (G.E.MH. ou registre fiscal).",
    },
  ),
  gr(
    "GR-S-011",
    {
      severity: "warning",
      terms: [bt("BT-31", "Seller VAT identifier")],
      context: "cac:AccountingSupplierParty[$isGreekSender]/cac:Party",
      contexts: supplierParty,
      test: oneGreekVat,
    },
    {
      en: "A Greek seller should give one VAT number, EL followed by a valid TIN.",
      nl: "Een Griekse verkoper vermeldt best één btw-nummer: EL gevolgd door een geldig fiscaal nummer.",
      fr: "Un vendeur grec devrait indiquer un seul numéro de TVA : EL suivi d'un NIF valide.",
    },
  ),
  gr(
    "GR-R-003",
    {
      terms: [bt("BT-31", "Seller VAT identifier")],
      context: "cac:AccountingSupplierParty[$isGreekSender]/cac:Party/cac:PartyTaxScheme[VAT]/cbc:CompanyID",
      contexts: (doc) => supplierParty(doc).flatMap((p) => vatIds(p, false)),
      test: (id) => id.text.slice(0, 2) === "EL" && validGreekTin(id.text.slice(2)),
    },
    {
      en: "A Greek seller's VAT number must start with EL and be a valid TIN.",
      nl: "Het btw-nummer van een Griekse verkoper moet met EL beginnen en een geldig fiscaal nummer zijn.",
      fr: "Le numéro de TVA d'un vendeur grec doit commencer par EL et être un NIF valide.",
    },
  ),
  gr(
    "GR-R-004-1",
    {
      terms: [bt("BT-122", "Supporting document reference")],
      context: "/Invoice[$isGreekSender and seller postal country 'GR'] | /CreditNote[...]",
      applies: greekSenderInGreece,
      contexts: root,
      test: (r) => documentsDescribed(r, MARK).length === 1,
    },
    {
      en: "A Greek seller's invoice must carry exactly one MARK number (document description ##M.AR.K##).",
      nl: "De factuur van een Griekse verkoper moet precies één MARK-nummer bevatten (documentbeschrijving ##M.AR.K##).",
      fr: "La facture d'un vendeur grec doit porter exactement un numéro MARK (description ##M.AR.K##).",
    },
  ),
  gr(
    "GR-S-008-1",
    {
      severity: "warning",
      terms: [bt("BT-124", "External document location")],
      context: "/Invoice[$isGreekSender and seller postal country 'GR'] | /CreditNote[...]",
      applies: greekSenderInGreece,
      contexts: root,
      test: (r) => documentsDescribed(r, INVOICE_URL).length === 1,
    },
    {
      en: "A Greek seller's invoice should carry one invoice URL (document description ##INVOICE|URL##).",
      nl: "De factuur van een Griekse verkoper bevat best één factuur-URL (documentbeschrijving ##INVOICE|URL##).",
      fr: "La facture d'un vendeur grec devrait porter une URL de facture (description ##INVOICE|URL##).",
    },
  ),
  gr(
    "GR-R-008-2",
    {
      terms: [bt("BT-124", "External document location")],
      context: "/Invoice[$isGreekSender and seller postal country 'GR'] | /CreditNote[...]",
      applies: greekSenderInGreece,
      contexts: root,
      test: (r) => documentsDescribed(r, INVOICE_URL).length <= 1,
    },
    {
      en: "A Greek seller's invoice may carry at most one invoice URL.",
      nl: "De factuur van een Griekse verkoper mag hoogstens één factuur-URL bevatten.",
      fr: "La facture d'un vendeur grec peut porter au plus une URL de facture.",
    },
  ),
  gr(
    "GR-R-004-2",
    {
      terms: [bt("BT-122", "Supporting document reference")],
      context: "cac:AdditionalDocumentReference[$isGreekSender and seller postal country 'GR' and ##M.AR.K##]/cbc:ID",
      applies: greekSenderInGreece,
      contexts: (doc) => documentsDescribed(doc.root, MARK).flatMap((d) => all(d, "cbc:ID")),
      test: (id) => /^[1-9]/.test(id.text),
    },
    {
      en: "A Greek seller's MARK number must be a positive integer.",
      nl: "Het MARK-nummer van een Griekse verkoper moet een positief geheel getal zijn.",
      fr: "Le numéro MARK d'un vendeur grec doit être un entier positif.",
    },
  ),
  gr(
    "GR-R-008-3",
    {
      terms: [bt("BT-124", "External document location")],
      context: "cac:AdditionalDocumentReference[$isGreekSender and ##INVOICE|URL##]",
      contexts: (doc) => documentsDescribed(doc.root, INVOICE_URL),
      test: (d) => textOf(d, "cac:Attachment/cac:ExternalReference/cbc:URI") !== "",
    },
    {
      en: "A Greek seller's invoice URL reference must give the URI.",
      nl: "De factuur-URL-referentie van een Griekse verkoper moet de URI vermelden.",
      fr: "La référence d'URL de facture d'un vendeur grec doit indiquer l'URI.",
    },
  ),
  gr(
    "GR-R-005",
    {
      terms: [bt("BT-45", "Buyer trading name")],
      context: "cac:AccountingCustomerParty[$isGreekSender]/cac:Party",
      contexts: customerParty,
      test: (p) => raw(p, "cac:PartyName/cbc:Name").length > 0,
    },
    {
      en: "A Greek seller must give the buyer's full name.",
      nl: "Een Griekse verkoper moet de volledige naam van de koper vermelden.",
      fr: "Un vendeur grec doit indiquer le nom complet de l'acheteur.",
    },
  ),
  gr(
    "GR-R-009",
    {
      terms: [bt("BT-34", "Seller electronic address")],
      context: "cac:AccountingSupplierParty/cac:Party[$accountingSupplierCountry = 'GR' or 'EL']/cbc:EndpointID",
      applies: (doc) => greek(accountingSupplierCountry(doc)),
      contexts: (doc) => supplierParty(doc).flatMap((p) => all(p, "cbc:EndpointID")),
      test: (e) => e.attributes.get("schemeID") === "9933" && validGreekTin(e.text),
    },
    {
      en: "A Greek seller's electronic address must be a valid TIN in scheme 9933.",
      nl: "Het elektronisch adres van een Griekse verkoper moet een geldig fiscaal nummer in schema 9933 zijn.",
      fr: "L'adresse électronique d'un vendeur grec doit être un NIF valide dans le schéma 9933.",
    },
  ),
  gr(
    "GR-R-006",
    {
      terms: [bt("BT-48", "Buyer VAT identifier")],
      context: "cac:AccountingCustomerParty[$isGreekSenderandReceiver]/cac:Party",
      applies: greekBoth,
      contexts: customerParty,
      test: oneGreekVat,
    },
    {
      en: "Between Greek parties the buyer's VAT number (EL and a valid TIN) must be given.",
      nl: "Tussen Griekse partijen moet het btw-nummer van de koper (EL en een geldig fiscaal nummer) vermeld worden.",
      fr: "Entre parties grecques, le numéro de TVA de l'acheteur (EL et un NIF valide) doit être indiqué.",
    },
  ),
  gr(
    "GR-R-010",
    {
      terms: [bt("BT-49", "Buyer electronic address")],
      context: "cac:AccountingCustomerParty[$isGreekSenderandReceiver]/cac:Party/cbc:EndpointID",
      applies: greekBoth,
      contexts: (doc) => customerParty(doc).flatMap((p) => all(p, "cbc:EndpointID")),
      test: (e) => e.attributes.get("schemeID") === "9933" && validGreekTin(e.text),
    },
    {
      en: "Between Greek parties the buyer's electronic address must be a valid TIN in scheme 9933.",
      nl: "Tussen Griekse partijen moet het elektronisch adres van de koper een geldig fiscaal nummer in schema 9933 zijn.",
      fr: "Entre parties grecques, l'adresse électronique de l'acheteur doit être un NIF valide dans le schéma 9933.",
    },
  ),
];

// ---- Italy --------------------------------------------------------------------------------

const italian = (doc: UblDocument) => supplierCountry(doc) === "IT";
const IT_PARTY = "cac:AccountingSupplierParty/cac:Party[$supplierCountry = 'IT']";
const address = (id: string, element: string, term: BusinessTerm, messages: Messages) =>
  nationalRule({
    id,
    terms: [term],
    context: IT_PARTY,
    applies: italian,
    contexts: supplierParty,
    test: (p) => present(p, `cac:PostalAddress/${element}`),
    messages,
  });

const ITALY: Rule[] = [
  nationalRule({
    id: "IT-R-001",
    terms: [bt("BT-32", "Seller tax registration identifier")],
    context: `${IT_PARTY}/cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) != 'VAT']`,
    applies: italian,
    contexts: (doc) =>
      supplierParty(doc)
        .flatMap((p) => all(p, "cac:PartyTaxScheme"))
        .filter((s) => textOf(s, "cac:TaxScheme/cbc:ID") !== "VAT"),
    test: (s) => /^[A-Z0-9]{11,16}$/.test(textOf(s, "cbc:CompanyID")),
    messages: {
      en: "An Italian seller's tax registration must have 11 to 16 capital letters or digits.",
      nl: "De fiscale registratie van een Italiaanse verkoper moet 11 tot 16 hoofdletters of cijfers tellen.",
      fr: "L'enregistrement fiscal d'un vendeur italien doit compter de 11 à 16 majuscules ou chiffres.",
    },
  }),
  address("IT-R-002", "cbc:StreetName", bt("BT-35", "Seller address line 1"), {
    en: "An Italian seller must give the first address line (street).",
    nl: "Een Italiaanse verkoper moet de eerste adresregel (straat) vermelden.",
    fr: "Un vendeur italien doit indiquer la première ligne d'adresse (rue).",
  }),
  address("IT-R-003", "cbc:CityName", bt("BT-37", "Seller city"), {
    en: "An Italian seller must give the city.",
    nl: "Een Italiaanse verkoper moet de gemeente vermelden.",
    fr: "Un vendeur italien doit indiquer la ville.",
  }),
  address("IT-R-004", "cbc:PostalZone", bt("BT-38", "Seller post code"), {
    en: "An Italian seller must give the post code.",
    nl: "Een Italiaanse verkoper moet de postcode vermelden.",
    fr: "Un vendeur italien doit indiquer le code postal.",
  }),
];

// ---- The Netherlands ----------------------------------------------------------------------

const nlSeller = (doc: UblDocument) => postalCountry(doc, "supplier") === "NL";
const nlBoth = (doc: UblDocument) => nlSeller(doc) && postalCountry(doc, "customer") === "NL";
const fullAddress = (a: XmlElement) =>
  present(a, "cbc:StreetName") && present(a, "cbc:CityName") && present(a, "cbc:PostalZone");
const kvkOrOin = (id: XmlElement) => {
  const schemes = ` ${id.attributes.get("schemeID") ?? ""} `;
  return (schemes.includes(" 0106 ") || schemes.includes(" 0190 ")) && normalizeSpace(id.text) !== "";
};
const nl = (
  id: string,
  context: string,
  applies: (doc: UblDocument) => boolean,
  contexts: (doc: UblDocument) => readonly XmlElement[],
  test: (el: XmlElement, doc: UblDocument) => boolean,
  messages: Messages,
  terms: BusinessTerm[] = [],
) => nationalRule({ id, terms, context, applies, contexts, test, messages });

const NETHERLANDS: Rule[] = [
  nl(
    "NL-R-001",
    "cbc:CreditNoteTypeCode[$supplierCountryIsNL]",
    nlSeller,
    (doc) => all(doc.root, "cbc:CreditNoteTypeCode"),
    (_, doc) => present(doc.root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
    {
      en: "A Dutch seller's credit note must refer to an invoice (BillingReference/InvoiceDocumentReference/ID).",
      nl: "Een creditnota van een Nederlandse verkoper moet naar een factuur verwijzen (BillingReference/InvoiceDocumentReference/ID).",
      fr: "Une note de crédit d'un vendeur néerlandais doit faire référence à une facture (BillingReference/InvoiceDocumentReference/ID).",
    },
    [bt("BT-25", "Preceding Invoice reference")],
  ),
  nl(
    "NL-R-002",
    "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress[$supplierCountryIsNL]",
    nlSeller,
    (doc) => all(doc.root, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress"),
    fullAddress,
    {
      en: "A Dutch seller's address must have a street name, a city and a post code.",
      nl: "Het adres van een Nederlandse verkoper moet een straatnaam, een plaats en een postcode bevatten.",
      fr: "L'adresse d'un vendeur néerlandais doit comporter un nom de rue, une ville et un code postal.",
    },
    [bt("BT-35", "Seller address line 1"), bt("BT-37", "Seller city"), bt("BT-38", "Seller post code")],
  ),
  nl(
    "NL-R-003",
    "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID[$supplierCountryIsNL]",
    nlSeller,
    (doc) => all(doc.root, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"),
    kvkOrOin,
    {
      en: "A Dutch seller's legal registration must be a KVK or OIN number (scheme 0106 or 0190).",
      nl: "Het rechtspersoonsnummer van een Nederlandse verkoper moet een KVK- of OIN-nummer zijn (schema 0106 of 0190).",
      fr: "Le numéro d'entreprise d'un vendeur néerlandais doit être un numéro KVK ou OIN (schéma 0106 ou 0190).",
    },
    [bt("BT-30", "Seller legal registration identifier")],
  ),
  nl(
    "NL-R-004",
    "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress[$supplierCountryIsNL and $customerCountryIsNL]",
    nlBoth,
    (doc) => all(doc.root, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress"),
    fullAddress,
    {
      en: "Between Dutch parties the buyer's address must have a street name, a city and a post code.",
      nl: "Tussen Nederlandse partijen moet het adres van de koper een straatnaam, een plaats en een postcode bevatten.",
      fr: "Entre parties néerlandaises, l'adresse de l'acheteur doit comporter un nom de rue, une ville et un code postal.",
    },
    [bt("BT-50", "Buyer address line 1"), bt("BT-52", "Buyer city"), bt("BT-53", "Buyer post code")],
  ),
  nl(
    "NL-R-005",
    "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID[$supplierCountryIsNL and $customerCountryIsNL]",
    nlBoth,
    (doc) => all(doc.root, "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"),
    kvkOrOin,
    {
      en: "Between Dutch parties the buyer's legal registration must be a KVK or OIN number (scheme 0106 or 0190).",
      nl: "Tussen Nederlandse partijen moet het rechtspersoonsnummer van de koper een KVK- of OIN-nummer zijn (schema 0106 of 0190).",
      fr: "Entre parties néerlandaises, le numéro d'entreprise de l'acheteur doit être un numéro KVK ou OIN (schéma 0106 ou 0190).",
    },
    [bt("BT-47", "Buyer legal registration identifier")],
  ),
  nl(
    "NL-R-006",
    "cac:TaxRepresentativeParty/cac:PostalAddress[$supplierCountryIsNL and $taxRepresentativeCountryIsNL]",
    (doc) =>
      nlSeller(doc) &&
      textOf(
        doc.root,
        "cac:TaxRepresentativeParty/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
      ).toUpperCase() === "NL",
    (doc) => all(doc.root, "cac:TaxRepresentativeParty/cac:PostalAddress"),
    fullAddress,
    {
      en: "A Dutch seller's tax representative in the Netherlands must have a street name, a city and a post code.",
      nl: "Een fiscale vertegenwoordiger in Nederland van een Nederlandse verkoper moet een straatnaam, een plaats en een postcode hebben.",
      fr: "Le représentant fiscal aux Pays-Bas d'un vendeur néerlandais doit avoir un nom de rue, une ville et un code postal.",
    },
    [bt("BT-64", "Tax representative address line 1"), bt("BT-66", "Tax representative city")],
  ),
  nl(
    "NL-R-007",
    "cac:LegalMonetaryTotal[$supplierCountryIsNL]",
    nlSeller,
    (doc) => all(doc.root, "cac:LegalMonetaryTotal"),
    (total, doc) => {
      const payable = xpathNumber(raw(total, "cbc:PayableAmount"));
      return (
        (doc.kind === "Invoice" && payable <= 0) ||
        (doc.kind === "CreditNote" && payable >= 0) ||
        descendants(doc.root, "cac:PaymentMeans").length > 0
      );
    },
    {
      en: "A Dutch seller must give payment means when the buyer is to pay.",
      nl: "Een Nederlandse verkoper moet een betaalwijze vermelden wanneer de koper moet betalen.",
      fr: "Un vendeur néerlandais doit indiquer un moyen de paiement lorsque l'acheteur doit payer.",
    },
    [bt("BG-16", "Payment instructions")],
  ),
  nl(
    "NL-R-008",
    "cac:PaymentMeans[$supplierCountryIsNL and $customerCountryIsNL]",
    nlBoth,
    (doc) => descendants(doc.root, "cac:PaymentMeans"),
    (m) => ["30", "48", "49", "57", "58", "59"].includes(textOf(m, "cbc:PaymentMeansCode")),
    {
      en: "Between Dutch parties the payment means code must be 30, 48, 49, 57, 58 or 59.",
      nl: "Tussen Nederlandse partijen moet de code van de betaalwijze 30, 48, 49, 57, 58 of 59 zijn.",
      fr: "Entre parties néerlandaises, le code du moyen de paiement doit être 30, 48, 49, 57, 58 ou 59.",
    },
    [bt("BT-81", "Payment means type code")],
  ),
  nl(
    "NL-R-009",
    "cac:OrderLineReference/cbc:LineID[$supplierCountryIsNL]",
    nlSeller,
    (doc) => descendants(doc.root, "cac:OrderLineReference").flatMap((r) => all(r, "cbc:LineID")),
    (_, doc) => present(doc.root, "cac:OrderReference/cbc:ID"),
    {
      en: "A Dutch seller referring to an order line must give the order reference at document level.",
      nl: "Een Nederlandse verkoper die naar een bestellijn verwijst, moet de bestelreferentie op documentniveau vermelden.",
      fr: "Un vendeur néerlandais qui renvoie à une ligne de commande doit indiquer la référence de commande au niveau du document.",
    },
    [bt("BT-132", "Referenced purchase order line reference"), bt("BT-13", "Purchase order reference")],
  ),
];

export const GR_IT_NL_NATIONAL_RULES: readonly Rule[] = [...GREECE, ...ITALY, ...NETHERLANDS];
