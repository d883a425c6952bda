// Conformance cases written compactly: one complete invoice that passes every rule named
// here, and mutations of it (text edits), each expected to break the named rules only. The
// harness judges them exactly like the official-format testSet files.

export interface MutationCase {
  readonly description: string;
  /** [text to find, its replacement]; each must occur in the document. */
  readonly edits: readonly (readonly [string, string])[];
  readonly error?: readonly string[];
  readonly warning?: readonly string[];
  readonly success?: readonly string[];
}

export interface MutationSet {
  readonly name: string;
  readonly base: string;
  /** Rules the unmodified base must pass. */
  readonly passes: readonly string[];
  readonly cases: readonly MutationCase[];
}

export function applyEdits(base: string, edits: MutationCase["edits"]): string {
  let text = base;
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`edit target not found: ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

const VAT_S = `<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>`;

/** Every optional business group EN 16931 has rules for, filled in correctly. */
export const FULL_INVOICE = `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>INV-2026-100</cbc:ID>
  <cbc:IssueDate>2026-03-01</cbc:IssueDate>
  <cbc:DueDate>2026-03-31</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cbc:TaxCurrencyCode>EUR</cbc:TaxCurrencyCode>
  <cbc:BuyerReference>PO-77</cbc:BuyerReference>
  <cac:InvoicePeriod><cbc:StartDate>2026-02-01</cbc:StartDate><cbc:EndDate>2026-02-28</cbc:EndDate></cac:InvoicePeriod>
  <cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>INV-2026-050</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>
  <cac:AdditionalDocumentReference><cbc:ID>TIMESHEET-2</cbc:ID></cac:AdditionalDocumentReference>
  <cac:AccountingSupplierParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0208">0123456749</cbc:EndpointID>
      <cac:PartyIdentification><cbc:ID>SELLER-1</cbc:ID></cac:PartyIdentification>
      <cac:PartyName><cbc:Name>Seller Trading</cbc:Name></cac:PartyName>
      <cac:PostalAddress><cbc:CityName>Gent</cbc:CityName><cac:Country><cbc:IdentificationCode>BE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
      <cac:PartyTaxScheme><cbc:CompanyID>BE0123456749</cbc:CompanyID>${VAT_S}</cac:PartyTaxScheme>
      <cac:PartyLegalEntity><cbc:RegistrationName>Seller NV</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0208">0987654321</cbc:EndpointID>
      <cac:PostalAddress><cbc:CityName>Leuven</cbc:CityName><cac:Country><cbc:IdentificationCode>BE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
      <cac:PartyLegalEntity><cbc:RegistrationName>Buyer BV</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingCustomerParty>
  <cac:PayeeParty>
    <cac:PartyIdentification><cbc:ID>PAYEE-9</cbc:ID></cac:PartyIdentification>
    <cac:PartyName><cbc:Name>Factoring Payee</cbc:Name></cac:PartyName>
  </cac:PayeeParty>
  <cac:TaxRepresentativeParty>
    <cac:PartyName><cbc:Name>Tax Rep SA</cbc:Name></cac:PartyName>
    <cac:PostalAddress><cbc:CityName>Lille</cbc:CityName><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>FR12345678901</cbc:CompanyID>${VAT_S}</cac:PartyTaxScheme>
  </cac:TaxRepresentativeParty>
  <cac:Delivery>
    <cbc:ActualDeliveryDate>2026-02-27</cbc:ActualDeliveryDate>
    <cac:DeliveryLocation><cac:Address><cbc:CityName>Brugge</cbc:CityName><cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country></cac:Address></cac:DeliveryLocation>
  </cac:Delivery>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cbc:PaymentID>+++123/4567/89002+++</cbc:PaymentID>
    <cac:PayeeFinancialAccount><cbc:ID>BE71096123456769</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>48</cbc:PaymentMeansCode>
    <cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID><cbc:NetworkID>VISA</cbc:NetworkID></cac:CardAccount>
  </cac:PaymentMeans>
  <cac:PaymentTerms><cbc:Note>30 days</cbc:Note></cac:PaymentTerms>
  <cac:AllowanceCharge>
    <cbc:ChargeIndicator>false</cbc:ChargeIndicator>
    <cbc:AllowanceChargeReason>Loyalty discount</cbc:AllowanceChargeReason>
    <cbc:Amount currencyID="EUR">10.00</cbc:Amount>
    <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent>${VAT_S}</cac:TaxCategory>
  </cac:AllowanceCharge>
  <cac:AllowanceCharge>
    <cbc:ChargeIndicator>true</cbc:ChargeIndicator>
    <cbc:AllowanceChargeReasonCode>FC</cbc:AllowanceChargeReasonCode>
    <cbc:Amount currencyID="EUR">20.00</cbc:Amount>
    <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent>${VAT_S}</cac:TaxCategory>
  </cac:AllowanceCharge>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="EUR">33.60</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="EUR">160.00</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="EUR">33.60</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent>${VAT_S}</cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">150.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">160.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">193.60</cbc:TaxInclusiveAmount>
    <cbc:AllowanceTotalAmount currencyID="EUR">10.00</cbc:AllowanceTotalAmount>
    <cbc:ChargeTotalAmount currencyID="EUR">20.00</cbc:ChargeTotalAmount>
    <cbc:PayableAmount currencyID="EUR">193.60</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="HUR">2</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
    <cac:InvoicePeriod><cbc:StartDate>2026-02-02</cbc:StartDate><cbc:EndDate>2026-02-03</cbc:EndDate></cac:InvoicePeriod>
    <cac:AllowanceCharge>
      <cbc:ChargeIndicator>false</cbc:ChargeIndicator>
      <cbc:AllowanceChargeReason>Volume</cbc:AllowanceChargeReason>
      <cbc:Amount currencyID="EUR">5.00</cbc:Amount>
    </cac:AllowanceCharge>
    <cac:AllowanceCharge>
      <cbc:ChargeIndicator>true</cbc:ChargeIndicator>
      <cbc:AllowanceChargeReason>Travel</cbc:AllowanceChargeReason>
      <cbc:Amount currencyID="EUR">5.00</cbc:Amount>
    </cac:AllowanceCharge>
    <cac:Item>
      <cbc:Name>Consulting</cbc:Name>
      <cac:StandardItemIdentification><cbc:ID schemeID="0160">5400000000003</cbc:ID></cac:StandardItemIdentification>
      <cac:CommodityClassification><cbc:ItemClassificationCode listID="STI">72000000</cbc:ItemClassificationCode></cac:CommodityClassification>
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent>${VAT_S}</cac:ClassifiedTaxCategory>
      <cac:AdditionalItemProperty><cbc:Name>Level</cbc:Name><cbc:Value>Senior</cbc:Value></cac:AdditionalItemProperty>
    </cac:Item>
    <cac:Price>
      <cbc:PriceAmount currencyID="EUR">50.00</cbc:PriceAmount>
      <cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:Amount currencyID="EUR">10.00</cbc:Amount><cbc:BaseAmount currencyID="EUR">60.00</cbc:BaseAmount></cac:AllowanceCharge>
    </cac:Price>
  </cac:InvoiceLine>
  <cac:InvoiceLine>
    <cbc:ID>2</cbc:ID>
    <cbc:InvoicedQuantity unitCode="C62">1</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">50.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Licence</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent>${VAT_S}</cac:ClassifiedTaxCategory></cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">50.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</Invoice>
`;

const range = (from: number, to: number, prefix = "BR-") =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${String(from + i).padStart(2, "0")}`);

const BUSINESS_GROUP_IDS = [...range(17, 33), ...range(36, 38), ...range(41, 57), ...range(61, 65), "BR-CO-17"];

export const BUSINESS_GROUP_CASES: MutationSet = {
  name: "EN 16931 business groups (BR-17..65, BR-CO-17)",
  base: FULL_INVOICE,
  passes: [...BUSINESS_GROUP_IDS, ...range(1, 16), ...range(10, 16, "BR-CO-"), ...range(1, 10, "BR-S-")],
  cases: [
    {
      description: "a payee named like the seller",
      edits: [["<cbc:Name>Factoring Payee</cbc:Name>", "<cbc:Name>Seller Trading</cbc:Name>"]],
      error: ["BR-17"],
    },
    {
      description: "a payee with the seller's identifier",
      edits: [["<cbc:ID>PAYEE-9</cbc:ID>", "<cbc:ID>SELLER-1</cbc:ID>"]],
      error: ["BR-17"],
    },
    {
      description: "a tax representative without a name",
      edits: [["<cbc:Name>Tax Rep SA</cbc:Name>", "<cbc:Name> </cbc:Name>"]],
      error: ["BR-18"],
      success: ["BR-19", "BR-20", "BR-56"],
    },
    {
      description: "a tax representative without an address",
      edits: [
        [`<cac:PostalAddress><cbc:CityName>Lille</cbc:CityName>`, `<cac:X><cbc:CityName>Lille</cbc:CityName>`],
        [
          "</cac:Country></cac:PostalAddress>\n    <cac:PartyTaxScheme><cbc:CompanyID>FR",
          "</cac:Country></cac:X>\n    <cac:PartyTaxScheme><cbc:CompanyID>FR",
        ],
      ],
      error: ["BR-19"],
      success: ["BR-20"],
    },
    {
      description: "a tax representative address without a country",
      edits: [
        ["<cbc:IdentificationCode>FR</cbc:IdentificationCode>", "<cbc:IdentificationCode></cbc:IdentificationCode>"],
      ],
      error: ["BR-20"],
      success: ["BR-19"],
    },
    {
      description: "a tax representative without a VAT identifier",
      edits: [["<cbc:CompanyID>FR12345678901</cbc:CompanyID>", ""]],
      error: ["BR-56"],
    },
    { description: "a line without an identifier", edits: [["<cbc:ID>2</cbc:ID>", "<cbc:ID/>"]], error: ["BR-21"] },
    {
      description: "a line without a quantity",
      edits: [[`<cbc:InvoicedQuantity unitCode="C62">1</cbc:InvoicedQuantity>`, ""]],
      error: ["BR-22", "BR-23"],
    },
    {
      description: "a quantity without a unit",
      edits: [[`<cbc:InvoicedQuantity unitCode="C62">1`, `<cbc:InvoicedQuantity>1`]],
      error: ["BR-23"],
      success: ["BR-22"],
    },
    {
      description: "a line without a net amount",
      edits: [
        [`<cbc:LineExtensionAmount currencyID="EUR">50.00</cbc:LineExtensionAmount>\n    <cac:Item>`, `<cac:Item>`],
      ],
      error: ["BR-24"],
    },
    {
      description: "a line without an item name",
      edits: [["<cbc:Name>Licence</cbc:Name>", ""]],
      error: ["BR-25"],
    },
    {
      description: "a line without a price",
      edits: [[`<cac:Price><cbc:PriceAmount currencyID="EUR">50.00</cbc:PriceAmount></cac:Price>`, ""]],
      error: ["BR-26", "BR-27"],
      success: ["BR-28"],
    },
    {
      description: "a negative net price",
      edits: [
        [`<cac:Price><cbc:PriceAmount currencyID="EUR">50.00`, `<cac:Price><cbc:PriceAmount currencyID="EUR">-50.00`],
      ],
      error: ["BR-27"],
      success: ["BR-26"],
    },
    {
      description: "a negative gross price",
      edits: [[`<cbc:BaseAmount currencyID="EUR">60.00`, `<cbc:BaseAmount currencyID="EUR">-60.00`]],
      error: ["BR-28"],
    },
    {
      description: "an invoicing period ending before it starts",
      edits: [["<cbc:EndDate>2026-02-28</cbc:EndDate>", "<cbc:EndDate>2026-01-28</cbc:EndDate>"]],
      error: ["BR-29"],
      success: ["BR-30"],
    },
    {
      description: "a line period ending before it starts (judged by BR-30 only)",
      edits: [["<cbc:EndDate>2026-02-03</cbc:EndDate>", "<cbc:EndDate>2026-02-01</cbc:EndDate>"]],
      error: ["BR-30"],
      success: ["BR-29"],
    },
    {
      description: "a document allowance without amount, category or reason",
      edits: [
        [
          `<cbc:AllowanceChargeReason>Loyalty discount</cbc:AllowanceChargeReason>\n    <cbc:Amount currencyID="EUR">10.00</cbc:Amount>\n    <cac:TaxCategory><cbc:ID>S</cbc:ID>`,
          `<cac:TaxCategory><cbc:ID>S</cbc:ID>`,
        ],
      ],
      error: ["BR-31", "BR-33"],
      success: ["BR-32", "BR-36", "BR-38"],
    },
    {
      description: "a document allowance without a VAT category code",
      edits: [
        [
          `<cbc:Amount currencyID="EUR">10.00</cbc:Amount>\n    <cac:TaxCategory><cbc:ID>S</cbc:ID>`,
          `<cbc:Amount currencyID="EUR">10.00</cbc:Amount>\n    <cac:TaxCategory>`,
        ],
      ],
      error: ["BR-32"],
      success: ["BR-31", "BR-33", "BR-37"],
    },
    {
      description: "a document charge without amount or reason",
      edits: [
        [
          `<cbc:AllowanceChargeReasonCode>FC</cbc:AllowanceChargeReasonCode>\n    <cbc:Amount currencyID="EUR">20.00</cbc:Amount>`,
          "",
        ],
      ],
      error: ["BR-36", "BR-38"],
      success: ["BR-31", "BR-33", "BR-37"],
    },
    {
      description: "a document charge without a VAT category code",
      edits: [
        [
          `<cbc:Amount currencyID="EUR">20.00</cbc:Amount>\n    <cac:TaxCategory><cbc:ID>S</cbc:ID>`,
          `<cbc:Amount currencyID="EUR">20.00</cbc:Amount>\n    <cac:TaxCategory>`,
        ],
      ],
      error: ["BR-37"],
      success: ["BR-32", "BR-36"],
    },
    {
      description: "a line allowance without amount or reason",
      edits: [
        [
          `<cbc:AllowanceChargeReason>Volume</cbc:AllowanceChargeReason>\n      <cbc:Amount currencyID="EUR">5.00</cbc:Amount>`,
          "",
        ],
      ],
      error: ["BR-41", "BR-42"],
      success: ["BR-43", "BR-44", "BR-31", "BR-33"],
    },
    {
      description: "a line charge without amount or reason",
      edits: [
        [
          `<cbc:AllowanceChargeReason>Travel</cbc:AllowanceChargeReason>\n      <cbc:Amount currencyID="EUR">5.00</cbc:Amount>`,
          "",
        ],
      ],
      error: ["BR-43", "BR-44"],
      success: ["BR-41", "BR-42", "BR-36", "BR-38"],
    },
    {
      description: "a VAT breakdown without taxable amount",
      edits: [[`<cbc:TaxableAmount currencyID="EUR">160.00</cbc:TaxableAmount>`, ""]],
      error: ["BR-45"],
      success: ["BR-46", "BR-47", "BR-48"],
    },
    {
      description: "a VAT breakdown without VAT amount",
      edits: [[`<cbc:TaxAmount currencyID="EUR">33.60</cbc:TaxAmount>\n      <cac:TaxCategory>`, `<cac:TaxCategory>`]],
      error: ["BR-46", "BR-CO-17"],
      success: ["BR-45"],
    },
    {
      description: "a VAT breakdown without category code or rate",
      edits: [
        [
          `<cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent>${VAT_S}</cac:TaxCategory>\n    </cac:TaxSubtotal>`,
          `<cac:TaxCategory>${VAT_S}</cac:TaxCategory>\n    </cac:TaxSubtotal>`,
        ],
      ],
      error: ["BR-47", "BR-48"],
      success: ["BR-45", "BR-46"],
    },
    {
      description: "a VAT breakdown whose VAT amount is not taxable amount times rate",
      edits: [
        [
          `<cbc:TaxAmount currencyID="EUR">33.60</cbc:TaxAmount>\n      <cac:TaxCategory>`,
          `<cbc:TaxAmount currencyID="EUR">31.60</cbc:TaxAmount>\n      <cac:TaxCategory>`,
        ],
      ],
      error: ["BR-CO-17"],
      success: ["BR-46"],
    },
    {
      description: "a VAT amount within the one-unit tolerance",
      edits: [
        [
          `<cbc:TaxAmount currencyID="EUR">33.60</cbc:TaxAmount>\n      <cac:TaxCategory>`,
          `<cbc:TaxAmount currencyID="EUR">34.50</cbc:TaxAmount>\n      <cac:TaxCategory>`,
        ],
      ],
      success: ["BR-CO-17"],
    },
    {
      description: "payment means without a type code",
      edits: [["<cbc:PaymentMeansCode>48</cbc:PaymentMeansCode>", ""]],
      error: ["BR-49"],
      success: ["BR-61"],
    },
    {
      description: "a credit transfer account without an identifier",
      edits: [["<cbc:ID>BE71096123456769</cbc:ID>", "<cbc:ID></cbc:ID>"]],
      error: ["BR-50"],
      success: ["BR-61"],
    },
    {
      description: "a credit transfer without an account",
      edits: [["<cac:PayeeFinancialAccount><cbc:ID>BE71096123456769</cbc:ID></cac:PayeeFinancialAccount>", ""]],
      error: ["BR-61"],
      success: ["BR-50"],
    },
    {
      description: "a full card number",
      edits: [["<cbc:PrimaryAccountNumberID>1234", "<cbc:PrimaryAccountNumberID>4111111111111234"]],
      warning: ["BR-51"],
    },
    {
      description: "a supporting document without a reference",
      edits: [["<cbc:ID>TIMESHEET-2</cbc:ID>", "<cbc:ID> </cbc:ID>"]],
      error: ["BR-52"],
    },
    {
      description: "a VAT accounting currency without a VAT total in it",
      edits: [["<cbc:TaxCurrencyCode>EUR</cbc:TaxCurrencyCode>", "<cbc:TaxCurrencyCode>USD</cbc:TaxCurrencyCode>"]],
      error: ["BR-53"],
    },
    {
      description: "an item attribute without a value",
      edits: [["<cbc:Value>Senior</cbc:Value>", ""]],
      error: ["BR-54"],
    },
    {
      description: "a preceding invoice reference without a number",
      edits: [["<cbc:ID>INV-2026-050</cbc:ID>", ""]],
      error: ["BR-55"],
    },
    {
      description: "a deliver-to address without a country",
      edits: [["<cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country>", ""]],
      error: ["BR-57"],
    },
    {
      description: "electronic addresses without scheme",
      edits: [
        [`<cbc:EndpointID schemeID="0208">0123456749`, `<cbc:EndpointID>0123456749`],
        [`<cbc:EndpointID schemeID="0208">0987654321`, `<cbc:EndpointID>0987654321`],
      ],
      error: ["BR-62", "BR-63"],
    },
    {
      description: "item identifier and classification without scheme",
      edits: [
        [`<cbc:ID schemeID="0160">`, `<cbc:ID>`],
        [`listID="STI"`, ``],
      ],
      error: ["BR-64", "BR-65"],
    },
    {
      description: "a credit note's credited quantity counts as the quantity",
      edits: [
        [
          '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"',
          '<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"',
        ],
        ["</Invoice>", "</CreditNote>"],
        ["<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>", "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"],
        ["<cac:InvoiceLine>", "<cac:CreditNoteLine>"],
        ["</cac:InvoiceLine>", "</cac:CreditNoteLine>"],
        ["<cac:InvoiceLine>", "<cac:CreditNoteLine>"],
        ["</cac:InvoiceLine>", "</cac:CreditNoteLine>"],
        [
          `<cbc:InvoicedQuantity unitCode="HUR">2</cbc:InvoicedQuantity>`,
          `<cbc:CreditedQuantity unitCode="HUR">2</cbc:CreditedQuantity>`,
        ],
        [
          `<cbc:InvoicedQuantity unitCode="C62">1</cbc:InvoicedQuantity>`,
          `<cbc:CreditedQuantity unitCode="C62">1</cbc:CreditedQuantity>`,
        ],
      ],
      success: ["BR-21", "BR-22", "BR-23", "BR-30", "BR-41", "BR-43"],
    },
  ],
};

export const MUTATION_SETS: readonly MutationSet[] = [BUSINESS_GROUP_CASES];
