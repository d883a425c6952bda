/**
 * Valid Peppol BIS Billing 3.0 invoices for tests: one standard-rated line, Belgian
 * parties. Change one fact (number, amount, date) to make a resend, a reused number or a
 * different invoice; `invalid` breaks BR-CO-15 (total with VAT ≠ without VAT + VAT).
 */
export interface TestInvoice {
  readonly number: string;
  readonly issueDate?: string;
  /** Net amount with two decimals, e.g. "100.00"; VAT is 21%. */
  readonly net?: string;
  readonly sellerVat?: string;
  readonly buyerVat?: string;
  readonly invalid?: boolean;
}

export function ublInvoice(invoice: TestInvoice): string {
  const net = invoice.net ?? "100.00";
  const cents = BigInt(net.replace(".", ""));
  const vatCents = (cents * 21n + 50n) / 100n;
  const money = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, "0")}`;
  const vat = money(vatCents);
  const gross = money(cents + vatCents + (invoice.invalid ? 1n : 0n));
  const seller = invoice.sellerVat ?? "BE0123456749";
  const buyer = invoice.buyerVat ?? "BE0202239951";
  const party = (vatNumber: string, name: string) => `<cac:Party>
    <cbc:EndpointID schemeID="0208">${vatNumber.slice(2)}</cbc:EndpointID>
    <cac:PostalAddress><cbc:CityName>Gent</cbc:CityName><cbc:PostalZone>9000</cbc:PostalZone><cac:Country><cbc:IdentificationCode>BE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>${vatNumber}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>${name}</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party>`;
  const category = `<cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>${invoice.number}</cbc:ID>
  <cbc:IssueDate>${invoice.issueDate ?? "2026-11-30"}</cbc:IssueDate>
  <cbc:DueDate>2026-12-31</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>PO-1</cbc:BuyerReference>
  <cac:AccountingSupplierParty>${party(seller, "Seller BV")}</cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>${party(buyer, "Buyer NV")}</cac:AccountingCustomerParty>
  <cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>BE68539007547034</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="EUR">${vat}</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="EUR">${net}</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="EUR">${vat}</cbc:TaxAmount>
      <cac:TaxCategory>${category}</cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">${net}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">${net}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">${gross}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">${gross}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="EA">1</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">${net}</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Consulting</cbc:Name><cac:ClassifiedTaxCategory>${category}</cac:ClassifiedTaxCategory></cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">${net}</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</Invoice>
`;
}
