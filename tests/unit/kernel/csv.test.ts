import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { csvField, csvRecord, isFormulaLike } from "../../../shared/kernel/csv.js";

describe("CSV formula neutralisation", () => {
  it("prefixes an apostrophe to text starting with = + - @, tab or CR", () => {
    for (const text of ["=1+1", "+1", "-2", "@SUM(A1)", "\tTAB"]) assert.equal(csvField(text), `'${text}`, text);
    assert.equal(csvField("\rCR"), `"'\rCR"`);
  });

  it("does the same for the full-width ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D, U+FF20)", () => {
    for (const text of ["＝1+1", "＋1", "－2", "＠SUM(A1)"]) {
      assert.equal(isFormulaLike(text), true, text);
      assert.equal(csvField(text), `'${text}`, text);
    }
    assert.equal(
      csvRecord(["A-1", '＝HYPERLINK("http://evil.example")', 2]),
      `A-1,"'＝HYPERLINK(""http://evil.example"")",2\r\n`,
    );
  });

  it("leaves other text, numbers and a full-width sign inside the text alone", () => {
    for (const text of ["PRJ-1", "1＝1", " ＝1", "a@b.c", "Ｆ＝ma"]) assert.equal(csvField(text), text, text);
    assert.equal(csvField(-5), "-5");
  });
});
