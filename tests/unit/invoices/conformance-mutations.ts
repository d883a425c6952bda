// Conformance cases written compactly: one complete invoice that passes every rule named
// here, and mutations of it (text edits), each expected to break the named rules only. The
// harness judges them exactly like the official-format testSet files.

import { FORBIDDEN_ELEMENTS } from "../../../shared/systems/invoices/index.js";

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

const crId = (n: number) => `UBL-CR-${String(n).padStart(3, "0")}`;
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
    <cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID><cbc:NetworkID>VISA</cbc:NetworkID></cac:CardAccount>
    <cac:PayeeFinancialAccount><cbc:ID>BE71096123456769</cbc:ID></cac:PayeeFinancialAccount>
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
      edits: [["<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>", ""]],
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

/**
 * Each UBL-CR "element not used" rule: the base passes it, and the base with that element
 * (or attribute) added where the official path says must warn. The element is added at the
 * end of the document or of the first line; order does not matter to these rules.
 */
function withForbidden(path: string): MutationCase["edits"] {
  const anywhere = path.startsWith("//");
  const steps = (anywhere ? path.slice(2) : path).split("/");
  const attribute = steps[steps.length - 1]!.startsWith("@") ? steps.pop()!.slice(1) : undefined;
  const inLine = steps[0] === "$line";
  if (inLine) steps.shift();
  let xml = "x";
  steps.forEach((step, i) => {
    const attr = attribute && i === steps.length - 1 ? ` ${attribute}="x"` : "";
    xml = xml.replace(/x$|x(?=<)/, `<${step}${attr}>x</${step}>`);
  });
  return inLine ? [["</cac:InvoiceLine>", `${xml}</cac:InvoiceLine>`]] : [["</Invoice>", `${xml}</Invoice>`]];
}

const SYNTAX_BASE = FULL_INVOICE.replace(
  "<Invoice ",
  '<Invoice xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2" ',
);

export const FORBIDDEN_ELEMENT_CASES: MutationSet = {
  name: "UBL-CR (elements EN 16931 does not use)",
  base: SYNTAX_BASE,
  passes: FORBIDDEN_ELEMENTS.map(([n]) => crId(n)),
  cases: FORBIDDEN_ELEMENTS.map(([n, path]) => ({
    description: `${crId(n)} ${path}`,
    edits: withForbidden(path),
    warning: [crId(n)],
  })),
};

const atEnd = (xml: string) => ["</Invoice>", `${xml}</Invoice>`] as const;
const inLine = (xml: string) => ["</cac:InvoiceLine>", `${xml}</cac:InvoiceLine>`] as const;
const doubled = (xml: string) => [xml, `${xml}${xml}`] as const;
const SUPPLIER_PARTY = "<cac:PartyIdentification><cbc:ID>SELLER-1</cbc:ID></cac:PartyIdentification>";
const CUSTOMER_PARTY = `<cbc:EndpointID schemeID="0208">0987654321</cbc:EndpointID>`;
const PAYEE = "<cac:PayeeParty>";
const TAX_REP = "<cac:TaxRepresentativeParty>";
const MEANS = "<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>";
const LINE_ITEM = "<cbc:Name>Consulting</cbc:Name>";
const UNUSED_ATTRIBUTES = [
  "schemeName",
  "schemeAgencyName",
  "schemeDataURI",
  "schemeURI",
  "format",
  "unitCodeListIdentifier",
  "unitCodeListAgencyIdentifier",
  "unitCodeListAgencyName",
  "listAgencyName",
  "listName",
  "name",
  "languageID",
  "listURI",
  "listSchemeURI",
  "languageLocaleID",
  "uri",
  "currencyCodeListVersionID",
  "characterSetCode",
  "encodingCode",
  "schemeAgencyID",
  "listAgencyID",
];
const dtId = (n: number) => `UBL-DT-${String(n).padStart(2, "0")}`;
const SR_IDS = [...range(1, 37, "UBL-SR-"), ...range(39, 40, "UBL-SR-"), ...range(42, 56, "UBL-SR-")].filter(
  (id) => id !== "UBL-SR-38",
);

export const STRUCTURE_CASES: MutationSet = {
  name: "UBL-SR and UBL-DT (cardinalities and data types)",
  base: FULL_INVOICE,
  passes: [
    ...SR_IDS,
    "UBL-DT-01",
    "UBL-DT-06",
    "UBL-DT-07",
    ...range(8, 28, "UBL-DT-"),
    "UBL-CR-002",
    "UBL-CR-412",
    "UBL-CR-663",
    "UBL-CR-665",
    "UBL-CR-666",
    "UBL-CR-673",
  ],
  cases: [
    ...(
      [
        [
          "UBL-SR-01",
          "<cac:ContractDocumentReference><cbc:ID>C1</cbc:ID><cbc:ID>C2</cbc:ID></cac:ContractDocumentReference>",
        ],
        [
          "UBL-SR-02",
          "<cac:ReceiptDocumentReference><cbc:ID>R1</cbc:ID></cac:ReceiptDocumentReference><cac:ReceiptDocumentReference><cbc:ID>R2</cbc:ID></cac:ReceiptDocumentReference>",
        ],
        [
          "UBL-SR-03",
          "<cac:DespatchDocumentReference><cbc:ID>D1</cbc:ID><cbc:ID>D2</cbc:ID></cac:DespatchDocumentReference>",
        ],
        [
          "UBL-SR-04",
          "<cac:AdditionalDocumentReference><cbc:ID>O1</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference><cac:AdditionalDocumentReference><cbc:ID>O2</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>",
        ],
        ["UBL-SR-08", "<cac:InvoicePeriod><cbc:StartDate>2026-01-01</cbc:StartDate></cac:InvoicePeriod>"],
        ["UBL-SR-24", "<cac:Delivery><cbc:ActualDeliveryDate>2026-02-28</cbc:ActualDeliveryDate></cac:Delivery>"],
        [
          "UBL-SR-39",
          "<cac:ProjectReference><cbc:ID>P1</cbc:ID></cac:ProjectReference><cac:ProjectReference><cbc:ID>P2</cbc:ID></cac:ProjectReference>",
        ],
        [
          "UBL-SR-56",
          "<cac:OriginatorDocumentReference><cbc:ID>T1</cbc:ID></cac:OriginatorDocumentReference><cac:OriginatorDocumentReference><cbc:ID>T2</cbc:ID></cac:OriginatorDocumentReference>",
        ],
        [
          "UBL-SR-07",
          "<cac:BillingReference><cac:CreditNoteDocumentReference><cbc:ID>CN-1</cbc:ID></cac:CreditNoteDocumentReference></cac:BillingReference>",
        ],
        [
          "UBL-SR-43",
          "<cac:AdditionalDocumentReference><cbc:ID>X</cbc:ID><cbc:DocumentTypeCode>916</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>",
        ],
        [
          "UBL-SR-54",
          "<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cac:CardAccount><cbc:PrimaryAccountNumberID>9876</cbc:PrimaryAccountNumberID></cac:CardAccount><cac:PayeeFinancialAccount><cbc:ID>BE71096123456769</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>",
        ],
        [
          "UBL-SR-45",
          "<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cbc:PaymentDueDate>2026-03-31</cbc:PaymentDueDate><cac:PayeeFinancialAccount><cbc:ID>BE71096123456769</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans><cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cbc:PaymentDueDate>2026-03-31</cbc:PaymentDueDate><cac:PayeeFinancialAccount><cbc:ID>BE71096123456769</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>",
        ],
        [
          "UBL-SR-55",
          "<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cac:PaymentMandate><cbc:ID>M1</cbc:ID></cac:PaymentMandate><cac:PayeeFinancialAccount><cbc:ID>BE71096123456769</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans><cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cac:PaymentMandate><cbc:ID>M1</cbc:ID></cac:PaymentMandate><cac:PayeeFinancialAccount><cbc:ID>BE71096123456769</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>",
        ],
        [
          "UBL-SR-44",
          "<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cbc:PaymentID>OTHER</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>BE71096123456769</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>",
        ],
        [
          "UBL-SR-47",
          "<cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>BE71096123456769</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>",
        ],
        [
          "UBL-SR-29",
          '<cac:PayeeParty><cac:PartyIdentification><cbc:ID schemeID="SEPA">BE12ZZZ1</cbc:ID></cac:PartyIdentification><cac:PartyName><cbc:Name>P2</cbc:Name></cac:PartyName></cac:PayeeParty><cac:PayeeParty><cac:PartyIdentification><cbc:ID schemeID="sepa">BE12ZZZ2</cbc:ID></cac:PartyIdentification><cac:PartyName><cbc:Name>P3</cbc:Name></cac:PartyName></cac:PayeeParty>',
        ],
        [
          "UBL-CR-666",
          '<cac:AdditionalDocumentReference><cbc:ID>O1</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="text/csv" filename="a.csv">QQ==</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>',
        ],
        [
          "UBL-CR-673",
          "<cac:AdditionalDocumentReference><cbc:ID>O1</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode><cbc:DocumentDescription>Meter</cbc:DocumentDescription></cac:AdditionalDocumentReference>",
        ],
        [
          "UBL-CR-412",
          "<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cbc:PaymentDueDate>2026-03-31</cbc:PaymentDueDate><cac:PayeeFinancialAccount><cbc:ID>BE71096123456769</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>",
        ],
        ["UBL-CR-002", "<cbc:UBLVersionID>2.0</cbc:UBLVersionID>"],
      ] as const
    ).map(([id, xml]) => {
      const warns = id === "UBL-CR-412" || id === "UBL-CR-002";
      return {
        description: `${id}: ${xml.slice(0, 60)}`,
        edits: [atEnd(xml)],
        ...(warns ? { warning: [id] } : { error: [id] }),
      };
    }),
    {
      description: "UBL-SR-05 two payment terms notes",
      edits: [doubled("<cbc:Note>30 days</cbc:Note>")],
      error: ["UBL-SR-05"],
    },
    {
      description: "UBL-SR-06 two preceding invoices in one reference",
      edits: [doubled("<cac:InvoiceDocumentReference><cbc:ID>INV-2026-050</cbc:ID></cac:InvoiceDocumentReference>")],
      error: ["UBL-SR-06"],
    },
    {
      description: "UBL-SR-09 two seller legal names",
      edits: [doubled("<cbc:RegistrationName>Seller NV</cbc:RegistrationName>")],
      error: ["UBL-SR-09"],
    },
    {
      description: "UBL-SR-10 two seller trading names",
      edits: [doubled("<cac:PartyName><cbc:Name>Seller Trading</cbc:Name></cac:PartyName>")],
      error: ["UBL-SR-10"],
    },
    {
      description: "UBL-SR-11, 14 two seller registration ids and legal forms",
      edits: [
        [
          "<cbc:RegistrationName>Seller NV</cbc:RegistrationName>",
          "<cbc:RegistrationName>Seller NV</cbc:RegistrationName><cbc:CompanyID>1</cbc:CompanyID><cbc:CompanyID>2</cbc:CompanyID><cbc:CompanyLegalForm>NV</cbc:CompanyLegalForm><cbc:CompanyLegalForm>SA</cbc:CompanyLegalForm>",
        ],
      ],
      error: ["UBL-SR-11", "UBL-SR-14"],
    },
    {
      description: "UBL-SR-12 two seller VAT ids",
      edits: [
        [
          SUPPLIER_PARTY,
          `${SUPPLIER_PARTY}<cac:PartyTaxScheme><cbc:CompanyID>BE0987654321</cbc:CompanyID>${VAT_S}</cac:PartyTaxScheme>`,
        ],
      ],
      error: ["UBL-SR-12"],
      success: ["UBL-SR-13", "UBL-SR-42"],
    },
    {
      description: "UBL-SR-13, 42 two other seller tax ids: three tax schemes",
      edits: [
        [
          SUPPLIER_PARTY,
          `${SUPPLIER_PARTY}<cac:PartyTaxScheme><cbc:CompanyID>T1</cbc:CompanyID><cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme><cac:PartyTaxScheme><cbc:CompanyID>T2</cbc:CompanyID><cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>`,
        ],
      ],
      error: ["UBL-SR-13", "UBL-SR-42"],
      success: ["UBL-SR-12"],
    },
    {
      description: "UBL-SR-15 two buyer legal names",
      edits: [doubled("<cbc:RegistrationName>Buyer BV</cbc:RegistrationName>")],
      error: ["UBL-SR-15"],
    },
    {
      description: "UBL-SR-16, 17, 18, 40 buyer ids, registrations, VAT ids and names twice",
      edits: [
        [
          CUSTOMER_PARTY,
          `${CUSTOMER_PARTY}<cac:PartyIdentification><cbc:ID>B1</cbc:ID></cac:PartyIdentification><cac:PartyIdentification><cbc:ID>B2</cbc:ID></cac:PartyIdentification><cac:PartyName><cbc:Name>B</cbc:Name></cac:PartyName><cac:PartyName><cbc:Name>C</cbc:Name></cac:PartyName><cac:PartyTaxScheme><cbc:CompanyID>BE1</cbc:CompanyID>${VAT_S}</cac:PartyTaxScheme><cac:PartyTaxScheme><cbc:CompanyID>BE2</cbc:CompanyID>${VAT_S}</cac:PartyTaxScheme><cac:PartyLegalEntity><cbc:RegistrationName>Buyer BV</cbc:RegistrationName><cbc:CompanyID>1</cbc:CompanyID><cbc:CompanyID>2</cbc:CompanyID></cac:PartyLegalEntity>`,
        ],
      ],
      error: ["UBL-SR-16", "UBL-SR-17", "UBL-SR-18", "UBL-SR-40"],
    },
    {
      description: "UBL-SR-19..21 a payee named like the seller's legal name",
      edits: [["<cbc:Name>Factoring Payee</cbc:Name>", "<cbc:Name>Seller NV</cbc:Name>"]],
      error: ["UBL-SR-19", "UBL-SR-20", "UBL-SR-21"],
    },
    {
      description: "UBL-SR-19..21 a payee with two names, ids and registrations",
      edits: [
        [
          PAYEE,
          `${PAYEE}<cac:PartyName><cbc:Name>Second</cbc:Name></cac:PartyName><cac:PartyIdentification><cbc:ID>PAYEE-10</cbc:ID></cac:PartyIdentification><cac:PartyLegalEntity><cbc:CompanyID>1</cbc:CompanyID><cbc:CompanyID>2</cbc:CompanyID></cac:PartyLegalEntity>`,
        ],
      ],
      error: ["UBL-SR-19", "UBL-SR-20", "UBL-SR-21"],
    },
    {
      description: "UBL-SR-20 a SEPA creditor id beside the payee's id is allowed",
      edits: [
        [PAYEE, `${PAYEE}<cac:PartyIdentification><cbc:ID schemeID="SEPA">BE12ZZZ1</cbc:ID></cac:PartyIdentification>`],
      ],
      success: ["UBL-SR-20", "UBL-SR-29"],
    },
    {
      description: "UBL-SR-22, 23 tax representative with two names and tax ids",
      edits: [
        [
          TAX_REP,
          `${TAX_REP}<cac:PartyName><cbc:Name>Other</cbc:Name></cac:PartyName><cac:PartyTaxScheme><cbc:CompanyID>FR2</cbc:CompanyID>${VAT_S}</cac:PartyTaxScheme>`,
        ],
      ],
      error: ["UBL-SR-22", "UBL-SR-23"],
    },
    {
      description: "UBL-SR-25, 51 deliver-to party named twice, address with two lines",
      edits: [
        [
          "<cbc:CityName>Brugge</cbc:CityName>",
          "<cbc:CityName>Brugge</cbc:CityName><cac:AddressLine><cbc:Line>a</cbc:Line></cac:AddressLine><cac:AddressLine><cbc:Line>b</cbc:Line></cac:AddressLine>",
        ],
        [
          "</cac:DeliveryLocation>",
          "</cac:DeliveryLocation><cac:DeliveryParty><cac:PartyName><cbc:Name>D1</cbc:Name></cac:PartyName><cac:PartyName><cbc:Name>D2</cbc:Name></cac:PartyName></cac:DeliveryParty>",
        ],
      ],
      error: ["UBL-SR-25", "UBL-SR-51"],
    },
    {
      description: "UBL-SR-26, 27, 28, 46 payment means with two ids, codes (named) and mandate ids",
      edits: [
        [
          MEANS,
          `<cbc:PaymentMeansCode name="Credit transfer">30</cbc:PaymentMeansCode><cbc:PaymentMeansCode name="Transfer">30</cbc:PaymentMeansCode><cbc:PaymentID>+++123/4567/89002+++</cbc:PaymentID><cac:PaymentMandate><cbc:ID>M1</cbc:ID><cbc:ID>M2</cbc:ID></cac:PaymentMandate>`,
        ],
      ],
      error: ["UBL-SR-26", "UBL-SR-27", "UBL-SR-28", "UBL-SR-46"],
      success: ["UBL-SR-44", "UBL-SR-47", "UBL-DT-18"],
    },
    {
      description: "UBL-SR-30, 31 allowance and charge with two reasons",
      edits: [
        doubled("<cbc:AllowanceChargeReason>Loyalty discount</cbc:AllowanceChargeReason>"),
        doubled("<cbc:AllowanceChargeReason>Travel</cbc:AllowanceChargeReason>"),
      ],
      error: ["UBL-SR-30", "UBL-SR-31"],
    },
    {
      description: "UBL-SR-32 two exemption reasons in a breakdown",
      edits: [
        [
          '<cbc:TaxableAmount currencyID="EUR">160.00</cbc:TaxableAmount>',
          '<cbc:TaxableAmount currencyID="EUR">160.00</cbc:TaxableAmount><cac:TaxCategory><cbc:TaxExemptionReason>a</cbc:TaxExemptionReason><cbc:TaxExemptionReason>b</cbc:TaxExemptionReason></cac:TaxCategory>',
        ],
      ],
      error: ["UBL-SR-32"],
    },
    {
      description: "UBL-SR-33 two descriptions of a supporting document",
      edits: [
        [
          "<cbc:ID>TIMESHEET-2</cbc:ID>",
          "<cbc:ID>TIMESHEET-2</cbc:ID><cbc:DocumentDescription>a</cbc:DocumentDescription><cbc:DocumentDescription>b</cbc:DocumentDescription>",
        ],
      ],
      error: ["UBL-SR-33"],
    },
    {
      description: "UBL-SR-34..37, 52 line notes, order lines, periods, price allowances, documents twice",
      edits: [
        inLine(
          "<cbc:Note>a</cbc:Note><cbc:Note>b</cbc:Note><cac:OrderLineReference><cbc:LineID>1</cbc:LineID><cbc:LineID>2</cbc:LineID></cac:OrderLineReference><cac:InvoicePeriod/><cac:DocumentReference><cbc:ID>a</cbc:ID></cac:DocumentReference><cac:DocumentReference><cbc:ID>b</cbc:ID></cac:DocumentReference>",
        ),
        [
          '<cbc:BaseAmount currencyID="EUR">60.00</cbc:BaseAmount>',
          '<cbc:BaseAmount currencyID="EUR">60.00</cbc:BaseAmount><cbc:Amount currencyID="EUR">10.00</cbc:Amount>',
        ],
      ],
      error: ["UBL-SR-34", "UBL-SR-35", "UBL-SR-36", "UBL-SR-37", "UBL-SR-52"],
    },
    {
      description: "UBL-SR-48, 50 an item with two VAT categories and two descriptions",
      edits: [
        [
          LINE_ITEM,
          `${LINE_ITEM}<cbc:Description>a</cbc:Description><cbc:Description>b</cbc:Description><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent>${VAT_S}</cac:ClassifiedTaxCategory>`,
        ],
      ],
      error: ["UBL-SR-48", "UBL-SR-50"],
    },
    {
      description: "UBL-SR-49 an invoicing period with two description codes",
      edits: [
        [
          "<cbc:EndDate>2026-02-28</cbc:EndDate>",
          "<cbc:EndDate>2026-02-28</cbc:EndDate><cbc:DescriptionCode>3</cbc:DescriptionCode><cbc:DescriptionCode>35</cbc:DescriptionCode>",
        ],
      ],
      error: ["UBL-SR-49"],
    },
    {
      description: "UBL-SR-53 a tax scheme without an identifier",
      edits: [["<cbc:CompanyID>FR12345678901</cbc:CompanyID>", ""]],
      error: ["UBL-SR-53"],
    },
    {
      description: "UBL-SR-43, UBL-CR-665 a supporting document id with a scheme",
      edits: [["<cbc:ID>TIMESHEET-2</cbc:ID>", '<cbc:ID schemeID="ABT">TIMESHEET-2</cbc:ID>']],
      error: ["UBL-SR-43"],
      warning: ["UBL-CR-665"],
    },
    {
      description: "UBL-SR-43 an invoiced object identifier may have a scheme",
      edits: [
        atEnd(
          '<cac:AdditionalDocumentReference><cbc:ID schemeID="ABT">O1</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>',
        ),
      ],
      success: ["UBL-SR-43", "UBL-SR-04", "UBL-CR-665"],
    },
    {
      description: "UBL-CR-002 version 2.1 is fine",
      edits: [atEnd("<cbc:UBLVersionID>2.1</cbc:UBLVersionID>")],
      success: ["UBL-CR-002"],
    },
    {
      description: "UBL-DT-01 an amount with three decimals",
      edits: [['<cbc:Amount currencyID="EUR">20.00</cbc:Amount>', '<cbc:Amount currencyID="EUR">20.001</cbc:Amount>']],
      error: ["UBL-DT-01"],
    },
    {
      description: "UBL-DT-01 prices and discounted price details are not judged",
      edits: [
        [
          '<cbc:BaseAmount currencyID="EUR">60.00</cbc:BaseAmount>',
          '<cbc:BaseAmount currencyID="EUR">60.0001</cbc:BaseAmount>',
        ],
        [
          '<cbc:PriceAmount currencyID="EUR">50.00</cbc:PriceAmount>',
          '<cbc:PriceAmount currencyID="EUR">50.0001</cbc:PriceAmount>',
        ],
      ],
      success: ["UBL-DT-01"],
    },
    {
      description: "UBL-DT-06, 07 an attachment without MIME code and file name",
      edits: [
        [
          "<cbc:ID>TIMESHEET-2</cbc:ID>",
          "<cbc:ID>TIMESHEET-2</cbc:ID><cac:Attachment><cbc:EmbeddedDocumentBinaryObject>QQ==</cbc:EmbeddedDocumentBinaryObject></cac:Attachment>",
        ],
      ],
      error: ["UBL-DT-06", "UBL-DT-07"],
    },
    {
      description: "UBL-DT-06, 07 an attachment with both",
      edits: [
        [
          "<cbc:ID>TIMESHEET-2</cbc:ID>",
          '<cbc:ID>TIMESHEET-2</cbc:ID><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="text/csv" filename="t.csv">QQ==</cbc:EmbeddedDocumentBinaryObject></cac:Attachment>',
        ],
      ],
      success: ["UBL-DT-06", "UBL-DT-07"],
    },
    ...[
      ...UNUSED_ATTRIBUTES.map((name, i) => [name, dtId(8 + i)] as const),
      ["unitCodeListID", "UBL-CR-663"] as const,
    ].map(([name, id]) => ({
      description: `${id} @${name}`,
      edits: [["<cbc:ID>INV-2026-100</cbc:ID>", `<cbc:ID ${name}="x">INV-2026-100</cbc:ID>`]] as const,
      warning: [id],
    })),
  ],
};

/** The full invoice with every standard-rated 21 % category moved to another code and rate. */
function recategorised(code: string, rate: string, vat: string, withVat: string): string {
  return FULL_INVOICE.replaceAll(
    "<cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent>",
    `<cbc:ID>${code}</cbc:ID><cbc:Percent>${rate}</cbc:Percent>`,
  )
    .replaceAll(">33.60<", `>${vat}<`)
    .replaceAll(">193.60<", `>${withVat}<`);
}

function regionalVatSet(
  prefix: "BR-AF" | "BR-AG",
  code: "L" | "M",
  rate: string,
  vat: string,
  withVat: string,
): MutationSet {
  const cat = `<cbc:ID>${code}</cbc:ID><cbc:Percent>${rate}</cbc:Percent>`;
  const id = (n: number) => `${prefix}-${String(n).padStart(2, "0")}`;
  return {
    name: `${prefix} (category ${code})`,
    base: recategorised(code, rate, vat, withVat),
    passes: [...range(1, 10, `${prefix}-`), ...range(1, 10, "BR-S-"), "BR-CO-17"],
    cases: [
      {
        description: "lines in the category without a breakdown for it",
        edits: [
          [
            `${cat}${VAT_S}</cac:TaxCategory>\n    </cac:TaxSubtotal>`,
            `<cbc:ID>E</cbc:ID>${VAT_S}</cac:TaxCategory>\n    </cac:TaxSubtotal>`,
          ],
        ],
        error: [id(1)],
      },
      {
        description: "no seller tax identifier",
        edits: [
          [`<cac:PartyTaxScheme><cbc:CompanyID>BE0123456749</cbc:CompanyID>${VAT_S}</cac:PartyTaxScheme>`, ""],
          [`<cac:PartyTaxScheme><cbc:CompanyID>FR12345678901</cbc:CompanyID>${VAT_S}</cac:PartyTaxScheme>`, ""],
        ],
        error: [id(2), id(3), id(4)],
      },
      {
        description: "a line rate below zero",
        edits: [
          [
            `<cbc:Name>Licence</cbc:Name><cac:ClassifiedTaxCategory>${cat}`,
            `<cbc:Name>Licence</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>${code}</cbc:ID><cbc:Percent>-1</cbc:Percent>`,
          ],
        ],
        error: [id(5)],
        success: [id(6), id(7)],
      },
      {
        description: "an allowance and a charge without a rate",
        edits: [
          [
            `<cbc:Amount currencyID="EUR">10.00</cbc:Amount>\n    <cac:TaxCategory>${cat}`,
            `<cbc:Amount currencyID="EUR">10.00</cbc:Amount>\n    <cac:TaxCategory><cbc:ID>${code}</cbc:ID>`,
          ],
          [
            `<cbc:Amount currencyID="EUR">20.00</cbc:Amount>\n    <cac:TaxCategory>${cat}`,
            `<cbc:Amount currencyID="EUR">20.00</cbc:Amount>\n    <cac:TaxCategory><cbc:ID>${code}</cbc:ID>`,
          ],
        ],
        error: [id(6), id(7)],
        success: [id(5)],
      },
      {
        description: "a zero rate is allowed",
        edits: [
          [
            `<cbc:Name>Licence</cbc:Name><cac:ClassifiedTaxCategory>${cat}`,
            `<cbc:Name>Licence</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>${code}</cbc:ID><cbc:Percent>0</cbc:Percent>`,
          ],
        ],
        success: [id(5)],
      },
      {
        description: "a taxable amount that is not the sum at its rate",
        edits: [
          [
            `<cbc:TaxableAmount currencyID="EUR">160.00</cbc:TaxableAmount>`,
            `<cbc:TaxableAmount currencyID="EUR">159.00</cbc:TaxableAmount>`,
          ],
        ],
        error: [id(8)],
        success: [id(9)],
      },
      {
        description: "a VAT amount that is not taxable amount times rate",
        edits: [
          [
            `<cbc:TaxAmount currencyID="EUR">${vat}</cbc:TaxAmount>\n      <cac:TaxCategory>`,
            `<cbc:TaxAmount currencyID="EUR">99.00</cbc:TaxAmount>\n      <cac:TaxCategory>`,
          ],
        ],
        error: [id(9)],
        success: [id(8)],
      },
      {
        description: "an exemption reason in the breakdown",
        edits: [
          [
            `${cat}${VAT_S}</cac:TaxCategory>\n    </cac:TaxSubtotal>`,
            `${cat}<cbc:TaxExemptionReason>none</cbc:TaxExemptionReason>${VAT_S}</cac:TaxCategory>\n    </cac:TaxSubtotal>`,
          ],
        ],
        error: [id(10)],
      },
    ],
  };
}

const SPLIT_PAYMENT_BASE = recategorised("B", "21", "33.60", "193.60")
  .replaceAll(
    "<cbc:IdentificationCode>BE</cbc:IdentificationCode>",
    "<cbc:IdentificationCode>IT</cbc:IdentificationCode>",
  )
  .replaceAll(
    "<cbc:IdentificationCode>FR</cbc:IdentificationCode>",
    "<cbc:IdentificationCode>IT</cbc:IdentificationCode>",
  )
  .replaceAll(
    "<cbc:IdentificationCode>NL</cbc:IdentificationCode>",
    "<cbc:IdentificationCode>IT</cbc:IdentificationCode>",
  );

export const SPLIT_PAYMENT_CASES: MutationSet = {
  name: "BR-B (split payment)",
  base: SPLIT_PAYMENT_BASE,
  passes: ["BR-B-01", "BR-B-02"],
  cases: [
    {
      description: "a foreign address",
      edits: [
        [
          "<cbc:CityName>Leuven</cbc:CityName><cac:Country><cbc:IdentificationCode>IT",
          "<cbc:CityName>Leuven</cbc:CityName><cac:Country><cbc:IdentificationCode>BE",
        ],
      ],
      error: ["BR-B-01"],
      success: ["BR-B-02"],
    },
    {
      description: "a standard-rated line beside split payment",
      edits: [
        [
          "<cbc:Name>Licence</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>B</cbc:ID>",
          "<cbc:Name>Licence</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID>",
        ],
      ],
      error: ["BR-B-02"],
      success: ["BR-B-01"],
    },
  ],
};

export const MUTATION_SETS: readonly MutationSet[] = [
  BUSINESS_GROUP_CASES,
  FORBIDDEN_ELEMENT_CASES,
  STRUCTURE_CASES,
  regionalVatSet("BR-AF", "L", "7", "11.20", "171.20"),
  regionalVatSet("BR-AG", "M", "4", "6.40", "166.40"),
  SPLIT_PAYMENT_CASES,
];
