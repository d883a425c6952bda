import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PEPPOL_BIS3_CUSTOMIZATION, validateInvoiceXml } from "../../../shared/systems/invoices/index.js";

const invoice = (
  customizationId: string,
  lineAmounts: string[],
  stated: string,
) => `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>${customizationId}</cbc:CustomizationID>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">${stated}</cbc:LineExtensionAmount>
  </cac:LegalMonetaryTotal>
${lineAmounts.map((a) => `  <cac:InvoiceLine><cbc:LineExtensionAmount currencyID="EUR">${a}</cbc:LineExtensionAmount></cac:InvoiceLine>`).join("\n")}
</Invoice>`;

describe("validator findings", () => {
  it("names the rule, business terms, XPath, line and expected vs found for an arithmetic rule", () => {
    const report = validateInvoiceXml(invoice("urn:cen.eu:en16931:2017", ["0.10", "0.20"], "0.31"));
    assert.equal(report.valid, false);
    assert.deepEqual(report.ruleSet, { id: "EN16931", version: report.ruleSet?.version });
    const finding = report.findings.find((f) => f.ruleId === "BR-CO-10");
    assert.ok(finding);
    assert.equal(finding.severity, "fatal");
    assert.deepEqual(
      finding.terms.map((t) => t.id),
      ["BT-106", "BT-131"],
    );
    assert.equal(finding.xpath, "/Invoice/cac:LegalMonetaryTotal/cbc:LineExtensionAmount");
    assert.equal(finding.line, 7);
    assert.equal(finding.expected, "0.30"); // 0.1 + 0.2 exactly, no binary float
    assert.equal(finding.found, "0.31");
  });

  it("judges a Greek seller by the Peppol national rules, pointing at the value to fix", () => {
    const greek = (vat: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>${PEPPOL_BIS3_CUSTOMIZATION}</cbc:CustomizationID>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyTaxScheme><cbc:CompanyID>${vat}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  </cac:Party></cac:AccountingSupplierParty>
</Invoice>`;
    const finding = validateInvoiceXml(greek("EL094012349"), { language: "nl" }).findings.find(
      (f) => f.ruleId === "GR-R-003",
    );
    assert.ok(finding);
    assert.equal(finding.severity, "fatal");
    assert.equal(finding.xpath, "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID");
    assert.equal(finding.found, "'EL094012349'");
    assert.match(finding.message, /Griekse verkoper/);
    // A valid TIN passes; a Belgian seller is not judged by the Greek rules at all.
    assert.ok(!validateInvoiceXml(greek("EL094012348")).findings.some((f) => f.ruleId === "GR-R-003"));
    assert.ok(!validateInvoiceXml(greek("BE0203201340")).findings.some((f) => f.ruleId.startsWith("GR-")));
  });

  it("speaks English, Dutch and French", () => {
    const doc = invoice("urn:cen.eu:en16931:2017", ["1"], "2");
    const messages = (["en", "nl", "fr"] as const).map(
      (language) => validateInvoiceXml(doc, { language }).findings.find((f) => f.ruleId === "BR-CO-10")!.message,
    );
    assert.match(messages[0]!, /sum of line net amounts/);
    assert.match(messages[1]!, /nettolijnbedragen/);
    assert.match(messages[2]!, /montants nets des lignes/);
  });

  it("chooses the Peppol BIS rule set from the CustomizationID and adds its rules", () => {
    const peppol = validateInvoiceXml(invoice(PEPPOL_BIS3_CUSTOMIZATION, ["1"], "1"));
    assert.equal(peppol.ruleSet?.id, "PEPPOL-BIS-BILLING-3.0");
    assert.ok(peppol.findings.some((f) => f.ruleId === "PEPPOL-EN16931-R001"));
    const core = validateInvoiceXml(invoice("urn:cen.eu:en16931:2017", ["1"], "1"));
    assert.equal(core.ruleSet?.id, "EN16931");
    assert.ok(!core.findings.some((f) => f.ruleId.startsWith("PEPPOL-")));
  });

  it("points at the n-th line with a positional XPath", () => {
    const report = validateInvoiceXml(invoice(PEPPOL_BIS3_CUSTOMIZATION, ["1", "2"], "3"));
    assert.ok(!report.findings.some((f) => f.ruleId === "BR-CO-10"));
    const bad = validateInvoiceXml(
      invoice("urn:cen.eu:en16931:2017", ["1", "2"], "3").replace(
        '<cac:InvoiceLine><cbc:LineExtensionAmount currencyID="EUR">2<',
        '<cac:InvoiceLine><cac:Item><cac:ClassifiedTaxCategory><cbc:ID>Q</cbc:ID></cac:ClassifiedTaxCategory></cac:Item><cbc:LineExtensionAmount currencyID="EUR">2<',
      ),
    );
    const cl18 = bad.findings.find((f) => f.ruleId === "BR-CL-18");
    assert.equal(cl18?.xpath, "/Invoice/cac:InvoiceLine[2]/cac:Item/cac:ClassifiedTaxCategory/cbc:ID");
    assert.equal(cl18?.found, "'Q'");
  });
});
