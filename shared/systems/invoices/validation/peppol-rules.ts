/**
 * Peppol BIS Billing 3.0 document-level rules (PEPPOL-EN16931-R*), learnt from the
 * OpenPEPPOL Schematron and written here. They run on top of the EN 16931 rules.
 */
import type { BusinessTerm, Rule } from "./rule-engine.js";
import { all, first, textOf } from "./ubl-document.js";

const bt = (id: string, name: string): BusinessTerm => ({ id, name });

/**
 * The Schematron's `$profile`: the process number, or "Unknown". Its `matches` is unanchored
 * and its dots are unescaped; both are kept so verdicts stay comparable.
 */
function profile(profileId: string): string {
  const match = /urn:fdc:peppol.eu:2017:poacc:billing:([0-9]{2}):1.0/.exec(profileId);
  return match ? match[1]! : "Unknown";
}

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
];
