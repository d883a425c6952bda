/**
 * PEPPOL-COMMON-R040..R050: party identifiers whose scheme has a known format are checked
 * where the Schematron checks them (an EndpointID, a PartyIdentification/ID or a CompanyID
 * with that schemeID). Belgian enterprise numbers (0208) are the ones our suppliers use.
 */
import {
  validAustralianBusinessNumber,
  validBelgianEnterpriseNumber,
  validDanishCvr,
  validGln,
  validItalianFiscalCode,
  validItalianIpaCode,
  validItalianVatNumber,
  validNorwegianOrgNumber,
  validSwedishOrgNumber,
} from "./identifier-checksums.js";
import type { Rule, Severity } from "./rule-engine.js";
import { bt, type Messages } from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, descendants, type UblDocument } from "./ubl-document.js";

const TERMS = [
  bt("BT-29", "Seller identifier"),
  bt("BT-30", "Seller legal registration identifier"),
  bt("BT-34", "Seller electronic address"),
  bt("BT-46", "Buyer identifier"),
  bt("BT-47", "Buyer legal registration identifier"),
  bt("BT-49", "Buyer electronic address"),
];

/** Identifiers with this schemeID (compared as written): EndpointID, PartyIdentification/ID, CompanyID. */
function identifiers(doc: UblDocument, scheme: string, endpointsOnly: boolean): XmlElement[] {
  const withScheme = (el: XmlElement) => el.attributes.get("schemeID") === scheme;
  const found = descendants(doc.root, "cbc:EndpointID").filter(withScheme);
  if (endpointsOnly) return found;
  const partyIds = descendants(doc.root, "cac:PartyIdentification").flatMap((p) => all(p, "cbc:ID").filter(withScheme));
  return [...found, ...partyIds, ...descendants(doc.root, "cbc:CompanyID").filter(withScheme)];
}

function identifierRule(
  id: string,
  severity: Severity,
  scheme: string,
  valid: (value: string) => boolean,
  messages: Messages,
  options: { endpointsOnly?: boolean; asWritten?: boolean } = {},
): Rule {
  return {
    id,
    severity,
    terms: TERMS,
    context: options.endpointsOnly
      ? `cbc:EndpointID[@schemeID = '${scheme}']`
      : `cbc:EndpointID[@schemeID = '${scheme}'] | cac:PartyIdentification/cbc:ID[@schemeID = '${scheme}'] | cbc:CompanyID[@schemeID = '${scheme}']`,
    messages,
    check: (doc) =>
      identifiers(doc, scheme, options.endpointsOnly ?? false).flatMap((el) => {
        const value = options.asWritten ? el.text : el.text.replace(/\s+/g, " ").trim();
        return valid(value) ? [] : [{ at: el, found: `'${value}'` }];
      }),
  };
}

const format = (what: Messages, scheme: string): Messages => ({
  en: `${what.en} (scheme ${scheme}) is not in the correct format or its check digits are wrong.`,
  nl: `${what.nl} (schema ${scheme}) heeft niet de juiste vorm of de controlecijfers kloppen niet.`,
  fr: `${what.fr} (schéma ${scheme}) n'a pas le bon format ou ses chiffres de contrôle sont faux.`,
});

const fiscalCode = { en: "The Italian fiscal code", nl: "De Italiaanse fiscale code", fr: "Le code fiscal italien" };

export const PEPPOL_IDENTIFIER_RULES: readonly Rule[] = [
  identifierRule(
    "PEPPOL-COMMON-R040",
    "fatal",
    "0088",
    validGln,
    format({ en: "The GLN", nl: "Het GLN", fr: "Le GLN" }, "0088"),
  ),
  identifierRule(
    "PEPPOL-COMMON-R041",
    "fatal",
    "0192",
    validNorwegianOrgNumber,
    format(
      {
        en: "The Norwegian organisation number",
        nl: "Het Noorse ondernemingsnummer",
        fr: "Le numéro d'organisation norvégien",
      },
      "0192",
    ),
  ),
  identifierRule(
    "PEPPOL-COMMON-R042",
    "fatal",
    "0184",
    validDanishCvr,
    format({ en: "The Danish CVR number", nl: "Het Deense CVR-nummer", fr: "Le numéro CVR danois" }, "0184"),
    { asWritten: true },
  ),
  identifierRule(
    "PEPPOL-COMMON-R043",
    "fatal",
    "0208",
    validBelgianEnterpriseNumber,
    format(
      {
        en: "The Belgian enterprise number",
        nl: "Het Belgische ondernemingsnummer",
        fr: "Le numéro d'entreprise belge",
      },
      "0208",
    ),
  ),
  identifierRule(
    "PEPPOL-COMMON-R044",
    "warning",
    "0201",
    validItalianIpaCode,
    format({ en: "The Italian IPA code", nl: "De Italiaanse IPA-code", fr: "Le code IPA italien" }, "0201"),
  ),
  identifierRule("PEPPOL-COMMON-R045", "warning", "0210", validItalianFiscalCode, format(fiscalCode, "0210")),
  identifierRule("PEPPOL-COMMON-R046", "warning", "9907", validItalianFiscalCode, format(fiscalCode, "9907"), {
    endpointsOnly: true,
  }),
  identifierRule(
    "PEPPOL-COMMON-R047",
    "warning",
    "0211",
    validItalianVatNumber,
    format({ en: "The Italian VAT number", nl: "Het Italiaanse btw-nummer", fr: "Le numéro de TVA italien" }, "0211"),
  ),
  identifierRule(
    "PEPPOL-COMMON-R049",
    "fatal",
    "0007",
    validSwedishOrgNumber,
    format(
      {
        en: "The Swedish organisation number",
        nl: "Het Zweedse ondernemingsnummer",
        fr: "Le numéro d'organisation suédois",
      },
      "0007",
    ),
  ),
  identifierRule(
    "PEPPOL-COMMON-R050",
    "fatal",
    "0151",
    validAustralianBusinessNumber,
    format(
      {
        en: "The Australian Business Number",
        nl: "Het Australische ondernemingsnummer (ABN)",
        fr: "Le numéro d'entreprise australien (ABN)",
      },
      "0151",
    ),
  ),
];
