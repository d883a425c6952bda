// Conformance cases for the Peppol BIS 3 national rules, one set per country: a Peppol
// invoice from a seller (and buyer) in that country passing every rule of the country, and
// mutations breaking one rule each (or the few a change breaks together, as the Schematron
// would). The official unit tests of OpenPEPPOL were run separately (docs/systems/invoices.md).
import type { MutationCase, MutationSet } from "./conformance-mutations.js";

const PEPPOL = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
const VAT = "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>";
const country = (code: string) => `<cac:Country><cbc:IdentificationCode>${code}</cbc:IdentificationCode></cac:Country>`;

function invoice(parts: { seller: string; buyer: string; head?: string; body?: string; lines?: string }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>${PEPPOL}</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  ${parts.head ?? "<cbc:ID>INV-1</cbc:ID><cbc:IssueDate>2026-03-01</cbc:IssueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"}
  <cac:AccountingSupplierParty><cac:Party>${parts.seller}</cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>${parts.buyer}</cac:Party></cac:AccountingCustomerParty>
  ${parts.body ?? ""}
  <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">100.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
  ${parts.lines ?? ""}
</Invoice>`;
}

/** Edits turning the invoice into a credit note (root, namespace, type code). */
const AS_CREDIT_NOTE: MutationCase["edits"] = [
  [
    '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"',
    '<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"',
  ],
  ["</Invoice>", "</CreditNote>"],
  ["<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>", "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"],
];

// ---- Norway ----

const NO_CASES: MutationSet = {
  name: "Peppol national rules: Norway (NO-R-*)",
  base: invoice({
    seller: `<cac:PostalAddress>${country("NO")}</cac:PostalAddress>
      <cac:PartyTaxScheme><cbc:CompanyID>NO991825827MVA</cbc:CompanyID>${VAT}</cac:PartyTaxScheme>
      <cac:PartyTaxScheme><cbc:CompanyID>Foretaksregisteret</cbc:CompanyID><cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>`,
    buyer: `<cac:PostalAddress>${country("NO")}</cac:PostalAddress>`,
  }),
  passes: ["NO-R-001", "NO-R-002"],
  cases: [
    { description: "wrong check digit", edits: [["NO991825827MVA", "NO991825828MVA"]], error: ["NO-R-001"] },
    { description: "no MVA suffix", edits: [["NO991825827MVA", "NO991825827"]], error: ["NO-R-001"] },
    {
      description: "a Swedish VAT number is not judged by NO-R-001 (and the seller is then Swedish)",
      edits: [["NO991825827MVA", "SE556036079301"]],
      success: ["NO-R-001", "NO-R-002"],
    },
    {
      description: "no Foretaksregisteret",
      edits: [["<cbc:CompanyID>Foretaksregisteret", "<cbc:CompanyID>Foretak"]],
      warning: ["NO-R-002"],
      success: ["NO-R-001"],
    },
  ],
};

// ---- Denmark ----

const DK_MEANS_31 = `<cac:PaymentMeans><cbc:PaymentMeansCode>31</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>1234567890</cbc:ID><cac:FinancialInstitutionBranch><cbc:ID>1234</cbc:ID></cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount></cac:PaymentMeans>`;
const DK_CASES: MutationSet = {
  name: "Peppol national rules: Denmark (DK-R-*)",
  base: invoice({
    seller: `<cac:PartyIdentification><cbc:ID schemeID="0184">12345678</cbc:ID></cac:PartyIdentification>
      <cac:PostalAddress>${country("DK")}</cac:PostalAddress>
      <cac:PartyLegalEntity><cbc:RegistrationName>Sælger A/S</cbc:RegistrationName><cbc:CompanyID schemeID="0184">12345678</cbc:CompanyID></cac:PartyLegalEntity>`,
    buyer: `<cac:PartyIdentification><cbc:ID schemeID="0184">87654321</cbc:ID></cac:PartyIdentification>
      <cac:PostalAddress><cbc:CityName>Aarhus</cbc:CityName>${country("DK")}</cac:PostalAddress>`,
    body: `${DK_MEANS_31}
      <cac:PaymentMeans><cbc:PaymentMeansCode>49</cbc:PaymentMeansCode><cac:PaymentMandate><cbc:ID>M-1</cbc:ID><cac:PayerFinancialAccount><cbc:ID>DK5000400440116243</cbc:ID></cac:PayerFinancialAccount></cac:PaymentMandate></cac:PaymentMeans>
      <cac:PaymentMeans><cbc:PaymentMeansCode>50</cbc:PaymentMeansCode><cbc:PaymentID>04#1234567890123456</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>1234567</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>
      <cac:PaymentMeans><cbc:PaymentMeansCode>93</cbc:PaymentMeansCode><cbc:PaymentID>71#123456789012345</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>12345678</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>
      <cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator><cbc:AllowanceChargeReasonCode>ZZZ</cbc:AllowanceChargeReasonCode><cbc:AllowanceChargeReason>0123</cbc:AllowanceChargeReason></cac:AllowanceCharge>`,
    lines: `<cac:InvoiceLine><cac:Item><cac:CommodityClassification><cbc:ItemClassificationCode listID="TST" listVersionID="19.05.01">43211503</cbc:ItemClassificationCode></cac:CommodityClassification></cac:Item></cac:InvoiceLine>`,
  }),
  passes: [
    ...["002", "003", "004", "005", "006", "007", "008", "009", "010", "011", "013", "014", "016"].map(
      (n) => `DK-R-${n}`,
    ),
  ],
  cases: [
    {
      description: "no CVR number",
      edits: [['<cbc:CompanyID schemeID="0184">12345678</cbc:CompanyID>', ""]],
      error: ["DK-R-002"],
      success: ["DK-R-014"],
    },
    {
      description: "CVR number in another scheme",
      edits: [['<cbc:CompanyID schemeID="0184">', '<cbc:CompanyID schemeID="0198">']],
      error: ["DK-R-014"],
      success: ["DK-R-002"],
    },
    {
      description: "a credit note with a positive total",
      edits: AS_CREDIT_NOTE,
      success: ["DK-R-016"],
    },
    {
      description: "a credit note with a negative total",
      edits: [...AS_CREDIT_NOTE, [">100.00</cbc:PayableAmount>", ">-5.00</cbc:PayableAmount>"]],
      error: ["DK-R-016"],
    },
    {
      description: "buyer identifier without a scheme",
      edits: [['<cbc:ID schemeID="0184">87654321</cbc:ID>', "<cbc:ID>87654321</cbc:ID>"]],
      error: ["DK-R-013"],
    },
    {
      description: "payment means 30 is not allowed",
      edits: [["<cbc:PaymentMeansCode>31</cbc:PaymentMeansCode>", "<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>"]],
      error: ["DK-R-005"],
      success: ["DK-R-006"],
    },
    {
      description: "payment means 31 without the registration number",
      edits: [["<cac:FinancialInstitutionBranch><cbc:ID>1234</cbc:ID></cac:FinancialInstitutionBranch>", ""]],
      error: ["DK-R-006"],
    },
    {
      description: "payment means 49 without the debited account",
      edits: [["<cac:PayerFinancialAccount><cbc:ID>DK5000400440116243</cbc:ID></cac:PayerFinancialAccount>", ""]],
      error: ["DK-R-007"],
    },
    {
      description: "Giro with an unknown card type",
      edits: [["04#1234567890123456", "02#1234567890123456"]],
      error: ["DK-R-008"],
      success: ["DK-R-009"],
    },
    {
      description: "Giro 04# without the 16-digit instruction id",
      edits: [["04#1234567890123456", "04#123"]],
      error: ["DK-R-009"],
      success: ["DK-R-008"],
    },
    {
      description: "FIK with a 7-character creditor number",
      edits: [["<cbc:ID>12345678</cbc:ID>", "<cbc:ID>1234567</cbc:ID>"]],
      error: ["DK-R-010"],
    },
    {
      description: "FIK 71# with a short instruction id",
      edits: [["71#123456789012345", "71#12345"]],
      error: ["DK-R-011"],
      success: ["DK-R-010"],
    },
    {
      description: "UNSPSC in an old version",
      edits: [['listVersionID="19.05.01"', 'listVersionID="18.0"']],
      warning: ["DK-R-003"],
    },
    {
      description: "non-VAT tax reason starting with #",
      edits: [[">0123</cbc:AllowanceChargeReason>", ">#12</cbc:AllowanceChargeReason>"]],
      error: ["DK-R-004"],
    },
    {
      description: "non-VAT tax reason with an inner #",
      edits: [[">0123</cbc:AllowanceChargeReason>", ">Afgift#12</cbc:AllowanceChargeReason>"]],
      success: ["DK-R-004"],
    },
    {
      description: "a foreign buyer: the domestic payment rules do not apply",
      edits: [
        [`<cbc:CityName>Aarhus</cbc:CityName>${country("DK")}`, `<cbc:CityName>Malmö</cbc:CityName>${country("SE")}`],
        ["<cbc:PaymentMeansCode>31</cbc:PaymentMeansCode>", "<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>"],
      ],
      success: ["DK-R-005", "DK-R-002"],
    },
  ],
};

// ---- Iceland ----

const IS_CASES: MutationSet = {
  name: "Peppol national rules: Iceland (IS-R-*)",
  base: invoice({
    head: "<cbc:ID>INV-1</cbc:ID><cbc:IssueDate>2026-03-01</cbc:IssueDate><cbc:DueDate>2026-03-31</cbc:DueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>",
    seller: `<cac:PostalAddress><cbc:StreetName>Laugavegur 1</cbc:StreetName><cbc:PostalZone>101</cbc:PostalZone>${country("IS")}</cac:PostalAddress>
      <cac:PartyLegalEntity><cbc:RegistrationName>Seljandi ehf</cbc:RegistrationName><cbc:CompanyID schemeID="0196">5101012340</cbc:CompanyID></cac:PartyLegalEntity>`,
    buyer: `<cac:PostalAddress><cbc:StreetName>Hverfisgata 2</cbc:StreetName><cbc:PostalZone>105</cbc:PostalZone>${country("IS")}</cac:PostalAddress>
      <cac:PartyLegalEntity><cbc:RegistrationName>Kaupandi ehf</cbc:RegistrationName><cbc:CompanyID schemeID="0196">4101012340</cbc:CompanyID></cac:PartyLegalEntity>`,
    body: `<cac:AdditionalDocumentReference><cbc:ID>2026-04-15</cbc:ID><cbc:DocumentDescription>EINDAGI</cbc:DocumentDescription></cac:AdditionalDocumentReference>
      <cac:PaymentMeans><cbc:PaymentMeansCode>9</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>010126123456</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>
      <cac:PaymentMeans><cbc:PaymentMeansCode>42</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>010126654321</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>`,
  }),
  passes: ["001", "002", "003", "004", "005", "006", "007", "008", "009", "010"].map((n) => `IS-R-${n}`),
  cases: [
    { description: "type code 386", edits: [[">380<", ">386<"]], warning: ["IS-R-001"] },
    {
      description: "seller legal id in another scheme",
      edits: [['schemeID="0196">5101012340', 'schemeID="0088">5101012340']],
      error: ["IS-R-002"],
    },
    {
      description: "seller without a street",
      edits: [["<cbc:StreetName>Laugavegur 1</cbc:StreetName>", ""]],
      error: ["IS-R-003"],
    },
    {
      description: "buyer legal id without a scheme",
      edits: [['<cbc:CompanyID schemeID="0196">4101012340', "<cbc:CompanyID>4101012340"]],
      error: ["IS-R-004"],
    },
    {
      description: "buyer without a post code",
      edits: [["<cbc:PostalZone>105</cbc:PostalZone>", ""]],
      error: ["IS-R-005"],
    },
    {
      description: "a foreign buyer: the buyer rules do not apply",
      edits: [
        [
          `<cbc:PostalZone>105</cbc:PostalZone>${country("IS")}`,
          `<cbc:PostalZone>105</cbc:PostalZone>${country("NO")}`,
        ],
        ['<cbc:CompanyID schemeID="0196">4101012340', "<cbc:CompanyID>4101012340"],
      ],
      success: ["IS-R-004", "IS-R-002"],
    },
    { description: "claim (9) with a short account", edits: [["010126123456", "0101"]], error: ["IS-R-006"] },
    { description: "transfer (42) with a short account", edits: [["010126654321", "01"]], error: ["IS-R-007"] },
    {
      description: "EINDAGI not a real date",
      edits: [["2026-04-15", "2026-04-31"]],
      error: ["IS-R-008"],
      success: ["IS-R-010"],
    },
    {
      description: "EINDAGI without a due date",
      edits: [["<cbc:DueDate>2026-03-31</cbc:DueDate>", ""]],
      error: ["IS-R-009", "IS-R-010"],
    },
    {
      description: "EINDAGI before the due date",
      edits: [["2026-04-15", "2026-03-15"]],
      error: ["IS-R-010"],
      success: ["IS-R-008"],
    },
  ],
};

// ---- Sweden ----

const SE_CASES: MutationSet = {
  name: "Peppol national rules: Sweden (SE-R-*)",
  base: invoice({
    seller: `<cac:PostalAddress>${country("SE")}</cac:PostalAddress>
      <cac:PartyTaxScheme><cbc:CompanyID>SE556036079301</cbc:CompanyID>${VAT}</cac:PartyTaxScheme>
      <cac:PartyTaxScheme><cbc:CompanyID>Godkänd för F-skatt</cbc:CompanyID><cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
      <cac:PartyLegalEntity><cbc:RegistrationName>Säljare AB</cbc:RegistrationName><cbc:CompanyID>5560360793</cbc:CompanyID></cac:PartyLegalEntity>`,
    buyer: `<cac:PostalAddress><cbc:CityName>Göteborg</cbc:CityName>${country("SE")}</cac:PostalAddress>`,
    body: `<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>12345678</cbc:ID><cac:FinancialInstitutionBranch><cbc:ID>SE:BANKGIRO</cbc:ID></cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount></cac:PaymentMeans>
      <cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>4711</cbc:ID><cac:FinancialInstitutionBranch><cbc:ID>SE:PLUSGIRO</cbc:ID></cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount></cac:PaymentMeans>
      <cac:TaxTotal><cac:TaxSubtotal><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent>${VAT}</cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>`,
  }),
  passes: ["001", "002", "003", "004", "005", "006", "007", "008", "009", "010", "011", "012", "013"].map(
    (n) => `SE-R-${n}`,
  ),
  cases: [
    {
      description: "VAT number of 13 characters",
      edits: [["SE556036079301", "SE55603607930"]],
      error: ["SE-R-001"],
      success: ["SE-R-002"],
    },
    {
      description: "VAT number not ending in digits",
      edits: [["SE556036079301", "SE5560360793AB"]],
      error: ["SE-R-002"],
      success: ["SE-R-001"],
    },
    {
      description: "organisation number with a letter",
      edits: [["<cbc:CompanyID>5560360793</cbc:CompanyID>", "<cbc:CompanyID>556036079X</cbc:CompanyID>"]],
      error: ["SE-R-003", "SE-R-013"],
      success: ["SE-R-004"],
    },
    {
      description: "organisation number of 11 digits (the Luhn check reads the first ten, as officially)",
      edits: [["<cbc:CompanyID>5560360793</cbc:CompanyID>", "<cbc:CompanyID>55603607931</cbc:CompanyID>"]],
      error: ["SE-R-004"],
      success: ["SE-R-003", "SE-R-013"],
    },
    {
      description: "organisation number with a wrong check digit",
      edits: [["<cbc:CompanyID>5560360793</cbc:CompanyID>", "<cbc:CompanyID>5560360794</cbc:CompanyID>"]],
      error: ["SE-R-013"],
      success: ["SE-R-003", "SE-R-004"],
    },
    { description: "F-skatt not stated", edits: [["Godkänd för F-skatt", "F-skatt"]], error: ["SE-R-005"] },
    {
      description: "F-skatt in capitals",
      edits: [["Godkänd för F-skatt", "GODKÄND FÖR F-SKATT"]],
      success: ["SE-R-005"],
    },
    {
      description: "standard rate of 21%",
      edits: [["<cbc:Percent>25</cbc:Percent>", "<cbc:Percent>21</cbc:Percent>"]],
      error: ["SE-R-006"],
    },
    {
      description: "Plusgiro account with a letter",
      edits: [["<cbc:ID>4711</cbc:ID>", "<cbc:ID>47A1</cbc:ID>"]],
      warning: ["SE-R-007"],
      success: ["SE-R-010"],
    },
    {
      description: "Plusgiro account of one digit",
      edits: [["<cbc:ID>4711</cbc:ID>", "<cbc:ID>4</cbc:ID>"]],
      warning: ["SE-R-010"],
      success: ["SE-R-007"],
    },
    {
      description: "Bankgiro account with a letter",
      edits: [["<cbc:ID>12345678</cbc:ID>", "<cbc:ID>1234567X</cbc:ID>"]],
      warning: ["SE-R-008"],
      success: ["SE-R-009"],
    },
    {
      description: "Bankgiro account of six digits",
      edits: [["<cbc:ID>12345678</cbc:ID>", "<cbc:ID>123456</cbc:ID>"]],
      warning: ["SE-R-009"],
      success: ["SE-R-008"],
    },
    {
      description: "Giro as payment means 50",
      edits: [["<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>", "<cbc:PaymentMeansCode>50</cbc:PaymentMeansCode>"]],
      warning: ["SE-R-011"],
    },
    {
      description: "domestic transfer as payment means 31",
      edits: [["<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>", "<cbc:PaymentMeansCode>31</cbc:PaymentMeansCode>"]],
      warning: ["SE-R-012"],
    },
    {
      description: "payment means 31 to a foreign buyer",
      edits: [
        ["<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>", "<cbc:PaymentMeansCode>31</cbc:PaymentMeansCode>"],
        [`<cbc:CityName>Göteborg</cbc:CityName>${country("SE")}`, `<cbc:CityName>Oslo</cbc:CityName>${country("NO")}`],
      ],
      success: ["SE-R-012"],
    },
  ],
};

// ---- Greece ----

const GR_SELLER_TIN = "094012348";
const GR_BUYER_TIN = "800123456";
const GR_ID = `${GR_SELLER_TIN}|01/03/2026|0|1.1|A|1234`;
const GR_URL = `<cac:AdditionalDocumentReference><cbc:ID>URL-1</cbc:ID><cbc:DocumentDescription>##INVOICE|URL##</cbc:DocumentDescription><cac:Attachment><cac:ExternalReference><cbc:URI>https://mydata.example/1</cbc:URI></cac:ExternalReference></cac:Attachment></cac:AdditionalDocumentReference>`;
const GR_CASES: MutationSet = {
  name: "Peppol national rules: Greece (GR-R-*, GR-S-*)",
  base: invoice({
    head: `<cbc:ID>${GR_ID}</cbc:ID><cbc:IssueDate>2026-03-01</cbc:IssueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>`,
    seller: `<cbc:EndpointID schemeID="9933">${GR_SELLER_TIN}</cbc:EndpointID>
      <cac:PartyName><cbc:Name>Pólitis AE</cbc:Name></cac:PartyName>
      <cac:PostalAddress>${country("GR")}</cac:PostalAddress>
      <cac:PartyTaxScheme><cbc:CompanyID>EL${GR_SELLER_TIN}</cbc:CompanyID>${VAT}</cac:PartyTaxScheme>`,
    buyer: `<cbc:EndpointID schemeID="9933">${GR_BUYER_TIN}</cbc:EndpointID>
      <cac:PartyName><cbc:Name>Agorastís EPE</cbc:Name></cac:PartyName>
      <cac:PostalAddress>${country("GR")}</cac:PostalAddress>
      <cac:PartyTaxScheme><cbc:CompanyID>EL${GR_BUYER_TIN}</cbc:CompanyID>${VAT}</cac:PartyTaxScheme>`,
    body: `<cac:AdditionalDocumentReference><cbc:ID>400001</cbc:ID><cbc:DocumentDescription>##M.AR.K##</cbc:DocumentDescription></cac:AdditionalDocumentReference>
      ${GR_URL}`,
  }),
  passes: [
    ...["1", "2", "3", "4", "5", "6", "7"].map((n) => `GR-R-001-${n}`),
    ...["GR-R-002", "GR-R-003", "GR-R-004-1", "GR-R-004-2", "GR-R-005", "GR-R-006", "GR-R-008-2", "GR-R-008-3"],
    ...["GR-R-009", "GR-R-010", "GR-S-008-1", "GR-S-011"],
  ],
  cases: [
    { description: "seven segments", edits: [[`${GR_ID}<`, `${GR_ID}|X<`]], error: ["GR-R-001-1"] },
    {
      description: "first segment another valid TIN",
      edits: [[`<cbc:ID>${GR_SELLER_TIN}|`, "<cbc:ID>998877666|"]],
      error: ["GR-R-001-2"],
    },
    {
      description: "date segment not the issue date",
      edits: [["|01/03/2026|", "|02/03/2026|"]],
      error: ["GR-R-001-3"],
    },
    { description: "negative serial number", edits: [["|0|1.1|", "|-1|1.1|"]], error: ["GR-R-001-4"] },
    { description: "unknown document type", edits: [["|1.1|", "|9.9|"]], error: ["GR-R-001-5"] },
    { description: "empty fifth segment", edits: [["|A|", "||"]], error: ["GR-R-001-6"], success: ["GR-R-001-1"] },
    { description: "empty sixth segment", edits: [["|1234<", "|<"]], error: ["GR-R-001-7"], success: ["GR-R-001-1"] },
    {
      description: "seller without a name",
      edits: [["<cac:PartyName><cbc:Name>Pólitis AE</cbc:Name></cac:PartyName>", ""]],
      error: ["GR-R-002"],
    },
    {
      description: "two VAT numbers",
      edits: [
        [
          "</cac:PartyTaxScheme>",
          `</cac:PartyTaxScheme><cac:PartyTaxScheme><cbc:CompanyID>EL${GR_SELLER_TIN}</cbc:CompanyID>${VAT}</cac:PartyTaxScheme>`,
        ],
      ],
      warning: ["GR-S-011"],
      success: ["GR-R-003"],
    },
    {
      description: "VAT number prefixed GR",
      edits: [[`<cbc:CompanyID>EL${GR_SELLER_TIN}`, `<cbc:CompanyID>GR${GR_SELLER_TIN}`]],
      error: ["GR-R-003"],
      warning: ["GR-S-011"],
    },
    {
      description: "no MARK",
      edits: [["<cbc:DocumentDescription>##M.AR.K##", "<cbc:DocumentDescription>MARK"]],
      error: ["GR-R-004-1"],
    },
    {
      description: "MARK starting with 0",
      edits: [["<cbc:ID>400001</cbc:ID>", "<cbc:ID>0400001</cbc:ID>"]],
      error: ["GR-R-004-2"],
    },
    { description: "no invoice URL", edits: [[GR_URL, ""]], warning: ["GR-S-008-1"], success: ["GR-R-008-2"] },
    {
      description: "two invoice URLs",
      edits: [[GR_URL, GR_URL + GR_URL]],
      error: ["GR-R-008-2"],
      warning: ["GR-S-008-1"],
    },
    {
      description: "invoice URL without the URI",
      edits: [
        [
          "<cac:Attachment><cac:ExternalReference><cbc:URI>https://mydata.example/1</cbc:URI></cac:ExternalReference></cac:Attachment>",
          "",
        ],
      ],
      error: ["GR-R-008-3"],
    },
    {
      description: "buyer without a name",
      edits: [["<cac:PartyName><cbc:Name>Agorastís EPE</cbc:Name></cac:PartyName>", ""]],
      error: ["GR-R-005"],
    },
    {
      description: "seller endpoint in another scheme",
      edits: [[`<cbc:EndpointID schemeID="9933">${GR_SELLER_TIN}`, `<cbc:EndpointID schemeID="0088">${GR_SELLER_TIN}`]],
      error: ["GR-R-009"],
    },
    {
      description: "buyer VAT number with a wrong check digit",
      edits: [[`<cbc:CompanyID>EL${GR_BUYER_TIN}`, "<cbc:CompanyID>EL800123457"]],
      error: ["GR-R-006"],
    },
    {
      description: "buyer endpoint with a wrong check digit",
      edits: [[`<cbc:EndpointID schemeID="9933">${GR_BUYER_TIN}`, '<cbc:EndpointID schemeID="9933">800123457']],
      error: ["GR-R-010"],
    },
    {
      description: "a foreign buyer: the buyer VAT and endpoint rules do not apply",
      edits: [
        [`<cbc:EndpointID schemeID="9933">${GR_BUYER_TIN}`, '<cbc:EndpointID schemeID="0088">800123457'],
        [`<cbc:CompanyID>EL${GR_BUYER_TIN}`, "<cbc:CompanyID>DE123456789"],
      ],
      success: ["GR-R-006", "GR-R-010"],
    },
  ],
};

// ---- Italy ----

const IT_CASES: MutationSet = {
  name: "Peppol national rules: Italy (IT-R-*)",
  base: invoice({
    seller: `<cac:PostalAddress><cbc:StreetName>Via Roma 1</cbc:StreetName><cbc:CityName>Milano</cbc:CityName><cbc:PostalZone>20121</cbc:PostalZone>${country("IT")}</cac:PostalAddress>
      <cac:PartyTaxScheme><cbc:CompanyID>IT01234567897</cbc:CompanyID>${VAT}</cac:PartyTaxScheme>
      <cac:PartyTaxScheme><cbc:CompanyID>RSSMRA85T10A562S</cbc:CompanyID><cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>`,
    buyer: `<cac:PostalAddress>${country("IT")}</cac:PostalAddress>`,
  }),
  passes: ["IT-R-001", "IT-R-002", "IT-R-003", "IT-R-004"],
  cases: [
    { description: "tax registration too short", edits: [["RSSMRA85T10A562S", "RSSMRA85"]], error: ["IT-R-001"] },
    {
      description: "tax registration in lower case",
      edits: [["RSSMRA85T10A562S", "rssmra85t10a562s"]],
      error: ["IT-R-001"],
    },
    { description: "no street", edits: [["<cbc:StreetName>Via Roma 1</cbc:StreetName>", ""]], error: ["IT-R-002"] },
    { description: "no city", edits: [["<cbc:CityName>Milano</cbc:CityName>", ""]], error: ["IT-R-003"] },
    { description: "no post code", edits: [["<cbc:PostalZone>20121</cbc:PostalZone>", ""]], error: ["IT-R-004"] },
    {
      description: "a German VAT number makes the seller German",
      edits: [
        ["IT01234567897", "DE123456789"],
        ["<cbc:PostalZone>20121</cbc:PostalZone>", ""],
      ],
      success: ["IT-R-004"],
    },
  ],
};

// ---- The Netherlands ----

const NL_CASES: MutationSet = {
  name: "Peppol national rules: the Netherlands (NL-R-*)",
  base: invoice({
    head: `<cbc:ID>INV-1</cbc:ID><cbc:IssueDate>2026-03-01</cbc:IssueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
      <cac:OrderReference><cbc:ID>PO-1</cbc:ID></cac:OrderReference>
      <cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>INV-0</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>`,
    seller: `<cac:PostalAddress><cbc:StreetName>Damrak 1</cbc:StreetName><cbc:CityName>Amsterdam</cbc:CityName><cbc:PostalZone>1012 LG</cbc:PostalZone>${country("NL")}</cac:PostalAddress>
      <cac:PartyLegalEntity><cbc:RegistrationName>Verkoper BV</cbc:RegistrationName><cbc:CompanyID schemeID="0106">12345678</cbc:CompanyID></cac:PartyLegalEntity>`,
    buyer: `<cac:PostalAddress><cbc:StreetName>Coolsingel 2</cbc:StreetName><cbc:CityName>Rotterdam</cbc:CityName><cbc:PostalZone>3011 AD</cbc:PostalZone>${country("NL")}</cac:PostalAddress>
      <cac:PartyLegalEntity><cbc:RegistrationName>Koper BV</cbc:RegistrationName><cbc:CompanyID schemeID="0190">00000001234567890000</cbc:CompanyID></cac:PartyLegalEntity>`,
    body: `<cac:TaxRepresentativeParty><cac:PostalAddress><cbc:StreetName>Neude 3</cbc:StreetName><cbc:CityName>Utrecht</cbc:CityName><cbc:PostalZone>3512 AE</cbc:PostalZone>${country("NL")}</cac:PostalAddress></cac:TaxRepresentativeParty>
      <cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode></cac:PaymentMeans>`,
    lines: `<cac:InvoiceLine><cbc:ID>1</cbc:ID><cac:OrderLineReference><cbc:LineID>3</cbc:LineID></cac:OrderLineReference></cac:InvoiceLine>`,
  }),
  passes: ["001", "002", "003", "004", "005", "006", "007", "008", "009"].map((n) => `NL-R-${n}`),
  cases: [
    { description: "a credit note referring to an invoice", edits: AS_CREDIT_NOTE, success: ["NL-R-001"] },
    {
      description: "a credit note without an invoice reference",
      edits: [
        ...AS_CREDIT_NOTE,
        ["<cac:InvoiceDocumentReference><cbc:ID>INV-0</cbc:ID></cac:InvoiceDocumentReference>", ""],
      ],
      error: ["NL-R-001"],
    },
    {
      description: "seller without a street",
      edits: [["<cbc:StreetName>Damrak 1</cbc:StreetName>", ""]],
      error: ["NL-R-002"],
    },
    {
      description: "seller registered in scheme 0208",
      edits: [['schemeID="0106"', 'schemeID="0208"']],
      error: ["NL-R-003"],
    },
    {
      description: "buyer without a city",
      edits: [["<cbc:CityName>Rotterdam</cbc:CityName>", ""]],
      error: ["NL-R-004"],
    },
    { description: "buyer registration without a scheme", edits: [[' schemeID="0190"', ""]], error: ["NL-R-005"] },
    {
      description: "tax representative without a post code",
      edits: [["<cbc:PostalZone>3512 AE</cbc:PostalZone>", ""]],
      error: ["NL-R-006"],
    },
    {
      description: "no payment means for an amount due",
      edits: [["<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode></cac:PaymentMeans>", ""]],
      error: ["NL-R-007"],
      success: ["NL-R-008"],
    },
    {
      description: "no payment means and nothing due",
      edits: [
        ["<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode></cac:PaymentMeans>", ""],
        [">100.00<", ">0.00<"],
      ],
      success: ["NL-R-007"],
    },
    {
      description: "payment means 31",
      edits: [[">30</cbc:PaymentMeansCode>", ">31</cbc:PaymentMeansCode>"]],
      error: ["NL-R-008"],
    },
    {
      description: "order line reference without an order",
      edits: [["<cac:OrderReference><cbc:ID>PO-1</cbc:ID></cac:OrderReference>", ""]],
      error: ["NL-R-009"],
    },
  ],
};

// ---- Germany ----

const DE_58 = `<cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>DE89 3704 0044 0532 0130 00</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>`;
const DE_48 = `<cac:PaymentMeans><cbc:PaymentMeansCode>48</cbc:PaymentMeansCode><cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID><cbc:NetworkID>VISA</cbc:NetworkID></cac:CardAccount></cac:PaymentMeans>`;
const DE_59 = `<cac:PaymentMeans><cbc:PaymentMeansCode>59</cbc:PaymentMeansCode><cac:PaymentMandate><cbc:ID>MANDATE-1</cbc:ID><cac:PayerFinancialAccount><cbc:ID>DE75512108001245126199</cbc:ID></cac:PayerFinancialAccount></cac:PaymentMandate></cac:PaymentMeans>`;
const DE_CONTACT =
  "<cac:Contact><cbc:Name>Frau Muster</cbc:Name><cbc:Telephone>+49 30 123456</cbc:Telephone><cbc:ElectronicMail>rechnung@verkaeufer.de</cbc:ElectronicMail></cac:Contact>";
const CARD = "<cac:CardAccount><cbc:PrimaryAccountNumberID>9</cbc:PrimaryAccountNumberID></cac:CardAccount>";
const DE_CASES: MutationSet = {
  name: "Peppol national rules: Germany (DE-R-*)",
  base: invoice({
    head: `<cbc:ID>INV-1</cbc:ID><cbc:IssueDate>2026-03-01</cbc:IssueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
      <cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>
      <cac:AdditionalDocumentReference><cbc:ID>A1</cbc:ID><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="a.pdf">QQ==</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>
      <cac:AdditionalDocumentReference><cbc:ID>A2</cbc:ID><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="b.pdf">QQ==</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>`,
    seller: `<cac:PartyIdentification><cbc:ID schemeID="SEPA">DE98ZZZ09999999999</cbc:ID></cac:PartyIdentification>
      <cac:PostalAddress><cbc:CityName>Berlin</cbc:CityName><cbc:PostalZone>10115</cbc:PostalZone>${country("DE")}</cac:PostalAddress>
      <cac:PartyTaxScheme><cbc:CompanyID>DE123456789</cbc:CompanyID>${VAT}</cac:PartyTaxScheme>
      ${DE_CONTACT}`,
    buyer: `<cac:PostalAddress><cbc:CityName>München</cbc:CityName><cbc:PostalZone>80331</cbc:PostalZone>${country("DE")}</cac:PostalAddress>`,
    body: `<cac:Delivery><cac:DeliveryLocation><cac:Address><cbc:CityName>Hamburg</cbc:CityName><cbc:PostalZone>20095</cbc:PostalZone>${country("DE")}</cac:Address></cac:DeliveryLocation></cac:Delivery>
      ${DE_58}
      ${DE_48}
      ${DE_59}
      <cac:PaymentTerms><cbc:Note>#SKONTO#TAGE=7#PROZENT=2.00#
</cbc:Note></cac:PaymentTerms>
      <cac:TaxTotal><cac:TaxSubtotal><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent>${VAT}</cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>`,
    lines: `<cac:InvoiceLine><cbc:ID>1</cbc:ID><cac:Item><cbc:Name>Beratung</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent>${VAT}</cac:ClassifiedTaxCategory></cac:Item></cac:InvoiceLine>`,
  }),
  passes: [
    ...["001", "002", "003", "004", "005", "006", "007", "008", "009", "010", "011", "014", "015", "016", "017", "018"],
    ...["019", "020", "022", "023-1", "023-2", "024-1", "024-2", "025-1", "025-2", "026", "027", "028", "030", "031"],
  ].map((n) => `DE-R-${n}`),
  cases: [
    {
      description: "no payment instructions",
      edits: [
        [DE_58, ""],
        [DE_48, ""],
        [DE_59, ""],
      ],
      error: ["DE-R-001"],
      success: ["DE-R-030"],
    },
    { description: "no seller contact", edits: [[DE_CONTACT, ""]], error: ["DE-R-002"] },
    { description: "no seller city", edits: [["<cbc:CityName>Berlin</cbc:CityName>", ""]], error: ["DE-R-003"] },
    {
      description: "no seller post code",
      edits: [["<cbc:PostalZone>10115</cbc:PostalZone>", ""]],
      error: ["DE-R-004"],
    },
    { description: "no contact name", edits: [["<cbc:Name>Frau Muster</cbc:Name>", ""]], error: ["DE-R-005"] },
    {
      description: "no contact telephone",
      edits: [["<cbc:Telephone>+49 30 123456</cbc:Telephone>", ""]],
      error: ["DE-R-006"],
      warning: ["DE-R-027"],
    },
    {
      description: "no contact e-mail",
      edits: [["<cbc:ElectronicMail>rechnung@verkaeufer.de</cbc:ElectronicMail>", ""]],
      error: ["DE-R-007"],
      warning: ["DE-R-028"],
    },
    {
      description: "telephone of two digits",
      edits: [["+49 30 123456", "+4"]],
      warning: ["DE-R-027"],
      success: ["DE-R-006"],
    },
    {
      description: "e-mail ending with a dot before @",
      edits: [["rechnung@verkaeufer.de", "rechnung.@verkaeufer"]],
      warning: ["DE-R-028"],
      success: ["DE-R-007"],
    },
    { description: "no buyer city", edits: [["<cbc:CityName>München</cbc:CityName>", ""]], error: ["DE-R-008"] },
    { description: "no buyer post code", edits: [["<cbc:PostalZone>80331</cbc:PostalZone>", ""]], error: ["DE-R-009"] },
    { description: "no delivery city", edits: [["<cbc:CityName>Hamburg</cbc:CityName>", ""]], error: ["DE-R-010"] },
    {
      description: "no delivery post code",
      edits: [["<cbc:PostalZone>20095</cbc:PostalZone>", ""]],
      error: ["DE-R-011"],
    },
    {
      description: "VAT breakdown without a rate",
      edits: [
        ["<cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent>", "<cac:TaxCategory><cbc:ID>S</cbc:ID>"],
      ],
      error: ["DE-R-014"],
    },
    {
      description: "no buyer reference",
      edits: [["<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>", ""]],
      error: ["DE-R-015"],
    },
    {
      description: "standard rate without the seller's VAT number",
      edits: [[`<cac:PartyTaxScheme><cbc:CompanyID>DE123456789</cbc:CompanyID>${VAT}</cac:PartyTaxScheme>`, ""]],
      error: ["DE-R-016"],
    },
    { description: "type code 388", edits: [[">380<", ">388<"]], warning: ["DE-R-017"] },
    {
      description: "Skonto percentage without decimals",
      edits: [["PROZENT=2.00#", "PROZENT=2#"]],
      error: ["DE-R-018"],
    },
    {
      description: "Skonto without the closing line break",
      edits: [["PROZENT=2.00#\n</cbc:Note>", "PROZENT=2.00#</cbc:Note>"]],
      error: ["DE-R-018"],
    },
    {
      description: "SEPA transfer to an invalid IBAN",
      edits: [["DE89 3704 0044 0532 0130 00", "DE88 3704 0044 0532 0130 00"]],
      warning: ["DE-R-019"],
    },
    {
      description: "SEPA direct debit from an invalid IBAN",
      edits: [["DE75512108001245126199", "DE75512108001245126198"]],
      warning: ["DE-R-020"],
      success: ["DE-R-031"],
    },
    {
      description: "two attachments with one name",
      edits: [['filename="b.pdf"', 'filename="a.pdf"']],
      error: ["DE-R-022"],
    },
    {
      description: "credit transfer without the account",
      edits: [
        ["<cac:PayeeFinancialAccount><cbc:ID>DE89 3704 0044 0532 0130 00</cbc:ID></cac:PayeeFinancialAccount>", ""],
      ],
      error: ["DE-R-023-1"],
      warning: ["DE-R-019"],
    },
    {
      description: "credit transfer with a card",
      edits: [["0130 00</cbc:ID></cac:PayeeFinancialAccount>", `0130 00</cbc:ID></cac:PayeeFinancialAccount>${CARD}`]],
      error: ["DE-R-023-2"],
    },
    {
      description: "card payment without the card",
      edits: [
        [
          "<cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID><cbc:NetworkID>VISA</cbc:NetworkID></cac:CardAccount>",
          "",
        ],
      ],
      error: ["DE-R-024-1"],
    },
    {
      description: "card payment with an account",
      edits: [
        [
          "<cbc:NetworkID>VISA</cbc:NetworkID></cac:CardAccount>",
          "<cbc:NetworkID>VISA</cbc:NetworkID></cac:CardAccount><cac:PayeeFinancialAccount><cbc:ID>X</cbc:ID></cac:PayeeFinancialAccount>",
        ],
      ],
      error: ["DE-R-024-2"],
    },
    {
      description: "direct debit code without the mandate",
      edits: [[DE_59, "<cac:PaymentMeans><cbc:PaymentMeansCode>59</cbc:PaymentMeansCode></cac:PaymentMeans>"]],
      error: ["DE-R-025-1"],
      success: ["DE-R-030", "DE-R-031"],
    },
    {
      description: "direct debit with a card",
      edits: [["</cac:PaymentMandate></cac:PaymentMeans>", `</cac:PaymentMandate>${CARD}</cac:PaymentMeans>`]],
      error: ["DE-R-025-2"],
    },
    {
      description: "corrected invoice without the preceding one",
      edits: [[">380<", ">384<"]],
      warning: ["DE-R-026"],
      success: ["DE-R-017"],
    },
    {
      description: "direct debit without the creditor id",
      edits: [
        ['<cac:PartyIdentification><cbc:ID schemeID="SEPA">DE98ZZZ09999999999</cbc:ID></cac:PartyIdentification>', ""],
      ],
      error: ["DE-R-030"],
    },
    {
      description: "direct debit without the debited account",
      edits: [["<cac:PayerFinancialAccount><cbc:ID>DE75512108001245126199</cbc:ID></cac:PayerFinancialAccount>", ""]],
      error: ["DE-R-031"],
      warning: ["DE-R-020"],
    },
    {
      description: "a foreign buyer: the German rules do not apply",
      edits: [
        [
          `<cbc:PostalZone>80331</cbc:PostalZone>${country("DE")}`,
          `<cbc:PostalZone>80331</cbc:PostalZone>${country("AT")}`,
        ],
        ["<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>", ""],
      ],
      success: ["DE-R-015", "DE-R-001"],
    },
  ],
};

export const NATIONAL_MUTATION_SETS: readonly MutationSet[] = [
  NO_CASES,
  DK_CASES,
  IS_CASES,
  SE_CASES,
  GR_CASES,
  IT_CASES,
  NL_CASES,
  DE_CASES,
];
