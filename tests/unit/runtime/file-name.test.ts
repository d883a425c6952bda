import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fileNameOf } from "../../../functions/runtime/file-body.js";

describe("the file name of a raw file body's Content-Disposition", () => {
  const cases: [string | null, string | null][] = [
    [null, null],
    ["attachment", null],
    ['attachment; filename="invoice 42.xml"', "invoice 42.xml"],
    ["attachment; filename=invoice.xml", "invoice.xml"],
    ['attachment; filename="say \\"hi\\".xml"', 'say "hi".xml'],
    // RFC 6266: the extended form wins, percent-decoded as UTF-8.
    ["attachment; filename=\"fallback.xml\"; filename*=UTF-8''factuur%20%C3%A9t%C3%A9.xml", "factuur été.xml"],
    ["attachment; filename*=UTF-8''%ZZ.xml; filename=plain.xml", "plain.xml"],
    // Only the base name: no directory a client sent along reaches the handler.
    ['attachment; filename="/etc/passwd"', "passwd"],
    ['attachment; filename="C:\\\\Users\\\\me\\\\inv.xml"', "inv.xml"],
    ['attachment; filename=".."', null],
    ['attachment; filename="a\u0000b.xml"', "ab.xml"],
    // A parameter whose name merely ends in "filename" is not the file name.
    ['attachment; myfilename="x.xml"', null],
  ];
  for (const [header, expected] of cases) {
    it(`${JSON.stringify(header)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(fileNameOf(header), expected);
    });
  }
});
