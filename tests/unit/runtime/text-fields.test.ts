import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { z } from "zod";
import { functions } from "../../../functions/catalog.js";
import { text, textSchemas } from "../../../functions/runtime/schemas.js";

/**
 * String fields of request schemas that are not free text and need no text schema: each is
 * either never shown or stored as given (passwords are hashed) or a closed list checked in
 * code. Anything else that is a plain string must be `text(...)` or carry a format (regex,
 * uuid, date).
 */
const NOT_FREE_TEXT = new Set([
  "auth-login body.password",
  "auth-register body.password",
  "users-create body.password",
  "users-reset-password body.password",
  "projects-billing-post body.entries[].currency",
]);

interface Def {
  readonly type: string;
  readonly format?: string;
  readonly checks?: readonly { readonly _zod: { readonly def: { readonly check: string } } }[];
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
  readonly valueType?: z.ZodType;
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Walks `schema`'s string leaves: text schemas go to `text`, plain (unformatted) strings to `plain`, by path. */
function stringLeaves(schema: z.ZodType, path: string, found: { text: string[]; plain: string[] }): void {
  const def = defOf(schema);
  const walk = (child: z.ZodType | undefined, childPath = path) => child && stringLeaves(child, childPath, found);
  switch (def.type) {
    case "string": {
      const formatted =
        def.format !== undefined || (def.checks ?? []).some((c) => c._zod.def.check === "string_format");
      if (textSchemas.has(schema)) found.text.push(path);
      else if (!formatted) found.plain.push(path);
      return;
    }
    case "object":
      for (const [key, field] of Object.entries(def.shape ?? {})) walk(field, `${path}.${key}`);
      return;
    case "array":
      return walk(def.element, `${path}[]`);
    case "pipe":
      return walk(def.in);
    case "union":
      for (const option of def.options ?? []) walk(option);
      return;
    case "intersection":
      walk(def.left);
      return walk(def.right);
    case "record":
      return walk(def.valueType, `${path}{}`);
    default:
      return walk(def.innerType); // optional, nullable, default, readonly, ...
  }
}

describe("free text at the edge", () => {
  it("every string field of every request body, query, path and queue message is a text schema or formatted", () => {
    const found = { text: [] as string[], plain: [] as string[] };
    for (const declaration of functions) {
      const inputs: [string, z.ZodType | undefined][] =
        declaration.kind === "http"
          ? [
              ["path", declaration.params],
              ["query", declaration.query],
              ["body", declaration.body],
            ]
          : declaration.kind === "serviceBusQueue"
            ? [["message", declaration.message]]
            : [];
      for (const [location, schema] of inputs)
        if (schema) stringLeaves(schema, `${declaration.name} ${location}`, found);
    }
    assert.deepEqual(
      found.plain.filter((leaf) => !NOT_FREE_TEXT.has(leaf)),
      [],
      "plain string fields: use text(...) from functions/runtime/schemas.ts",
    );
    assert.deepEqual(found.text.sort(), [
      "anomaly-detect query.account_type",
      "anomaly-detect query.companyCode",
      "anomaly-detect query.company_code",
      "anomaly-detect query.company_code_currency_key",
      "anomaly-detect query.cost_center_id",
      "anomaly-detect query.cost_center_name",
      "anomaly-detect query.directorate",
      "anomaly-detect query.entity",
      "anomaly-detect query.functional_area",
      "anomaly-detect query.functional_area_name",
      "anomaly-detect query.fund",
      "anomaly-detect query.general_ledger_account",
      "anomaly-detect query.general_ledger_account_name",
      "anomaly-detect query.ledger",
      "anomaly-detect query.level_1",
      "anomaly-detect query.level_7",
      "anomaly-detect query.profit_center_id",
      "anomaly-detect query.profit_center_name",
      "anomaly-detect query.region",
      "anomaly-detect query.remapping_directorate",
      "anomaly-detect query.status",
      "anomaly-detect query.supplier",
      "anomaly-detect query.transaction",
      "anomaly-ml query.account_type",
      "anomaly-ml query.companyCode",
      "anomaly-ml query.company_code",
      "anomaly-ml query.company_code_currency_key",
      "anomaly-ml query.cost_center_id",
      "anomaly-ml query.cost_center_name",
      "anomaly-ml query.directorate",
      "anomaly-ml query.entity",
      "anomaly-ml query.functional_area",
      "anomaly-ml query.functional_area_name",
      "anomaly-ml query.fund",
      "anomaly-ml query.general_ledger_account",
      "anomaly-ml query.general_ledger_account_name",
      "anomaly-ml query.ledger",
      "anomaly-ml query.level_1",
      "anomaly-ml query.level_7",
      "anomaly-ml query.profit_center_id",
      "anomaly-ml query.profit_center_name",
      "anomaly-ml query.region",
      "anomaly-ml query.remapping_directorate",
      "anomaly-ml query.status",
      "anomaly-ml query.supplier",
      "anomaly-ml query.transaction",
      "anomaly-statistical query.account_type",
      "anomaly-statistical query.companyCode",
      "anomaly-statistical query.company_code",
      "anomaly-statistical query.company_code_currency_key",
      "anomaly-statistical query.cost_center_id",
      "anomaly-statistical query.cost_center_name",
      "anomaly-statistical query.directorate",
      "anomaly-statistical query.entity",
      "anomaly-statistical query.functional_area",
      "anomaly-statistical query.functional_area_name",
      "anomaly-statistical query.fund",
      "anomaly-statistical query.general_ledger_account",
      "anomaly-statistical query.general_ledger_account_name",
      "anomaly-statistical query.ledger",
      "anomaly-statistical query.level_1",
      "anomaly-statistical query.level_7",
      "anomaly-statistical query.profit_center_id",
      "anomaly-statistical query.profit_center_name",
      "anomaly-statistical query.region",
      "anomaly-statistical query.remapping_directorate",
      "anomaly-statistical query.status",
      "anomaly-statistical query.supplier",
      "anomaly-statistical query.transaction",
      "anomaly-trends query.account_type",
      "anomaly-trends query.companyCode",
      "anomaly-trends query.company_code",
      "anomaly-trends query.company_code_currency_key",
      "anomaly-trends query.cost_center_id",
      "anomaly-trends query.cost_center_name",
      "anomaly-trends query.directorate",
      "anomaly-trends query.entity",
      "anomaly-trends query.functional_area",
      "anomaly-trends query.functional_area_name",
      "anomaly-trends query.fund",
      "anomaly-trends query.general_ledger_account",
      "anomaly-trends query.general_ledger_account_name",
      "anomaly-trends query.ledger",
      "anomaly-trends query.level_1",
      "anomaly-trends query.level_7",
      "anomaly-trends query.profit_center_id",
      "anomaly-trends query.profit_center_name",
      "anomaly-trends query.region",
      "anomaly-trends query.remapping_directorate",
      "anomaly-trends query.status",
      "anomaly-trends query.supplier",
      "anomaly-trends query.transaction",
      "api-docs-asset path.asset",
      "audit-log-list query.action",
      "auth-login body.username",
      "auth-logout body.refresh_token",
      "auth-refresh body.refresh_token",
      "budget-check body.department",
      "budget-check body.fiscalPeriod",
      "budget-check body.requester",
      "budget-check body.subCategory",
      "budget-check body.supplier",
      "budget-reservations-create body.department",
      "budget-reservations-create body.fiscalPeriod",
      "budget-reservations-create body.reference",
      "budget-reservations-create body.requester",
      "budget-reservations-create body.subCategory",
      "budget-reservations-create body.supplier",
      "budget-rules-create body.department",
      "budget-rules-create body.subCategory",
      "budget-rules-update body.department",
      "budget-rules-update body.subCategory",
      "budget-sources-create body.name",
      "budget-sources-update body.name",
      "budget-webhooks-create body.description",
      "budget-webhooks-create body.url",
      "budgets-list query.department",
      "charts-anomaly-scatter query.account_type",
      "charts-anomaly-scatter query.companyCode",
      "charts-anomaly-scatter query.company_code",
      "charts-anomaly-scatter query.company_code_currency_key",
      "charts-anomaly-scatter query.cost_center_id",
      "charts-anomaly-scatter query.cost_center_name",
      "charts-anomaly-scatter query.directorate",
      "charts-anomaly-scatter query.entity",
      "charts-anomaly-scatter query.functional_area",
      "charts-anomaly-scatter query.functional_area_name",
      "charts-anomaly-scatter query.fund",
      "charts-anomaly-scatter query.general_ledger_account",
      "charts-anomaly-scatter query.general_ledger_account_name",
      "charts-anomaly-scatter query.ledger",
      "charts-anomaly-scatter query.level_1",
      "charts-anomaly-scatter query.level_7",
      "charts-anomaly-scatter query.profit_center_id",
      "charts-anomaly-scatter query.profit_center_name",
      "charts-anomaly-scatter query.region",
      "charts-anomaly-scatter query.remapping_directorate",
      "charts-anomaly-scatter query.status",
      "charts-anomaly-scatter query.supplier",
      "charts-anomaly-scatter query.transaction",
      "charts-category-breakdown query.account_type",
      "charts-category-breakdown query.companyCode",
      "charts-category-breakdown query.company_code",
      "charts-category-breakdown query.company_code_currency_key",
      "charts-category-breakdown query.cost_center_id",
      "charts-category-breakdown query.cost_center_name",
      "charts-category-breakdown query.directorate",
      "charts-category-breakdown query.entity",
      "charts-category-breakdown query.functional_area",
      "charts-category-breakdown query.functional_area_name",
      "charts-category-breakdown query.fund",
      "charts-category-breakdown query.general_ledger_account",
      "charts-category-breakdown query.general_ledger_account_name",
      "charts-category-breakdown query.ledger",
      "charts-category-breakdown query.level_1",
      "charts-category-breakdown query.level_7",
      "charts-category-breakdown query.profit_center_id",
      "charts-category-breakdown query.profit_center_name",
      "charts-category-breakdown query.region",
      "charts-category-breakdown query.remapping_directorate",
      "charts-category-breakdown query.status",
      "charts-category-breakdown query.supplier",
      "charts-category-breakdown query.transaction",
      "charts-heatmap query.account_type",
      "charts-heatmap query.companyCode",
      "charts-heatmap query.company_code",
      "charts-heatmap query.company_code_currency_key",
      "charts-heatmap query.cost_center_id",
      "charts-heatmap query.cost_center_name",
      "charts-heatmap query.directorate",
      "charts-heatmap query.entity",
      "charts-heatmap query.functional_area",
      "charts-heatmap query.functional_area_name",
      "charts-heatmap query.fund",
      "charts-heatmap query.general_ledger_account",
      "charts-heatmap query.general_ledger_account_name",
      "charts-heatmap query.ledger",
      "charts-heatmap query.level_1",
      "charts-heatmap query.level_7",
      "charts-heatmap query.profit_center_id",
      "charts-heatmap query.profit_center_name",
      "charts-heatmap query.region",
      "charts-heatmap query.remapping_directorate",
      "charts-heatmap query.status",
      "charts-heatmap query.supplier",
      "charts-heatmap query.transaction",
      "charts-rca-waterfall body.filters.dimensions{}",
      "charts-trend query.account_type",
      "charts-trend query.companyCode",
      "charts-trend query.company_code",
      "charts-trend query.company_code_currency_key",
      "charts-trend query.cost_center_id",
      "charts-trend query.cost_center_name",
      "charts-trend query.directorate",
      "charts-trend query.entity",
      "charts-trend query.functional_area",
      "charts-trend query.functional_area_name",
      "charts-trend query.fund",
      "charts-trend query.general_ledger_account",
      "charts-trend query.general_ledger_account_name",
      "charts-trend query.ledger",
      "charts-trend query.level_1",
      "charts-trend query.level_7",
      "charts-trend query.profit_center_id",
      "charts-trend query.profit_center_name",
      "charts-trend query.region",
      "charts-trend query.remapping_directorate",
      "charts-trend query.status",
      "charts-trend query.supplier",
      "charts-trend query.transaction",
      "chat-ask body.message",
      "chat-rooms-create body.title",
      "chat-rooms-update body.title",
      "customers-create body.name",
      "dashboard-get query.account_type",
      "dashboard-get query.companyCode",
      "dashboard-get query.company_code",
      "dashboard-get query.company_code_currency_key",
      "dashboard-get query.cost_center_id",
      "dashboard-get query.cost_center_name",
      "dashboard-get query.directorate",
      "dashboard-get query.entity",
      "dashboard-get query.functional_area",
      "dashboard-get query.functional_area_name",
      "dashboard-get query.fund",
      "dashboard-get query.general_ledger_account",
      "dashboard-get query.general_ledger_account_name",
      "dashboard-get query.ledger",
      "dashboard-get query.level_1",
      "dashboard-get query.level_7",
      "dashboard-get query.profit_center_id",
      "dashboard-get query.profit_center_name",
      "dashboard-get query.region",
      "dashboard-get query.remapping_directorate",
      "dashboard-get query.status",
      "dashboard-get query.supplier",
      "dashboard-get query.transaction",
      "eda-breakdown query.account_type",
      "eda-breakdown query.companyCode",
      "eda-breakdown query.company_code",
      "eda-breakdown query.company_code_currency_key",
      "eda-breakdown query.cost_center_id",
      "eda-breakdown query.cost_center_name",
      "eda-breakdown query.directorate",
      "eda-breakdown query.entity",
      "eda-breakdown query.functional_area",
      "eda-breakdown query.functional_area_name",
      "eda-breakdown query.fund",
      "eda-breakdown query.general_ledger_account",
      "eda-breakdown query.general_ledger_account_name",
      "eda-breakdown query.ledger",
      "eda-breakdown query.level_1",
      "eda-breakdown query.level_7",
      "eda-breakdown query.profit_center_id",
      "eda-breakdown query.profit_center_name",
      "eda-breakdown query.region",
      "eda-breakdown query.remapping_directorate",
      "eda-breakdown query.status",
      "eda-breakdown query.supplier",
      "eda-breakdown query.transaction",
      "eda-summary query.account_type",
      "eda-summary query.companyCode",
      "eda-summary query.company_code",
      "eda-summary query.company_code_currency_key",
      "eda-summary query.cost_center_id",
      "eda-summary query.cost_center_name",
      "eda-summary query.directorate",
      "eda-summary query.entity",
      "eda-summary query.functional_area",
      "eda-summary query.functional_area_name",
      "eda-summary query.fund",
      "eda-summary query.general_ledger_account",
      "eda-summary query.general_ledger_account_name",
      "eda-summary query.ledger",
      "eda-summary query.level_1",
      "eda-summary query.level_7",
      "eda-summary query.profit_center_id",
      "eda-summary query.profit_center_name",
      "eda-summary query.region",
      "eda-summary query.remapping_directorate",
      "eda-summary query.status",
      "eda-summary query.supplier",
      "eda-summary query.transaction",
      "eda-timeseries query.account_type",
      "eda-timeseries query.companyCode",
      "eda-timeseries query.company_code",
      "eda-timeseries query.company_code_currency_key",
      "eda-timeseries query.cost_center_id",
      "eda-timeseries query.cost_center_name",
      "eda-timeseries query.directorate",
      "eda-timeseries query.entity",
      "eda-timeseries query.functional_area",
      "eda-timeseries query.functional_area_name",
      "eda-timeseries query.fund",
      "eda-timeseries query.general_ledger_account",
      "eda-timeseries query.general_ledger_account_name",
      "eda-timeseries query.ledger",
      "eda-timeseries query.level_1",
      "eda-timeseries query.level_7",
      "eda-timeseries query.profit_center_id",
      "eda-timeseries query.profit_center_name",
      "eda-timeseries query.region",
      "eda-timeseries query.remapping_directorate",
      "eda-timeseries query.status",
      "eda-timeseries query.supplier",
      "eda-timeseries query.transaction",
      "excel-import body.fileName",
      "excel-import body.mappings[].sourceColumn",
      "excel-import body.mappings[].targetField",
      "excel-import body.rows[][]",
      "excel-import body.userId",
      "invoices-inbound message.file_name",
      "invoices-inbound message.source_ref",
      "invoices-inbound message.ubl",
      "invoices-process body.invoice_ids[]",
      "projects-billing-post body.entries[].description",
      "projects-update body.customField1",
      "projects-update body.customField2",
      "projects-update body.name",
      "rca-analyze body.filters.dimensions{}",
      "reconciliation-inconsistencies-resolve body.comment",
    ]);
  });

  it("text() refuses control characters, non-characters and lone surrogates, naming the character", () => {
    const name = text({ max: 50 });
    const message = (value: string) => name.safeParse(value).error?.issues.map((i) => i.message);
    assert.deepEqual(message("a\ufffeb"), ["must not contain non-character U+FFFE (at character 2)"]);
    assert.deepEqual(message("😀\u{10ffff}"), ["must not contain non-character U+10FFFF (at character 2)"]);
    assert.deepEqual(message("ab\u0001"), ["must not contain control character U+0001 (at character 3)"]);
    assert.deepEqual(message("x\udc00"), ["must not contain a lone surrogate U+DC00 (at character 2)"]);
    assert.deepEqual(message("one\ntwo"), ["must not contain control character U+000A (at character 4)"]);
    assert.equal(name.parse("  Café 日本 😀  "), "Café 日本 😀");
    assert.equal(name.safeParse("   ").success, false, "blank");
  });

  it("text({ multiline: true }) accepts tab, CR and LF inside, nothing else", () => {
    const comment = text({ max: 100, multiline: true });
    assert.equal(comment.parse("one\r\n\ttwo"), "one\r\n\ttwo");
    assert.equal(comment.safeParse("one\u000btwo").success, false);
    assert.equal(comment.safeParse("one\u2028two").success, true, "U+2028 is a character, not a control");
  });

  it("text({ trim: false }) keeps the value as sent", () => {
    assert.equal(text({ max: 10, trim: false }).parse(" a "), " a ");
  });
});
