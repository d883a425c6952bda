/**
 * Peppol BIS 3 national rules of Norway (NO-R-*), Denmark (DK-R-*), Iceland (IS-R-*) and
 * Sweden (SE-R-*), from the OpenPEPPOL Schematron (3.0.19). Each keeps the official
 * condition for "seller (and buyer) in that country": NO reads `$supplierCountry` (VAT
 * prefix first), DK, IS and SE the postal country code as written.
 */
import { luhnSwedishOrgNumber, validNorwegianOrgNumber } from "./identifier-checksums.js";
import {
  customerParty,
  nationalRule,
  normalizeSpace,
  postalCountryAsWritten,
  present,
  raw,
  root,
  supplierCountry,
  supplierParty,
  vatCompanyId,
  xpathNumber,
} from "./national-context.js";
import type { Rule } from "./rule-engine.js";
import { bt, lines } from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, descendants, first, textOf, type UblDocument } from "./ubl-document.js";

const SELLER_VAT = bt("BT-31", "Seller VAT identifier");
const SELLER_LEGAL = bt("BT-30", "Seller legal registration identifier");
const MEANS = bt("BT-81", "Payment means type code");
const ACCOUNT = bt("BT-84", "Payment account identifier");

/** A PartyTaxScheme with the scheme id normalised to `code`. */
const taxSchemes = (party: XmlElement, code: string) =>
  all(party, "cac:PartyTaxScheme").filter((s) => textOf(s, "cac:TaxScheme/cbc:ID") === code);

// ---- Norway -------------------------------------------------------------------------------

const isNorwegian = (doc: UblDocument) => supplierCountry(doc) === "NO";

const NORWAY: Rule[] = [
  nationalRule({
    id: "NO-R-002",
    severity: "warning",
    terms: [bt("BT-32", "Seller tax registration identifier")],
    context: "cac:AccountingSupplierParty/cac:Party[$supplierCountry = 'NO']",
    applies: isNorwegian,
    contexts: supplierParty,
    test: (party) => textOf(taxSchemes(party, "TAX")[0], "cbc:CompanyID") === "Foretaksregisteret",
    messages: {
      en: 'Most Norwegian sellers must state "Foretaksregisteret" as their tax registration (foretaksregisterloven § 10-2).',
      nl: 'De meeste Noorse verkopers moeten "Foretaksregisteret" als fiscale registratie vermelden (foretaksregisterloven § 10-2).',
      fr: "La plupart des vendeurs norvégiens doivent indiquer « Foretaksregisteret » comme enregistrement fiscal (foretaksregisterloven § 10-2).",
    },
  }),
  nationalRule({
    id: "NO-R-001",
    terms: [SELLER_VAT],
    context: "cac:AccountingSupplierParty/cac:Party[$supplierCountry = 'NO']",
    applies: isNorwegian,
    contexts: supplierParty,
    test: (party) => {
      const vat = raw(first(taxSchemes(party, "VAT")[0] ?? party, "cbc:CompanyID"));
      if (!taxSchemes(party, "VAT")[0] || vat.slice(0, 2) !== "NO") return true;
      const ok = /^[0-9]{9}MVA$/.test(vat.slice(2)) && validNorwegianOrgNumber(vat.slice(2, 11));
      return ok || { at: party, expected: "NO + 9-digit organisation number + MVA", found: `'${vat}'` };
    },
    messages: {
      en: "A Norwegian seller's VAT number must be NO, a valid nine-digit organisation number and MVA.",
      nl: "Het btw-nummer van een Noorse verkoper moet bestaan uit NO, een geldig organisatienummer van negen cijfers en MVA.",
      fr: "Le numéro de TVA d'un vendeur norvégien doit être NO, un numéro d'organisation valide à neuf chiffres et MVA.",
    },
  }),
];

// ---- Denmark ------------------------------------------------------------------------------

const dkSeller = (doc: UblDocument) => postalCountryAsWritten(doc, "supplier") === "DK";
const dkBoth = (doc: UblDocument) => dkSeller(doc) && postalCountryAsWritten(doc, "customer") === "DK";
const DK_BOTH = "[$DKSupplierCountry = 'DK' and $DKCustomerCountry = 'DK']";
const paymentMeans = (doc: UblDocument) => all(doc.root, "cac:PaymentMeans");
const code = (means: XmlElement) => raw(means, "cbc:PaymentMeansCode");
const paymentIdPrefix = (means: XmlElement) => raw(means, "cbc:PaymentID").slice(0, 3);
const filledText = (from: XmlElement, path: string) => normalizeSpace(raw(from, path)) !== "";

const DENMARK: Rule[] = [
  nationalRule({
    id: "DK-R-002",
    terms: [SELLER_LEGAL],
    context: "/Invoice[$DKSupplierCountry = 'DK'] | /CreditNote[$DKSupplierCountry = 'DK']",
    applies: dkSeller,
    contexts: root,
    test: (r) => filledText(r, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"),
    messages: {
      en: "A Danish seller must give its legal registration (CVR number).",
      nl: "Een Deense verkoper moet zijn rechtspersoonsnummer (CVR-nummer) vermelden.",
      fr: "Un vendeur danois doit indiquer son numéro d'entreprise (numéro CVR).",
    },
  }),
  nationalRule({
    id: "DK-R-014",
    terms: [SELLER_LEGAL],
    context: "/Invoice[$DKSupplierCountry = 'DK'] | /CreditNote[$DKSupplierCountry = 'DK']",
    applies: dkSeller,
    contexts: root,
    test: (r) => {
      const id = first(r, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID");
      return !id || normalizeSpace(id.attributes.get("schemeID") ?? "") === "0184";
    },
    messages: {
      en: "A Danish seller's legal registration must use scheme 0184 (DK CVR number).",
      nl: "Het rechtspersoonsnummer van een Deense verkoper moet schema 0184 (Deens CVR-nummer) gebruiken.",
      fr: "Le numéro d'entreprise d'un vendeur danois doit utiliser le schéma 0184 (numéro CVR danois).",
    },
  }),
  nationalRule({
    id: "DK-R-016",
    terms: [bt("BT-115", "Amount due for payment")],
    context: "/Invoice[$DKSupplierCountry = 'DK'] | /CreditNote[$DKSupplierCountry = 'DK']",
    applies: dkSeller,
    contexts: root,
    test: (r, doc) =>
      !(
        doc.kind === "CreditNote" &&
        postalCountryAsWritten(doc, "customer") === "DK" &&
        xpathNumber(raw(r, "cac:LegalMonetaryTotal/cbc:PayableAmount")) < 0
      ),
    messages: {
      en: "A Danish seller's credit note may not have a negative amount due.",
      nl: "Een creditnota van een Deense verkoper mag geen negatief te betalen bedrag hebben.",
      fr: "Une note de crédit d'un vendeur danois ne peut pas avoir un montant à payer négatif.",
    },
  }),
  nationalRule({
    id: "DK-R-013",
    terms: [bt("BT-29", "Seller identifier"), bt("BT-46", "Buyer identifier")],
    context: `/*${DK_BOTH}/cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification | .../cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification`,
    applies: dkBoth,
    contexts: (doc) => [
      ...all(doc.root, "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification"),
      ...all(doc.root, "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification"),
    ],
    test: (identification) => {
      const id = first(identification, "cbc:ID");
      return !id || normalizeSpace(id.attributes.get("schemeID") ?? "") !== "";
    },
    messages: {
      en: "Between Danish parties, a seller or buyer identifier must state its scheme (schemeID).",
      nl: "Tussen Deense partijen moet een identificatie van verkoper of koper haar schema vermelden (schemeID).",
      fr: "Entre parties danoises, un identifiant du vendeur ou de l'acheteur doit indiquer son schéma (schemeID).",
    },
  }),
  ...danishPaymentRules(),
  nationalRule({
    id: "DK-R-003",
    severity: "warning",
    terms: [bt("BT-158", "Item classification identifier")],
    context: `/*${DK_BOTH}/cac:InvoiceLine | /*${DK_BOTH}/cac:CreditNoteLine`,
    applies: dkBoth,
    contexts: lines,
    test: (line) => {
      const codes = all(line, "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode");
      const tst = codes.some((c) => c.attributes.get("listID") === "TST");
      const versions = ["19.05.01", "19.0501", "26.08.01", "26.0801"];
      return !tst || codes.some((c) => versions.includes(c.attributes.get("listVersionID") ?? ""));
    },
    messages: {
      en: "Danish sellers classifying items with UNSPSC should use version 19.05.01 or 26.08.01.",
      nl: "Deense verkopers die artikelen met UNSPSC classificeren, gebruiken best versie 19.05.01 of 26.08.01.",
      fr: "Les vendeurs danois qui classent les articles avec UNSPSC devraient utiliser la version 19.05.01 ou 26.08.01.",
    },
  }),
  nationalRule({
    id: "DK-R-004",
    terms: [bt("BT-98", "Document level allowance reason code"), bt("BT-97", "Document level allowance reason")],
    context: `cac:AllowanceCharge${DK_BOTH}`,
    applies: dkBoth,
    contexts: (doc) => descendants(doc.root, "cac:AllowanceCharge"),
    test: (ac) => {
      if (!all(ac, "cbc:AllowanceChargeReasonCode").some((c) => c.text === "ZZZ")) return true;
      const reasonEl = first(ac, "cbc:AllowanceChargeReason");
      const reason = raw(reasonEl);
      const n = xpathNumber(reason);
      const taxCategory = normalizeSpace(reason).length === 4 && n >= 0 && n <= 9999;
      const hashed = reasonEl !== undefined && reason.includes("#") && !reason.startsWith("#") && !reason.endsWith("#");
      return taxCategory || hashed;
    },
    messages: {
      en: "For non-VAT taxes between Danish parties, reason code ZZZ needs a reason that is the 4-digit tax category or contains a # (not first or last).",
      nl: "Voor andere belastingen dan btw tussen Deense partijen vraagt redencode ZZZ een reden die de belastingcategorie van 4 cijfers is of een # bevat (niet eerst of laatst).",
      fr: "Pour les taxes autres que la TVA entre parties danoises, le code ZZZ exige un motif qui soit la catégorie de taxe à 4 chiffres ou contienne un # (ni en premier ni en dernier).",
    },
  }),
];

function danishPaymentRules(): Rule[] {
  const rule = (id: string, test: (means: XmlElement) => boolean, en: string, nl: string, fr: string) =>
    nationalRule({
      id,
      terms: [MEANS, ACCOUNT],
      context: `/Invoice${DK_BOTH}/cac:PaymentMeans`,
      applies: (doc) => doc.kind === "Invoice" && dkBoth(doc),
      contexts: paymentMeans,
      test,
      messages: { en, nl, fr },
    });
  return [
    rule(
      "DK-R-005",
      (m) => " 1 10 31 42 48 49 50 58 59 93 97 ".includes(` ${code(m)} `),
      "Between Danish parties the payment means code must be 1, 10, 31, 42, 48, 49, 50, 58, 59, 93 or 97.",
      "Tussen Deense partijen moet de code van het betaalmiddel 1, 10, 31, 42, 48, 49, 50, 58, 59, 93 of 97 zijn.",
      "Entre parties danoises, le code du moyen de paiement doit être 1, 10, 31, 42, 48, 49, 50, 58, 59, 93 ou 97.",
    ),
    rule(
      "DK-R-006",
      (m) =>
        !(code(m) === "31" || code(m) === "42") ||
        (filledText(m, "cac:PayeeFinancialAccount/cbc:ID") &&
          filledText(m, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID")),
      "With payment means 31 or 42, a Danish seller must give the bank account and the registration (branch) number.",
      "Met betaalmiddel 31 of 42 moet een Deense verkoper het bankrekeningnummer en het registratienummer (filiaal) vermelden.",
      "Avec le moyen de paiement 31 ou 42, un vendeur danois doit indiquer le compte bancaire et le numéro d'enregistrement (agence).",
    ),
    rule(
      "DK-R-007",
      (m) =>
        code(m) !== "49" ||
        (filledText(m, "cac:PaymentMandate/cbc:ID") &&
          filledText(m, "cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID")),
      "With payment means 49, a Danish seller must give the mandate id and the debited account.",
      "Met betaalmiddel 49 moet een Deense verkoper het mandaatnummer en de gedebiteerde rekening vermelden.",
      "Avec le moyen de paiement 49, un vendeur danois doit indiquer l'identifiant du mandat et le compte débité.",
    ),
    rule(
      "DK-R-008",
      (m) =>
        code(m) !== "50" ||
        (["01#", "04#", "15#"].includes(paymentIdPrefix(m)) &&
          /^[0-9]{7,8}$/.test(raw(m, "cac:PayeeFinancialAccount/cbc:ID"))),
      "With payment means 50 (Giro), the payment id must start with 01#, 04# or 15# and the Giro account must be 7 or 8 digits.",
      "Met betaalmiddel 50 (Giro) moet de betalingsreferentie met 01#, 04# of 15# beginnen en de Giro-rekening 7 of 8 cijfers tellen.",
      "Avec le moyen de paiement 50 (Giro), la référence de paiement doit commencer par 01#, 04# ou 15# et le compte Giro compter 7 ou 8 chiffres.",
    ),
    rule(
      "DK-R-009",
      (m) =>
        !(code(m) === "50" && ["04#", "15#"].includes(paymentIdPrefix(m))) ||
        [...raw(m, "cbc:PaymentID")].length === 19,
      "With payment means 50 and a payment id starting 04# or 15#, the 16-digit instruction id must follow (e.g. 04#1234567890123456).",
      "Met betaalmiddel 50 en een betalingsreferentie die met 04# of 15# begint, moet het instructienummer van 16 cijfers volgen (bv. 04#1234567890123456).",
      "Avec le moyen de paiement 50 et une référence commençant par 04# ou 15#, l'identifiant d'instruction à 16 chiffres doit suivre (p. ex. 04#1234567890123456).",
    ),
    rule(
      "DK-R-010",
      (m) =>
        code(m) !== "93" ||
        (["71#", "73#", "75#"].includes(paymentIdPrefix(m)) &&
          [...raw(m, "cac:PayeeFinancialAccount/cbc:ID")].length === 8),
      "With payment means 93 (FIK), the payment id must start with 71#, 73# or 75# and the creditor number must be exactly 8 characters.",
      "Met betaalmiddel 93 (FIK) moet de betalingsreferentie met 71#, 73# of 75# beginnen en het crediteurnummer precies 8 tekens tellen.",
      "Avec le moyen de paiement 93 (FIK), la référence de paiement doit commencer par 71#, 73# ou 75# et le numéro de créancier compter exactement 8 caractères.",
    ),
    rule(
      "DK-R-011",
      (m) =>
        !(code(m) === "93" && ["71#", "75#"].includes(paymentIdPrefix(m))) ||
        [18, 19].includes([...raw(m, "cbc:PaymentID")].length),
      "With payment means 93 and a payment id starting 71# or 75#, the 15- or 16-digit instruction id must follow.",
      "Met betaalmiddel 93 en een betalingsreferentie die met 71# of 75# begint, moet het instructienummer van 15 of 16 cijfers volgen.",
      "Avec le moyen de paiement 93 et une référence commençant par 71# ou 75#, l'identifiant d'instruction à 15 ou 16 chiffres doit suivre.",
    ),
  ];
}

// ---- Iceland ------------------------------------------------------------------------------

const isSeller = (doc: UblDocument) => postalCountryAsWritten(doc, "supplier") === "IS";
const isBoth = (doc: UblDocument) => isSeller(doc) && postalCountryAsWritten(doc, "customer") === "IS";
const IS_CONTEXT = "/Invoice[$SupplierCountry = 'IS'] | /CreditNote[$SupplierCountry = 'IS']";
const eindagi = (r: XmlElement) =>
  all(r, "cac:AdditionalDocumentReference").filter((d) =>
    all(d, "cbc:DocumentDescription").some((x) => x.text === "EINDAGI"),
  );
/** xs:date castable, without a time zone (the rule also asks for exactly 10 characters). */
const isDate = (value: string) => {
  const m = /^\s*([0-9]{4})-([0-9]{2})-([0-9]{2})\s*$/.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    date.getUTCFullYear() === Number(m[1]) &&
    date.getUTCMonth() === Number(m[2]) - 1 &&
    date.getUTCDate() === Number(m[3])
  );
};
const icelandicAccount = (r: XmlElement, meansCode: string) => {
  const means = all(r, "cac:PaymentMeans").filter((m) =>
    all(m, "cbc:PaymentMeansCode").some((c) => c.text === meansCode),
  );
  if (means.length === 0) return true;
  const account = means.map((m) => first(m, "cac:PayeeFinancialAccount/cbc:ID")).find((a) => a !== undefined);
  return account !== undefined && normalizeSpace(account.text).length === 12;
};
const icelandic = (
  id: string,
  test: (r: XmlElement, doc: UblDocument) => boolean,
  en: string,
  nl: string,
  fr: string,
  severity: "fatal" | "warning" = "fatal",
) =>
  nationalRule({
    id,
    severity,
    context: IS_CONTEXT,
    applies: isSeller,
    contexts: root,
    test,
    messages: { en, nl, fr },
  });

const ICELAND: Rule[] = [
  icelandic(
    "IS-R-001",
    (r) => ["cbc:InvoiceTypeCode", "cbc:CreditNoteTypeCode"].some((p) => ["380", "381"].includes(textOf(r, p))),
    "An Icelandic seller's document type should be 380 (invoice) or 381 (credit note).",
    "Het documenttype van een IJslandse verkoper is best 380 (factuur) of 381 (creditnota).",
    "Le type de document d'un vendeur islandais devrait être 380 (facture) ou 381 (note de crédit).",
    "warning",
  ),
  icelandic(
    "IS-R-002",
    (r) =>
      all(r, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID").some(
        (id) => id.attributes.get("schemeID") === "0196",
      ),
    "An Icelandic seller must give its Icelandic legal id (kennitala, scheme 0196).",
    "Een IJslandse verkoper moet zijn IJslands identificatienummer vermelden (kennitala, schema 0196).",
    "Un vendeur islandais doit indiquer son identifiant légal islandais (kennitala, schéma 0196).",
  ),
  icelandic(
    "IS-R-003",
    (r) =>
      present(r, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:StreetName") &&
      present(r, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:PostalZone"),
    "An Icelandic seller's address must have a street name and a post code.",
    "Het adres van een IJslandse verkoper moet een straatnaam en een postcode bevatten.",
    "L'adresse d'un vendeur islandais doit comporter un nom de rue et un code postal.",
  ),
  icelandic(
    "IS-R-006",
    (r) => icelandicAccount(r, "9"),
    "With payment means 9 an Icelandic seller must give a 12-digit account id.",
    "Met betaalmiddel 9 moet een IJslandse verkoper een rekeningnummer van 12 cijfers vermelden.",
    "Avec le moyen de paiement 9, un vendeur islandais doit indiquer un numéro de compte à 12 chiffres.",
  ),
  icelandic(
    "IS-R-007",
    (r) => icelandicAccount(r, "42"),
    "With payment means 42 an Icelandic seller must give a 12-digit account id.",
    "Met betaalmiddel 42 moet een IJslandse verkoper een rekeningnummer van 12 cijfers vermelden.",
    "Avec le moyen de paiement 42, un vendeur islandais doit indiquer un numéro de compte à 12 chiffres.",
  ),
  icelandic(
    "IS-R-008",
    (r) => {
      const refs = eindagi(r);
      if (refs.length === 0) return true;
      const id = raw(refs[0], "cbc:ID");
      return [...id].length === 10 && isDate(id);
    },
    "An Icelandic seller's EINDAGI (final due date) reference must be a date written YYYY-MM-DD.",
    "De EINDAGI-referentie (uiterste vervaldag) van een IJslandse verkoper moet een datum in de vorm JJJJ-MM-DD zijn.",
    "La référence EINDAGI (échéance finale) d'un vendeur islandais doit être une date au format AAAA-MM-JJ.",
  ),
  icelandic(
    "IS-R-009",
    (r) => eindagi(r).length === 0 || present(r, "cbc:DueDate"),
    "An Icelandic invoice with an EINDAGI reference must have a due date.",
    "Een IJslandse factuur met een EINDAGI-referentie moet een vervaldag hebben.",
    "Une facture islandaise avec une référence EINDAGI doit avoir une date d'échéance.",
  ),
  icelandic(
    "IS-R-010",
    (r) => {
      if (eindagi(r).length === 0) return true;
      // A general comparison of untyped values: compared as strings, any pair may satisfy it.
      const due = all(r, "cbc:DueDate").map((d) => d.text);
      const ids = eindagi(r).flatMap((d) => all(d, "cbc:ID").map((i) => i.text));
      return due.some((d) => ids.some((i) => d <= i));
    },
    "An Icelandic invoice's EINDAGI date must be the same as or later than its due date.",
    "De EINDAGI-datum van een IJslandse factuur moet gelijk zijn aan of later zijn dan de vervaldag.",
    "La date EINDAGI d'une facture islandaise doit être égale ou postérieure à la date d'échéance.",
  ),
  ...(["IS-R-004", "IS-R-005"] as const).map((id) =>
    nationalRule({
      id,
      context:
        "/Invoice[$SupplierCountry = 'IS' and $CustomerCountry = 'IS']/cac:AccountingCustomerParty | /CreditNote[...]/cac:AccountingCustomerParty",
      applies: isBoth,
      contexts: (doc: UblDocument) => all(doc.root, "cac:AccountingCustomerParty"),
      test: (buyer: XmlElement) =>
        id === "IS-R-004"
          ? all(buyer, "cac:Party/cac:PartyLegalEntity/cbc:CompanyID").some(
              (c) => c.attributes.get("schemeID") === "0196",
            )
          : present(buyer, "cac:Party/cac:PostalAddress/cbc:StreetName") &&
            present(buyer, "cac:Party/cac:PostalAddress/cbc:PostalZone"),
      messages:
        id === "IS-R-004"
          ? {
              en: "Between Icelandic parties the buyer's Icelandic legal id (kennitala, scheme 0196) must be given.",
              nl: "Tussen IJslandse partijen moet het IJslands identificatienummer van de koper vermeld worden (kennitala, schema 0196).",
              fr: "Entre parties islandaises, l'identifiant légal islandais de l'acheteur (kennitala, schéma 0196) doit être indiqué.",
            }
          : {
              en: "Between Icelandic parties the buyer's address must have a street name and a post code.",
              nl: "Tussen IJslandse partijen moet het adres van de koper een straatnaam en een postcode bevatten.",
              fr: "Entre parties islandaises, l'adresse de l'acheteur doit comporter un nom de rue et un code postal.",
            },
    }),
  ),
];

// ---- Sweden -------------------------------------------------------------------------------

const seSeller = (doc: UblDocument) => postalCountryAsWritten(doc, "supplier") === "SE";
/** Seller in Sweden by postal code with a Swedish VAT number (`substring(CompanyID, 1, 2) = 'SE'`). */
const seVatSeller = (doc: UblDocument) =>
  seSeller(doc) && raw(vatCompanyId(supplierParty(doc)[0])).slice(0, 2) === "SE";
const SE_PARTY = "//cac:AccountingSupplierParty/cac:Party[postal country 'SE' and VAT number starting 'SE']";
const swedishVat = (party: XmlElement) => normalizeSpace(raw(vatCompanyId(party)));
const legalEntities = (doc: UblDocument) =>
  all(doc.root, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity").filter((e) =>
    present(e, "cbc:CompanyID"),
  );
const giroAccounts = (doc: UblDocument, branch: string) =>
  descendants(doc.root, "cac:PaymentMeans")
    .filter(
      (m) =>
        textOf(m, "cbc:PaymentMeansCode") === "30" &&
        textOf(m, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID") === branch,
    )
    .flatMap((m) => all(m, "cac:PayeeFinancialAccount/cbc:ID"));
const numeric = (value: string) => !Number.isNaN(xpathNumber(value));
const se = (
  id: string,
  severity: "fatal" | "warning",
  context: string,
  applies: (doc: UblDocument) => boolean,
  contexts: (doc: UblDocument) => readonly XmlElement[],
  test: (el: XmlElement) => boolean,
  en: string,
  nl: string,
  fr: string,
) => nationalRule({ id, severity, context, applies, contexts, test, messages: { en, nl, fr } });

const SWEDEN: Rule[] = [
  se(
    "SE-R-001",
    "fatal",
    SE_PARTY,
    seVatSeller,
    supplierParty,
    (p) => [...swedishVat(p)].length === 14,
    "A Swedish seller's VAT number must have 14 characters.",
    "Het btw-nummer van een Zweedse verkoper moet 14 tekens tellen.",
    "Le numéro de TVA d'un vendeur suédois doit compter 14 caractères.",
  ),
  se(
    "SE-R-002",
    "fatal",
    SE_PARTY,
    seVatSeller,
    supplierParty,
    (p) => numeric([...raw(vatCompanyId(p))].slice(2, 14).join("")),
    "A Swedish seller's VAT number must end in 12 digits.",
    "Het btw-nummer van een Zweedse verkoper moet eindigen op 12 cijfers.",
    "Le numéro de TVA d'un vendeur suédois doit se terminer par 12 chiffres.",
  ),
  se(
    "SE-R-003",
    "fatal",
    "//cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity[postal country 'SE' and cbc:CompanyID]",
    seSeller,
    legalEntities,
    (e) => numeric(raw(e, "cbc:CompanyID")),
    "A Swedish organisation number must be numeric.",
    "Een Zweeds organisatienummer moet numeriek zijn.",
    "Un numéro d'organisation suédois doit être numérique.",
  ),
  se(
    "SE-R-004",
    "fatal",
    "//cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity[postal country 'SE' and cbc:CompanyID]",
    seSeller,
    legalEntities,
    (e) => [...textOf(e, "cbc:CompanyID")].length === 10,
    "A Swedish organisation number has 10 characters.",
    "Een Zweeds organisatienummer telt 10 tekens.",
    "Un numéro d'organisation suédois compte 10 caractères.",
  ),
  se(
    "SE-R-013",
    "fatal",
    "//cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity[postal country 'SE' and cbc:CompanyID]",
    seSeller,
    legalEntities,
    (e) => luhnSwedishOrgNumber(textOf(e, "cbc:CompanyID")),
    "The last digit of a Swedish organisation number must be its Luhn check digit.",
    "Het laatste cijfer van een Zweeds organisatienummer moet het Luhn-controlecijfer zijn.",
    "Le dernier chiffre d'un numéro d'organisation suédois doit être sa clé de contrôle Luhn.",
  ),
  se(
    "SE-R-005",
    "fatal",
    "//cac:AccountingSupplierParty/cac:Party[postal country 'SE' and PartyLegalEntity/cbc:CompanyID]/cac:PartyTaxScheme[not VAT]/cbc:CompanyID",
    seSeller,
    (doc) =>
      supplierParty(doc)
        .filter((p) => present(p, "cac:PartyLegalEntity/cbc:CompanyID"))
        .flatMap((p) => all(p, "cac:PartyTaxScheme"))
        .filter((s) => normalizeSpace(raw(s, "cac:TaxScheme/cbc:ID").toUpperCase()) !== "VAT")
        .flatMap((s) => all(s, "cbc:CompanyID")),
    (id) => normalizeSpace(id.text.toUpperCase()) === "GODKÄND FÖR F-SKATT",
    "A Swedish seller giving a tax registration must state 'Godkänd för F-skatt'.",
    "Een Zweedse verkoper die een fiscale registratie vermeldt, moet 'Godkänd för F-skatt' vermelden.",
    "Un vendeur suédois qui indique un enregistrement fiscal doit mentionner « Godkänd för F-skatt ».",
  ),
  se(
    "SE-R-006",
    "fatal",
    "//cac:TaxCategory[Swedish seller and cbc:ID = 'S'] | //cac:ClassifiedTaxCategory[...]",
    seVatSeller,
    (doc) =>
      [...descendants(doc.root, "cac:TaxCategory"), ...descendants(doc.root, "cac:ClassifiedTaxCategory")].filter((c) =>
        all(c, "cbc:ID").some((i) => i.text === "S"),
      ),
    (c) => [25, 12, 6].includes(xpathNumber(raw(c, "cbc:Percent"))),
    "A Swedish seller's standard VAT rate can only be 6, 12 or 25 percent.",
    "Het normale btw-tarief van een Zweedse verkoper kan enkel 6, 12 of 25 procent zijn.",
    "Le taux normal de TVA d'un vendeur suédois ne peut être que 6, 12 ou 25 pour cent.",
  ),
  se(
    "SE-R-007",
    "warning",
    "//cac:PaymentMeans[Swedish seller, code 30, SE:PLUSGIRO]/cac:PayeeFinancialAccount/cbc:ID",
    seSeller,
    (doc) => giroAccounts(doc, "SE:PLUSGIRO"),
    (id) => numeric(normalizeSpace(id.text)),
    "A Swedish seller's Plusgiro account should be numeric.",
    "Een Zweedse Plusgiro-rekening is best numeriek.",
    "Un compte Plusgiro suédois devrait être numérique.",
  ),
  se(
    "SE-R-010",
    "warning",
    "//cac:PaymentMeans[Swedish seller, code 30, SE:PLUSGIRO]/cac:PayeeFinancialAccount/cbc:ID",
    seSeller,
    (doc) => giroAccounts(doc, "SE:PLUSGIRO"),
    (id) => [...normalizeSpace(id.text)].length >= 2 && [...normalizeSpace(id.text)].length <= 8,
    "A Swedish seller's Plusgiro account should have 2 to 8 characters.",
    "Een Zweedse Plusgiro-rekening telt best 2 tot 8 tekens.",
    "Un compte Plusgiro suédois devrait compter de 2 à 8 caractères.",
  ),
  se(
    "SE-R-008",
    "warning",
    "//cac:PaymentMeans[Swedish seller, code 30, SE:BANKGIRO]/cac:PayeeFinancialAccount/cbc:ID",
    seSeller,
    (doc) => giroAccounts(doc, "SE:BANKGIRO"),
    (id) => numeric(normalizeSpace(id.text)),
    "A Swedish seller's Bankgiro account should be numeric.",
    "Een Zweedse Bankgiro-rekening is best numeriek.",
    "Un compte Bankgiro suédois devrait être numérique.",
  ),
  se(
    "SE-R-009",
    "warning",
    "//cac:PaymentMeans[Swedish seller, code 30, SE:BANKGIRO]/cac:PayeeFinancialAccount/cbc:ID",
    seSeller,
    (doc) => giroAccounts(doc, "SE:BANKGIRO"),
    (id) => [7, 8].includes([...normalizeSpace(id.text)].length),
    "A Swedish seller's Bankgiro account should have 7 or 8 characters.",
    "Een Zweedse Bankgiro-rekening telt best 7 of 8 tekens.",
    "Un compte Bankgiro suédois devrait compter 7 ou 8 caractères.",
  ),
  se(
    "SE-R-011",
    "warning",
    "//cac:PaymentMeans[Swedish seller and (cbc:PaymentMeansCode = '50' or '56')]",
    seSeller,
    (doc) =>
      descendants(doc.root, "cac:PaymentMeans").filter((m) =>
        all(m, "cbc:PaymentMeansCode").some((c) => c.text === "50" || c.text === "56"),
      ),
    () => false,
    "Swedish Bankgiro or Plusgiro should be given as payment means 30 with branch SE:BANKGIRO or SE:PLUSGIRO.",
    "Zweedse Bankgiro of Plusgiro wordt best vermeld als betaalmiddel 30 met filiaal SE:BANKGIRO of SE:PLUSGIRO.",
    "Le Bankgiro ou Plusgiro suédois devrait être indiqué comme moyen de paiement 30 avec l'agence SE:BANKGIRO ou SE:PLUSGIRO.",
  ),
  se(
    "SE-R-012",
    "warning",
    "//cac:PaymentMeans[Swedish seller and buyer and cbc:PaymentMeansCode = '31']",
    (doc) =>
      seSeller(doc) &&
      customerParty(doc).some((p) => raw(p, "cac:PostalAddress/cac:Country/cbc:IdentificationCode") === "SE"),
    (doc) =>
      descendants(doc.root, "cac:PaymentMeans").filter((m) =>
        all(m, "cbc:PaymentMeansCode").some((c) => c.text === "31"),
      ),
    () => false,
    "Between Swedish parties a credit transfer should use payment means code 30.",
    "Tussen Zweedse partijen gebruikt een overschrijving best betaalmiddelcode 30.",
    "Entre parties suédoises, un virement devrait utiliser le code de moyen de paiement 30.",
  ),
];

export const NORDIC_NATIONAL_RULES: readonly Rule[] = [...NORWAY, ...DENMARK, ...ICELAND, ...SWEDEN];
