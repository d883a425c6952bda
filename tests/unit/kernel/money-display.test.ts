import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { displayMoney, groupThousands } from "../../../shared/kernel/money.js";

describe("money for people", () => {
  it("groups thousands on the digits given, nothing rounded", () => {
    assert.equal(groupThousands("1234567.89"), "1,234,567.89");
    assert.equal(groupThousands("-1234.5"), "-1,234.5");
    assert.equal(groupThousands("999"), "999");
    assert.equal(groupThousands("1000"), "1,000");
    assert.equal(groupThousands("0.123456"), "0.123456");
    assert.equal(groupThousands("12345678901234567890.01"), "12,345,678,901,234,567,890.01");
    assert.equal(groupThousands("n/a"), "n/a");
  });

  it("shows an amount with its currency, in the currency's decimals", () => {
    assert.equal(displayMoney("1234567.89", "EUR"), "1,234,567.89 EUR");
    // Past 2^53: a float would print 9007199254740993 as ...992.
    assert.equal(displayMoney("90071992547409.93", "EUR"), "90,071,992,547,409.93 EUR");
    assert.equal(displayMoney("-12.5", "EUR"), "-12.50 EUR");
    assert.equal(displayMoney("1500000", "JPY"), "1,500,000 JPY");
    assert.equal(displayMoney("1234.5", "KWD"), "1,234.500 KWD");
    assert.equal(displayMoney("0.00", "USD"), "0.00 USD");
  });
});
