import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inferDecimalSeparator, parseAmount, type AmountOptions } from "../../../shared/foundation/tabular/amount.js";

const EU: AmountOptions = { decimalSeparator: "," };
const US: AmountOptions = { decimalSeparator: "." };

describe("parseAmount", () => {
  const accepted: [string, AmountOptions, string | null, string?][] = [
    ["1234.50", {}, "1234.50"],
    ["1,234.50", {}, "1234.50"],
    ["1.234,50", {}, "1234.50"],
    ["1 234,50", {}, "1234.50"],
    ["1\u00a0234,50", {}, "1234.50"],
    ["1\u202f234 567,5", {}, "1234567.5"],
    ["1'234.50", {}, "1234.50"],
    ["1’234’567", {}, "1234567"],
    ["1,234,567", {}, "1234567"],
    ["1.234.567", {}, "1234567"],
    ["12,34,567.00", {}, "1234567.00"],
    ["(1,234.00)", {}, "-1234.00"],
    ["( 500,00 )", EU, "-500.00"],
    ["1234.50-", {}, "-1234.50"],
    ["-1234.5", {}, "-1234.5"],
    ["−12", {}, "-12"],
    ["+12", {}, "12"],
    ["€ 1.234,50", {}, "1234.50"],
    ["-€12", {}, "-12"],
    ["$1,000", {}, "1000"],
    ["1 234 kr", EU, "1234"],
    ["EUR 1.000", EU, "1000", "EUR"],
    ["1,000.00 USD", {}, "1000.00", "USD"],
    ["(CHF 250.00)", {}, "-250.00", "CHF"],
    ["0.1", {}, "0.1"],
    [".5", {}, "0.5"],
    ["007", {}, "7"],
    ["-0.00", {}, "0.00"],
    ["123456789012345678901234.123456789", {}, "123456789012345678901234.123456789"],
    ["-", {}, "0"],
    ["—", {}, "0"],
    ["–", {}, "0"],
    ["", {}, null],
    ["   ", {}, null],
    // The column's separator decides what a lone separator means.
    ["1,234", {}, "1234"],
    ["1.234", {}, "1.234"],
    ["1.234", EU, "1234"],
    ["1,234", US, "1234"],
    ["1,5", {}, "1.5"],
    ["1,234", EU, "1.234"],
  ];
  for (const [text, options, value, currency] of accepted) {
    it(`reads ${JSON.stringify(text)}${options.decimalSeparator ? ` with "${options.decimalSeparator}" as decimal` : ""}`, () => {
      const result = parseAmount(text, options);
      assert.ok("value" in result, `${text}: ${"error" in result ? result.error : ""}`);
      assert.equal(result.value, value);
      assert.equal(result.currency, currency);
    });
  }

  const refused: [string, AmountOptions, RegExp][] = [
    ["abc", {}, /not an amount/],
    ["12%", {}, /not an amount/],
    ["1,23,4.00", {}, /misplaced thousands/],
    ["1.234,50", US, /misplaced thousands/],
    ["12,34.5", {}, /misplaced thousands/],
    ["(-5)", {}, /more than one minus/],
    ["-5-", {}, /more than one minus/],
    ["1.5E+10", {}, /scientific notation/],
    ["N/A", {}, /not an amount/],
    ["2024-01-31", {}, /not an amount/],
    ["€", {}, /not an amount/],
  ];
  for (const [text, options, message] of refused) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      const result = parseAmount(text, options);
      assert.ok("error" in result, `${text} gave ${JSON.stringify(result)}`);
      assert.match(result.error, message);
    });
  }
});

describe("inferDecimalSeparator", () => {
  it("learns the column's separator from the values that tell", () => {
    assert.equal(inferDecimalSeparator(["1.234", "12,50", "3"]), ",");
    assert.equal(inferDecimalSeparator(["1,234", "12.5"]), ".");
    assert.equal(inferDecimalSeparator(["1.234.567", "8"]), ",");
    assert.equal(inferDecimalSeparator(["1,234,567"]), ".");
    assert.equal(inferDecimalSeparator(["1.234,50"]), ",");
    assert.equal(inferDecimalSeparator(["€ 1 234,5"]), ",");
  });

  it("says nothing when no value tells", () => {
    assert.equal(inferDecimalSeparator(["1,234", "5,678"]), null);
    assert.equal(inferDecimalSeparator(["12", "-"]), null);
  });
});
