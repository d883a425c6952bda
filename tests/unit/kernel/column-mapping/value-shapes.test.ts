import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  isAmountLike,
  isCurrencyCode,
  isDateLike,
  isIbanLike,
  isPeriodLike,
  isPersonNameLike,
} from "../../../../shared/kernel/column-mapping/value-shapes.js";

describe("value shapes", () => {
  it("recognises amounts as spreadsheets show them", () => {
    for (const text of [
      "1,234.56",
      "1.234,56",
      "1 234",
      "1\u00a0234,50",
      "(1,234.00)",
      "-12",
      "12-",
      "€ 12",
      "12 EUR",
      "-",
      "1'000",
      "0.5",
    ]) {
      assert.equal(isAmountLike(text), true, text);
    }
    for (const text of ["2024-01", "01/2024", "abc", "12 apples", "1,2,3", "", "12%"])
      assert.equal(isAmountLike(text), false, text);
  });

  it("recognises periods in five languages and fiscal notations", () => {
    for (const text of [
      "2024-01",
      "01/2024",
      "Jan-24",
      "Q1 2024",
      "2024 Q1",
      "FY2024 P03",
      "FY24",
      "Enero 2024",
      "janv. 2024",
      "März 2024",
      "mrt 2024",
      "P03",
      "202401",
      "2024",
      "FY2024/25",
      "H1 2024",
    ]) {
      assert.equal(isPeriodLike(text), true, text);
    }
    for (const text of ["24", "1,234", "Engineering", "2024-01-31", "P17"])
      assert.equal(isPeriodLike(text), false, text);
  });

  it("tells dates from periods", () => {
    for (const text of ["2024-01-31", "31/01/2024", "1/31/24", "31.01.2024", "31 Jan 2024", "2024-01-31T10:00:00Z"]) {
      assert.equal(isDateLike(text), true, text);
    }
    for (const text of ["2024-01", "Q1 2024", "32/01/2024"]) assert.equal(isDateLike(text), false, text);
  });

  it("knows ISO 4217 codes and IBAN check digits", () => {
    assert.equal(isCurrencyCode("EUR"), true);
    assert.equal(isCurrencyCode("usd"), true);
    assert.equal(isCurrencyCode("ABC"), false);
    assert.equal(isCurrencyCode("Top"), false);
    assert.equal(isIbanLike("GB82 WEST 1234 5698 7654 32"), true);
    assert.equal(isIbanLike("GB83 WEST 1234 5698 7654 32"), false);
  });

  it("sees person names but not departments", () => {
    assert.equal(isPersonNameLike("Jane Doe"), true);
    assert.equal(isPersonNameLike("Anna van der Berg"), true);
    assert.equal(isPersonNameLike("Engineering"), false);
    assert.equal(isPersonNameLike("IT Services"), false);
  });
});
