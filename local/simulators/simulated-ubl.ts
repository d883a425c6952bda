/**
 * Peppol BIS Billing 3.0 invoices for the simulators: Belgian parties with checksum-valid
 * enterprise numbers, VAT numbers and IBANs, amounts in integer cents so every total adds
 * up exactly (or, when asked, on purpose does not).
 */

export const PEPPOL_BIS3_CUSTOMIZATION_ID =
  "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
export const PEPPOL_BILLING_PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/** A Belgian enterprise number (10 digits) from 7 free digits: 0 + digits + 97 - (first 8 mod 97). */
export function belgianEnterpriseNumber(sevenDigits: number): string {
  const first8 = `0${String(sevenDigits % 10_000_000).padStart(7, "0")}`;
  return `${first8}${String(97 - (Number(first8) % 97)).padStart(2, "0")}`;
}

/** BE + the enterprise number: the Belgian VAT number (same mod-97 check). */
export const belgianVatNumber = (sevenDigits: number) => `BE${belgianEnterpriseNumber(sevenDigits)}`;

/** A Belgian IBAN: BBAN of bank (3) + account (7) + mod-97 check (2), then the ISO 13616 check digits. */
export function belgianIban(bank: number, account: number): string {
  const ten = `${String(bank % 1000).padStart(3, "0")}${String(account % 10_000_000).padStart(7, "0")}`;
  const bbanCheck = Number(ten) % 97 || 97;
  const bban = `${ten}${String(bbanCheck).padStart(2, "0")}`;
  // Country letters as numbers (B=11, E=14) and "00" moved behind the BBAN.
  const check = 98 - Number(BigInt(`${bban}111400`) % 97n);
  return `BE${String(check).padStart(2, "0")}${bban}`;
}

export interface SimulatedParty {
  readonly name: string;
  /** BE0 + 9 digits. */
  readonly vatNumber: string;
  readonly street: string;
  readonly city: string;
  readonly postalCode: string;
}

export interface SimulatedLine {
  readonly name: string;
  readonly quantity: number;
  /** Net unit price in euro cents. */
  readonly priceCents: number;
  /** Belgian standard-rated VAT: 21, 12 or 6. */
  readonly vatPercent: 21 | 12 | 6;
}

export interface SimulatedInvoiceModel {
  readonly number: string;
  /** YYYY-MM-DD */
  readonly issueDate: string;
  readonly dueDate: string;
  readonly seller: SimulatedParty & { readonly iban: string };
  readonly buyer: SimulatedParty;
  readonly buyerReference: string;
  readonly lines: readonly SimulatedLine[];
  /** Added to the total with VAT and the amount due only: breaks BR-CO-15 on purpose. */
  readonly totalsOffByCents?: number;
}

const euros = (cents: number) => {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
};

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** What the invoice adds up to, in cents. */
export function invoiceTotals(model: SimulatedInvoiceModel) {
  const byRate = new Map<number, number>();
  let net = 0;
  for (const line of model.lines) {
    const amount = line.quantity * line.priceCents;
    net += amount;
    byRate.set(line.vatPercent, (byRate.get(line.vatPercent) ?? 0) + amount);
  }
  // VAT per rate rounded half up to the cent, as BR-CO-17 expects (all amounts positive).
  const subtotals = [...byRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([percent, taxable]) => ({ percent, taxable, tax: Math.floor((taxable * percent + 50) / 100) }));
  const tax = subtotals.reduce((sum, s) => sum + s.tax, 0);
  return { net, tax, gross: net + tax, subtotals };
}

function party(p: SimulatedParty): string {
  const enterprise = p.vatNumber.slice(2);
  return `<cac:Party>
      <cbc:EndpointID schemeID="0208">${enterprise}</cbc:EndpointID>
      <cac:PartyName><cbc:Name>${escapeXml(p.name)}</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>${escapeXml(p.street)}</cbc:StreetName>
        <cbc:CityName>${escapeXml(p.city)}</cbc:CityName>
        <cbc:PostalZone>${p.postalCode}</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>BE</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>${p.vatNumber}</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>${escapeXml(p.name)}</cbc:RegistrationName>
        <cbc:CompanyID schemeID="0208">${enterprise}</cbc:CompanyID>
      </cac:PartyLegalEntity>
    </cac:Party>`;
}

const taxCategory = (element: string, percent: number) =>
  `<cac:${element}><cbc:ID>S</cbc:ID><cbc:Percent>${percent}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:${element}>`;

/** The UBL 2.1 Invoice text, elements in the schema's order. */
export function invoiceXml(model: SimulatedInvoiceModel): string {
  const t = invoiceTotals(model);
  const off = model.totalsOffByCents ?? 0;
  const eur = (cents: number) => `currencyID="EUR">${euros(cents)}`;
  const lines = model.lines
    .map(
      (line, i) => `  <cac:InvoiceLine>
    <cbc:ID>${i + 1}</cbc:ID>
    <cbc:InvoicedQuantity unitCode="C62">${line.quantity}</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount ${eur(line.quantity * line.priceCents)}</cbc:LineExtensionAmount>
    <cac:Item>
      <cbc:Name>${escapeXml(line.name)}</cbc:Name>
      ${taxCategory("ClassifiedTaxCategory", line.vatPercent)}
    </cac:Item>
    <cac:Price><cbc:PriceAmount ${eur(line.priceCents)}</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>`,
    )
    .join("\n");
  const subtotals = t.subtotals
    .map(
      (s) => `    <cac:TaxSubtotal>
      <cbc:TaxableAmount ${eur(s.taxable)}</cbc:TaxableAmount>
      <cbc:TaxAmount ${eur(s.tax)}</cbc:TaxAmount>
      ${taxCategory("TaxCategory", s.percent)}
    </cac:TaxSubtotal>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>${PEPPOL_BIS3_CUSTOMIZATION_ID}</cbc:CustomizationID>
  <cbc:ProfileID>${PEPPOL_BILLING_PROFILE_ID}</cbc:ProfileID>
  <cbc:ID>${escapeXml(model.number)}</cbc:ID>
  <cbc:IssueDate>${model.issueDate}</cbc:IssueDate>
  <cbc:DueDate>${model.dueDate}</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>${escapeXml(model.buyerReference)}</cbc:BuyerReference>
  <cac:AccountingSupplierParty>
    ${party(model.seller)}
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    ${party(model.buyer)}
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cbc:PaymentID>${escapeXml(model.number)}</cbc:PaymentID>
    <cac:PayeeFinancialAccount><cbc:ID>${model.seller.iban}</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:PaymentTerms><cbc:Note>Payment within 30 days</cbc:Note></cac:PaymentTerms>
  <cac:TaxTotal>
    <cbc:TaxAmount ${eur(t.tax)}</cbc:TaxAmount>
${subtotals}
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount ${eur(t.net)}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount ${eur(t.net)}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount ${eur(t.gross + off)}</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount ${eur(t.gross + off)}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
${lines}
</Invoice>
`;
}
