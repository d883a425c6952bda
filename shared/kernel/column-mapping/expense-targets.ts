// The analytics import's target fields (issue #20): the seed's finance_expense columns, as an
// SAP line-item export or a warehouse extract names them.
import type { TargetCatalogue, TargetField } from "./targets.js";

const words = (list: string) => list.split("|");

/** An optional text column, known by its own name and these English/Dutch/French/German headers. */
const optional = (name: string, en: string, nl = "", fr = "", de = ""): TargetField => ({
  name,
  kind: "text",
  required: false,
  aliases: {
    en: words(en),
    ...(nl ? { nl: words(nl) } : {}),
    ...(fr ? { fr: words(fr) } : {}),
    ...(de ? { de: words(de) } : {}),
  },
});

export const EXPENSE_TARGETS: TargetCatalogue = [
  {
    name: "posting_period",
    kind: "code",
    required: true,
    aliases: {
      en: words("posting period|period|fiscal period|per|pstng period|month"),
      nl: words("boekperiode|periode"),
      fr: words("période comptable|période"),
      de: words("buchungsperiode|periode"),
    },
  },
  {
    name: "general_ledger_fiscal_year",
    kind: "code",
    required: true,
    aliases: {
      en: words("fiscal year|gl fiscal year|year|fy|financial year"),
      nl: words("boekjaar|jaar"),
      fr: words("exercice|année fiscale|exercice comptable"),
      de: words("geschäftsjahr|jahr"),
    },
  },
  {
    name: "company_code",
    kind: "code",
    required: true,
    aliases: {
      en: words("company code|cocd|company|bukrs"),
      nl: words("bedrijfscode|maatschappij"),
      fr: words("code société|société"),
      de: words("buchungskreis|gesellschaft"),
    },
  },
  {
    name: "company_code_currency_key",
    kind: "currency",
    required: true,
    aliases: {
      en: words("company code currency|currency|currency key|curr|ccy|local currency"),
      nl: words("valuta|munteenheid"),
      fr: words("devise|monnaie"),
      de: words("hauswährung|währung|währungsschlüssel"),
    },
  },
  {
    name: "company_code_currency_value",
    kind: "amount",
    required: true,
    aliases: {
      en: words("amount in company code currency|company code currency value|amount|value|amount in lc|local amount"),
      nl: words("bedrag|waarde"),
      fr: words("montant|montant en devise société|valeur"),
      de: words("betrag in hauswährung|betrag|wert"),
    },
  },
  {
    name: "debit_credit_ind",
    kind: "code",
    required: false,
    knownValues: ["S", "H", "D", "C", "Debit", "Credit"],
    knownValuesLabel: "debit/credit indicators",
    aliases: {
      en: words("debit credit indicator|debit/credit|d/c|dc|debit credit|shkzg"),
      nl: words("debet credit|debet/credit"),
      fr: words("débit crédit|sens"),
      de: words("soll haben kennzeichen|soll/haben|s/h"),
    },
  },
  optional("ledger", "ledger|ldgr", "grootboek", "grand livre", "ledger"),
  optional("account_type", "account type|acct type", "rekeningsoort", "type de compte", "kontoart"),
  optional("region", "region|area", "regio", "région", "region"),
  optional(
    "profit_center_id",
    "profit center|profit centre|profit center id|prctr",
    "winstcentrum",
    "centre de profit",
  ),
  optional("profit_center_name", "profit center name|profit centre name"),
  {
    name: "cost_center_id",
    kind: "code",
    required: false,
    aliases: {
      en: words("cost center|cost centre|cost center id|cost ctr|kostl|cc"),
      nl: words("kostenplaats|kostencentrum"),
      fr: words("centre de coût|centre de coûts"),
      de: words("kostenstelle"),
    },
  },
  optional("cost_center_name", "cost center name|cost centre name|cost center description", "kostenplaatsnaam"),
  optional("directorate", "directorate|division|department", "directie|afdeling", "direction", "direktion"),
  optional("entity", "entity|legal entity", "entiteit", "entité", "einheit"),
  optional("remapping_directorate", "remapping directorate|remapped directorate"),
  optional(
    "functional_area",
    "functional area|func area|fkber",
    "functioneel gebied",
    "domaine fonctionnel",
    "funktionsbereich",
  ),
  optional("functional_area_name", "functional area name|functional area description"),
  {
    name: "general_ledger_account",
    kind: "code",
    required: false,
    aliases: {
      en: words("gl account|general ledger account|g/l account|account|hkont"),
      nl: words("grootboekrekening"),
      fr: words("compte général"),
      de: words("sachkonto"),
    },
  },
  optional(
    "general_ledger_account_name",
    "gl account name|general ledger account name|account name|account description",
    "rekeningnaam",
    "libellé du compte",
    "sachkontobezeichnung",
  ),
  optional("fund", "fund|fonds"),
  optional("supplier", "supplier|vendor|creditor|supplier name|vendor name", "leverancier", "fournisseur", "lieferant"),
  optional("reference", "reference|ref|document reference", "referentie", "référence", "referenz"),
  optional(
    "document_header_text",
    "document header text|header text|doc header text",
    "kopregeltekst",
    "texte d'en-tête",
    "belegkopftext",
  ),
  optional("po_description", "po description|purchase order description|po text", "omschrijving inkooporder"),
  optional("transaction", "transaction|transaction code|tcode", "transactie", "transaction", "transaktion"),
  optional("level_1", "level 1|level1|hierarchy level 1"),
  optional("level_7", "level 7|level7|hierarchy level 7"),
  optional("status", "status|posting status", "status", "statut", "status"),
];
