import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml, validateInvoiceXml, XmlRefusedError } from "../../../shared/systems/invoices/index.js";

const UBL_OPEN =
  '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"' +
  ' xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"' +
  ' xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">';

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
${UBL_OPEN}<cbc:ID>&lol3;</cbc:ID></Invoice>`;

const XXE = `<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
${UBL_OPEN}<cbc:ID>&xxe;</cbc:ID></Invoice>`;

describe("safe XML intake", () => {
  it("refuses a billion-laughs document as a DOCTYPE, naming the line, without expanding it", () => {
    const report = validateInvoiceXml(BILLION_LAUGHS);
    assert.equal(report.valid, false);
    assert.equal(report.findings.length, 1);
    assert.equal(report.findings[0]!.ruleId, "XML-DOCTYPE");
    assert.equal(report.findings[0]!.line, 2);
    assert.match(report.findings[0]!.message, /DOCTYPE/);
  });

  it("refuses an external-entity (XXE) document in the asked language", () => {
    const report = validateInvoiceXml(XXE, { language: "nl" });
    assert.equal(report.findings[0]!.ruleId, "XML-DOCTYPE");
    assert.match(report.findings[0]!.message, /entiteit/);
    assert.doesNotMatch(JSON.stringify(report), /root:/);
  });

  it("refuses a reference to an undeclared entity rather than passing it through", () => {
    const report = validateInvoiceXml(`${UBL_OPEN}<cbc:ID>&xxe;</cbc:ID></Invoice>`);
    assert.equal(report.findings[0]!.ruleId, "XML-DOCTYPE");
  });

  it("refuses documents over the size cap, counting UTF-8 bytes", () => {
    const text = `${UBL_OPEN}<cbc:Note>${"é".repeat(600)}</cbc:Note></Invoice>`;
    const report = validateInvoiceXml(new TextEncoder().encode(text), { limits: { maxBytes: 1000, maxDepth: 64 } });
    assert.equal(report.findings[0]!.ruleId, "XML-TOO-LARGE");
    assert.equal(
      validateInvoiceXml(text, { limits: { maxBytes: 2000, maxDepth: 64 } }).findings[0]?.ruleId === "XML-TOO-LARGE",
      false,
    );
  });

  it("refuses nesting deeper than the depth cap", () => {
    const deep = `${UBL_OPEN}${"<cac:X>".repeat(10)}${"</cac:X>".repeat(10)}</Invoice>`;
    assert.equal(
      validateInvoiceXml(deep, { limits: { maxBytes: 10_000, maxDepth: 8 } }).findings[0]!.ruleId,
      "XML-TOO-DEEP",
    );
    assert.notEqual(
      validateInvoiceXml(deep, { limits: { maxBytes: 10_000, maxDepth: 11 } }).findings[0]?.ruleId,
      "XML-TOO-DEEP",
    );
  });

  it("refuses mismatched tags and undeclared prefixes as malformed", () => {
    assert.throws(
      () => parseXml("<a><b></a></b>"),
      (e: unknown) => e instanceof XmlRefusedError && e.reason === "malformed",
    );
    assert.throws(
      () => parseXml("<x:a/>"),
      (e: unknown) => e instanceof XmlRefusedError && e.reason === "malformed",
    );
    assert.equal(validateInvoiceXml("<Invoice><cbc:ID>1</cbc:ID>").findings[0]!.ruleId, "XML-MALFORMED");
  });

  it("refuses bytes that are not UTF-8 and a declared encoding other than UTF-8", () => {
    const latin1 = Uint8Array.from([
      ...new TextEncoder().encode(`${UBL_OPEN}<cbc:ID>`),
      0xe9,
      ...new TextEncoder().encode("</cbc:ID></Invoice>"),
    ]);
    assert.match(validateInvoiceXml(latin1).findings[0]!.message, /not valid UTF-8/);
    const declared = `<?xml version="1.0" encoding="ISO-8859-1"?>${UBL_OPEN}</Invoice>`;
    assert.match(validateInvoiceXml(declared).findings[0]!.message, /ISO-8859-1/);
    assert.notEqual(
      validateInvoiceXml(`<?xml version="1.0" encoding="utf-8"?>${UBL_OPEN}</Invoice>`).findings[0]?.ruleId,
      "XML-MALFORMED",
    );
  });

  it("decodes predefined entities, character references and CDATA, and keeps line numbers", () => {
    const root = parseXml(
      `<?xml version="1.0"?>\n<r xmlns="urn:a">\n  <n a="x &amp; y">A&lt;B &#233;&#x41;<![CDATA[<raw>]]></n>\n</r>`,
    );
    const n = root.children[0]!;
    assert.equal(root.ns, "urn:a");
    assert.equal(n.ns, "urn:a");
    assert.equal(n.line, 3);
    assert.equal(n.attributes.get("a"), "x & y");
    assert.equal(n.text, "A<B éA<raw>");
  });

  it("resolves namespaces by URI, not by prefix", () => {
    const doc = `<inv:Invoice xmlns:inv="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
      xmlns:a="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><a:CustomizationID>urn:cen.eu:en16931:2017</a:CustomizationID></inv:Invoice>`;
    const report = validateInvoiceXml(doc);
    assert.equal(report.customizationId, "urn:cen.eu:en16931:2017");
    assert.equal(
      report.findings.some((f) => f.ruleId === "BR-01"),
      false,
    );
    assert.equal(
      report.findings.some((f) => f.ruleId === "BR-02"),
      true,
    );
  });
});

describe("SBDH envelope", () => {
  it("unwraps a StandardBusinessDocument and validates the invoice inside, with its own lines", () => {
    const doc = `<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">
  <StandardBusinessDocumentHeader><HeaderVersion>1.0</HeaderVersion></StandardBusinessDocumentHeader>
  ${UBL_OPEN}
    <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  </Invoice>
</StandardBusinessDocument>`;
    const report = validateInvoiceXml(doc);
    assert.equal(report.customizationId, "urn:cen.eu:en16931:2017");
    assert.equal(report.ruleSet?.id, "EN16931");
    const br02 = report.findings.find((f) => f.ruleId === "BR-02");
    assert.equal(br02?.xpath, "/Invoice");
    assert.equal(br02?.line, 3);
  });

  it("refuses an envelope with no business document, and a root that is not UBL", () => {
    const empty = `<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"><StandardBusinessDocumentHeader/></StandardBusinessDocument>`;
    assert.equal(validateInvoiceXml(empty).findings[0]!.ruleId, "XML-MALFORMED");
    assert.equal(validateInvoiceXml("<Order xmlns='urn:x'/>").findings[0]!.ruleId, "XML-MALFORMED");
  });
});
