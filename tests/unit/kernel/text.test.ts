import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { csvField, csvRecord } from "../../../shared/kernel/csv.js";
import { findForbiddenCharacter, stripXmlForbidden } from "../../../shared/kernel/text.js";

/** Every character XML 1.0 forbids that a string can hold, one of each kind. */
const XML_FORBIDDEN = [
  "\u0000",
  "\u0001",
  "\u0008",
  "\u000b",
  "\u000c",
  "\u001f",
  "\ud800",
  "\udfff",
  "\ufffe",
  "\uffff",
];

describe("stripXmlForbidden", () => {
  it("removes C0 controls but tab/LF/CR, lone surrogates, U+FFFE and U+FFFF", () => {
    for (const bad of XML_FORBIDDEN) assert.equal(stripXmlForbidden(`a${bad}b`), "ab", JSON.stringify(bad));
    assert.equal(stripXmlForbidden("\ufffeName\u0001 with\uffff junk\ud83d"), "Name with junk");
  });

  it("keeps everything XML allows, surrogate pairs included, and returns clean text as it is", () => {
    const allowed = "tab\tLF\nCR\r Café 日本語 😀 \u{10fffd} \ue000 \ufffd \u0085 \u007f \ufdd0 \u{1fffe}";
    assert.equal(stripXmlForbidden(allowed), allowed);
    assert.equal(stripXmlForbidden(""), "");
  });

  it("agrees with the edge rule: whatever the edge lets through, no writer needs to strip", () => {
    for (let cp = 0; cp <= 0xffff; cp++) {
      const ch = String.fromCharCode(cp);
      if (findForbiddenCharacter(ch, { multiline: true }) === undefined)
        assert.equal(stripXmlForbidden(ch), ch, `U+${cp.toString(16)}`);
    }
  });
});

describe("CSV fields", () => {
  it("strip what XML forbids, so a stored bad value never reaches the file", () => {
    assert.equal(csvField("Acme\ufffe Corp\u0001"), "Acme Corp");
    assert.equal(csvRecord(["A-1", "x\uffffy\ud800", 3]), "A-1,xy,3\r\n");
  });

  it("neutralise a formula the stripping uncovers", () => {
    assert.equal(csvField("\u0001=1+1"), "'=1+1");
    assert.equal(csvField("\ufffe@SUM(A1)"), "'@SUM(A1)");
  });
});
