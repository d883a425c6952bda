/**
 * A Peppol BIS Billing 3.0 invoice of any number of lines that our validator accepts: two
 * standard rates (21% and 6%), exact totals from integer cents, Belgian parties with
 * checksum-valid enterprise numbers. What a typical supplier sends, scaled. With
 * `country: "DE"` both parties get German addresses and the seller a contact, so the Peppol
 * national rules for Germany (DE-R-*) apply and pass: the cost of a national section.
 */
const cents = (value: bigint) => {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(3, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
};

export type SampleCountry = "BE" | "DE";

const CONTACT = `
      <cac:Contact>
        <cbc:Name>Accounts receivable</cbc:Name>
        <cbc:Telephone>+49 30 1234567</cbc:Telephone>
        <cbc:ElectronicMail>invoices@seller.example</cbc:ElectronicMail>
      </cac:Contact>`;

const party = (
  role: string,
  name: string,
  enterprise: string,
  street: string,
  country: SampleCountry,
  contact = "",
) => `
  <cac:${role}>
    <cac:Party>
      <cbc:EndpointID schemeID="0208">${enterprise}</cbc:EndpointID>
      <cac:PostalAddress>
        <cbc:StreetName>${street}</cbc:StreetName>
        <cbc:CityName>Brussel</cbc:CityName>
        <cbc:PostalZone>1000</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>${country}</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>BE${enterprise}</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>${name}</cbc:RegistrationName>
        <cbc:CompanyID schemeID="0208">${enterprise}</cbc:CompanyID>
      </cac:PartyLegalEntity>${contact}
    </cac:Party>
  </cac:${role}>`;

export function sampleInvoice(lineCount: number, country: SampleCountry = "BE"): string {
  const rates = [21n, 6n];
  const taxable = new Map<bigint, bigint>(rates.map((r) => [r, 0n]));
  const lines: string[] = [];
  for (let i = 1; i <= lineCount; i++) {
    const rate = rates[i % rates.length]!;
    const quantity = BigInt((i % 7) + 1);
    const price = BigInt(1000 + ((i * 137) % 9000)); // cents
    const net = quantity * price;
    taxable.set(rate, taxable.get(rate)! + net);
    lines.push(`
  <cac:InvoiceLine>
    <cbc:ID>${i}</cbc:ID>
    <cbc:InvoicedQuantity unitCode="C62">${quantity}</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">${cents(net)}</cbc:LineExtensionAmount>
    <cac:Item>
      <cbc:Name>Article ${i}</cbc:Name>
      <cac:SellersItemIdentification><cbc:ID>SKU-${i}</cbc:ID></cac:SellersItemIdentification>
      <cac:ClassifiedTaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>${rate}</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">${cents(price)}</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>`);
  }
  // VAT per rate, rounded half up to the cent, as BR-S-09 expects.
  const tax = new Map(rates.map((r) => [r, (taxable.get(r)! * r + 50n) / 100n]));
  const net = [...taxable.values()].reduce((a, b) => a + b, 0n);
  const vat = [...tax.values()].reduce((a, b) => a + b, 0n);
  const subtotals = rates
    .filter((r) => taxable.get(r)! > 0n)
    .map(
      (r) => `
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="EUR">${cents(taxable.get(r)!)}</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="EUR">${cents(tax.get(r)!)}</cbc:TaxAmount>
      <cac:TaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>${r}</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:TaxCategory>
    </cac:TaxSubtotal>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
  <cbc:ID>INV-2026-0001</cbc:ID>
  <cbc:IssueDate>2026-11-30</cbc:IssueDate>
  <cbc:DueDate>2026-12-30</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:Note>Thank you for your order</cbc:Note>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>PO-4711</cbc:BuyerReference>
  ${party("AccountingSupplierParty", "Seller NV", "0203201340", "Kunstlaan 1", country, country === "DE" ? CONTACT : "")}
  ${party("AccountingCustomerParty", "Buyer BV", "0417497106", "Wetstraat 16", country)}
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cac:PayeeFinancialAccount><cbc:ID>BE71096123456769</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="EUR">${cents(vat)}</cbc:TaxAmount>${subtotals}
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">${cents(net)}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">${cents(net)}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">${cents(net + vat)}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">${cents(net + vat)}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>${lines.join("")}
</Invoice>
`;
}
