import { z } from "zod";

/** Wire shapes of the SAP + SQL gateway (camelCase, as seed 000's contracts are). */
export const moneyView = z.object({
  amount: z.string().describe("Decimal string in the currency's precision"),
  currency: z.string(),
});

export const dataIssueView = z.object({
  field: z.string(),
  code: z.enum([
    "INVALID_SAP_VALUE",
    "ID_MISMATCH",
    "COST_TOTAL_MISMATCH",
    "NO_SQL_RECORD",
    "CURRENCY_MISMATCH",
    "BILLING_CURRENCY_MISMATCH",
  ]),
  message: z.string(),
});

export const projectView = z.object({
  projectId: z.string(),
  sapInternalId: z.string().nullable(),
  name: z.string(),
  department: z.string().nullable(),
  companyCode: z.string().nullable(),
  currency: z.string().nullable(),
  responsible: z.string().nullable(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  sapStatus: z.string().nullable(),
  status: z.string().nullable(),
  pricing: z.object({
    model: z.enum(["fixed_price", "time_and_materials"]).nullable(),
    contractValue: moneyView.nullable(),
    plannedMargin: moneyView.nullable(),
  }),
  costs: z.object({
    planned: moneyView.nullable(),
    actual: moneyView.nullable(),
    variance: moneyView.nullable(),
    variancePct: z.string().nullable(),
  }),
  billing: z.object({
    recordedEntries: z.number().int(),
    recordedTotal: moneyView.nullable(),
    billedToDate: moneyView.nullable(),
    remainingToBill: moneyView.nullable(),
    lastBillingDate: z.string().nullable(),
  }),
  outsourcing: z.object({ outsourcedCost: moneyView.nullable(), shareOfActualPct: z.string().nullable() }),
  resourcePlanning: z.object({
    plannedHours: z.string(),
    actualHours: z.string(),
    assignments: z.array(
      z.object({ resourceId: z.string(), pep: z.string(), plannedHours: z.string(), actualHours: z.string() }),
    ),
  }),
  wbsElements: z.array(z.object({ pep: z.string(), description: z.string(), level: z.number().int() })),
  metadata: z.object({
    sapProjectCode: z.string().nullable(),
    customField1: z.string().nullable(),
    customField2: z.string().nullable(),
    sapChangedOn: z.string().nullable(),
    sqlUpdatedAt: z.string().nullable(),
    hasSqlRecord: z.boolean(),
  }),
  validation: z.object({ consistent: z.boolean(), issues: z.array(dataIssueView) }),
  version: z.number().int(),
});
