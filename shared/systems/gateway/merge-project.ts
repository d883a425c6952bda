import { currencyExponent, divideRounded, formatDecimal, toMoney, variance, type Money } from "../../kernel/money.js";
import type { RfcResult } from "../../ports/sap-rfc.js";
import type { SapProjectRow, SapResourcePlanRow, SapWbsRow } from "../../sap/sap-functions.js";
import {
  IssueCollector,
  sapAmountMinor,
  sapCurrency,
  sapDate,
  sapId,
  sapQuantity,
  sapText,
  type DataIssue,
} from "../../sap/sap-normalize.js";
import type { ProjectRecord } from "./project-repository.js";
import type { ChecksumEntry } from "../../sap/billing-checksum.js";

/** SAP system statuses, as the platform names them. */
const SAP_STATUS: Record<string, string> = {
  CRTD: "created",
  REL: "released",
  TECO: "technically_completed",
  CLSD: "closed",
};

/** The merged read model of one project: SAP (source of truth) plus the SQL extension. */
export interface MergedProject {
  readonly projectId: string;
  readonly sapInternalId: string | null;
  /** The SQL name when one was given, else SAP's description. */
  readonly name: string;
  readonly department: string | null;
  readonly companyCode: string | null;
  readonly currency: string | null;
  readonly responsible: string | null;
  readonly startDate: string | null;
  readonly endDate: string | null;
  readonly sapStatus: string | null;
  /** The platform's workflow status, kept in SQL. */
  readonly status: string | null;
  readonly pricing: {
    readonly model: "fixed_price" | "time_and_materials" | null;
    readonly contractValue: Money | null;
    readonly plannedMargin: Money | null;
  };
  readonly costs: {
    readonly planned: Money | null;
    readonly actual: Money | null;
    readonly variance: Money | null;
    readonly variancePct: string | null;
  };
  readonly billing: {
    /** Billing entries SQL holds for the project (completed sagas and mirrored SAP entries). */
    readonly recordedEntries: number;
    /** Their sum in the project currency (entries in other currencies are not added). */
    readonly recordedTotal: Money | null;
    readonly billedToDate: Money | null;
    readonly remainingToBill: Money | null;
    readonly lastBillingDate: string | null;
  };
  readonly outsourcing: {
    readonly outsourcedCost: Money | null;
    /** Share of actual cost bought in, percent with two decimals. */
    readonly shareOfActualPct: string | null;
  };
  readonly resourcePlanning: {
    readonly plannedHours: string;
    readonly actualHours: string;
    readonly assignments: readonly {
      readonly resourceId: string;
      readonly pep: string;
      readonly plannedHours: string;
      readonly actualHours: string;
    }[];
  };
  readonly wbsElements: readonly { readonly pep: string; readonly description: string; readonly level: number }[];
  readonly metadata: {
    readonly sapProjectCode: string | null;
    readonly customField1: string | null;
    readonly customField2: string | null;
    readonly sapChangedOn: string | null;
    readonly sqlUpdatedAt: string | null;
    readonly hasSqlRecord: boolean;
  };
  /** Normalisation and SAP↔SQL consistency problems, reported rather than thrown away. */
  readonly validation: { readonly consistent: boolean; readonly issues: readonly DataIssue[] };
  /** The SQL row's version (0 when there is none yet); the ETag is derived from it. */
  readonly version: number;
}

const HOURS_SCALE = 1;

/** Merges Z_READ_PROJECT_DATA's answer with the SQL record, normalising every SAP value. */
export function mergeProject(
  projectId: string,
  sap: RfcResult,
  record: ProjectRecord | undefined,
  billing: readonly ChecksumEntry[] = [],
): MergedProject {
  const issues = new IssueCollector();
  const header = (sap.ES_HEADER ?? {}) as Partial<SapProjectRow>;
  const wbs = (sap.ET_WBS ?? []) as SapWbsRow[];
  const plan = (sap.ET_RESOURCE_PLAN ?? []) as SapResourcePlanRow[];

  const sapCode = issues.read(() => sapId("ES_HEADER.PSPID", header.PSPID));
  const currency = issues.read(() => sapCurrency("ES_HEADER.WAERS", header.WAERS));
  const amount = (field: keyof SapProjectRow) => issues.read(() => sapAmountMinor(`ES_HEADER.${field}`, header[field]));
  const contract = amount("NETWR");
  const planned = amount("PLKOST");
  const actual = amount("ISTKOST");
  const billed = amount("FAKTWR");
  const outsourced = amount("OUTSRC");
  const money = (minor: bigint | null) => (minor === null || currency === null ? null : toMoney(minor, currency));
  const costVariance = actual !== null && planned !== null ? variance(actual, planned) : null;

  const assignments = plan.map((row, i) => ({
    resourceId: issues.read(() => sapId(`ET_RESOURCE_PLAN[${i}].PERNR`, row.PERNR)) ?? "",
    pep: issues.read(() => sapText(`ET_RESOURCE_PLAN[${i}].POSID`, row.POSID)) ?? "",
    planned: issues.read(() => sapQuantity(`ET_RESOURCE_PLAN[${i}].PLANSTD`, row.PLANSTD, HOURS_SCALE)) ?? 0n,
    actual: issues.read(() => sapQuantity(`ET_RESOURCE_PLAN[${i}].ISTSTD`, row.ISTSTD, HOURS_SCALE)) ?? 0n,
  }));

  if (record && sapCode !== null && record.sapProjectCode !== sapCode) {
    issues.add({
      field: "metadata.sapProjectCode",
      code: "ID_MISMATCH",
      message: `SQL records SAP project ${record.sapProjectCode}, SAP answers ${sapCode}`,
    });
  }
  if (!record) {
    issues.add({
      field: "metadata.hasSqlRecord",
      code: "NO_SQL_RECORD",
      message: "SQL holds no extended record for this project yet",
    });
  } else if (record.totalCostMinor !== null && actual !== null && currency !== null) {
    if (record.costCurrency !== null && record.costCurrency !== currency) {
      issues.add({
        field: "costs.actual",
        code: "CURRENCY_MISMATCH",
        message: `SQL records costs in ${record.costCurrency}, SAP in ${currency}`,
      });
    } else if (exceedsCent(record.totalCostMinor - actual, currency)) {
      issues.add({
        field: "costs.actual",
        code: "COST_TOTAL_MISMATCH",
        message: `SQL cost total ${toMoney(record.totalCostMinor, currency).amount} differs from SAP's ${toMoney(actual, currency).amount} by more than 0.01 ${currency}`,
      });
    }
  }

  // Entries in another currency (stored before the saga refused them) are left out of the
  // total, so the record says so instead of showing a consistent, smaller total.
  const foreign = new Map<string, bigint>();
  for (const e of billing) {
    if (currency !== null && e.currency !== currency)
      foreign.set(e.currency, (foreign.get(e.currency) ?? 0n) + e.amountMinor);
  }
  for (const [other, sum] of foreign) {
    issues.add({
      field: "billing.recordedTotal",
      code: "BILLING_CURRENCY_MISMATCH",
      message: `Billing entries of ${toMoney(sum, other).amount} ${other} are not in the project currency ${currency} and are not in the total`,
    });
  }

  const sapName = issues.read(() => sapText("ES_HEADER.POST1", header.POST1)) ?? "";
  const sapStatus = issues.read(() => sapText("ES_HEADER.STATUS", header.STATUS));
  const projectType = header.PRART?.trim();
  return {
    projectId,
    sapInternalId: issues.read(() => sapId("ES_HEADER.PSPNR", header.PSPNR)),
    name: record?.name ?? sapName,
    department: issues.read(() => sapText("ES_HEADER.ABTEI", header.ABTEI)) || null,
    companyCode: issues.read(() => sapText("ES_HEADER.BUKRS", header.BUKRS)) || null,
    currency,
    responsible: issues.read(() => sapText("ES_HEADER.VERNA", header.VERNA)) || null,
    startDate: issues.read(() => sapDate("ES_HEADER.PLFAZ", header.PLFAZ, { required: true })),
    endDate: issues.read(() => sapDate("ES_HEADER.PLSEZ", header.PLSEZ, { required: false })),
    sapStatus: sapStatus === null ? null : (SAP_STATUS[sapStatus] ?? sapStatus),
    status: record?.status ?? null,
    pricing: {
      model: projectType === "FP" ? "fixed_price" : projectType === "TM" ? "time_and_materials" : null,
      contractValue: money(contract),
      plannedMargin: contract !== null && planned !== null ? money(contract - planned) : null,
    },
    costs: {
      planned: money(planned),
      actual: money(actual),
      variance: costVariance ? money(costVariance.variance) : null,
      variancePct: costVariance?.variancePct ?? null,
    },
    billing: {
      recordedEntries: billing.length,
      recordedTotal: money(
        currency === null
          ? null
          : billing.filter((e) => e.currency === currency).reduce((sum, e) => sum + e.amountMinor, 0n),
      ),
      billedToDate: money(billed),
      remainingToBill: contract !== null && billed !== null ? money(contract - billed) : null,
      lastBillingDate: issues.read(() => sapDate("ES_HEADER.FAKDAT", header.FAKDAT, { required: false })),
    },
    outsourcing: {
      outsourcedCost: money(outsourced),
      shareOfActualPct: outsourced !== null && actual !== null && actual !== 0n ? percentOf(outsourced, actual) : null,
    },
    resourcePlanning: {
      plannedHours: formatDecimal(
        assignments.reduce((sum, a) => sum + a.planned, 0n),
        HOURS_SCALE,
      ),
      actualHours: formatDecimal(
        assignments.reduce((sum, a) => sum + a.actual, 0n),
        HOURS_SCALE,
      ),
      assignments: assignments.map((a) => ({
        resourceId: a.resourceId,
        pep: a.pep,
        plannedHours: formatDecimal(a.planned, HOURS_SCALE),
        actualHours: formatDecimal(a.actual, HOURS_SCALE),
      })),
    },
    wbsElements: wbs.map((row, i) => ({
      pep: issues.read(() => sapId(`ET_WBS[${i}].POSID`, row.POSID)) ?? "",
      description: issues.read(() => sapText(`ET_WBS[${i}].POST1`, row.POST1)) ?? "",
      level: Number(String(row.STUFE ?? "").trim()) || 1,
    })),
    metadata: {
      sapProjectCode: sapCode,
      customField1: record?.customField1 ?? null,
      customField2: record?.customField2 ?? null,
      sapChangedOn: issues.read(() => sapDate("ES_HEADER.AEDAT", header.AEDAT, { required: false })),
      sqlUpdatedAt: record?.updatedAt ?? null,
      hasSqlRecord: record !== undefined,
    },
    validation: { consistent: issues.issues.every((i) => i.code === "NO_SQL_RECORD"), issues: issues.issues },
    version: record?.version ?? 0,
  };
}

/** True when |difference| > 0.01 in the currency's units (1 cent, 10 fils, any yen). */
function exceedsCent(differenceMinor: bigint, currency: string): boolean {
  const magnitude = differenceMinor < 0n ? -differenceMinor : differenceMinor;
  return magnitude * 100n > 10n ** BigInt(currencyExponent(currency));
}

/** part / whole as a percentage with two decimals, rounded half away from zero. */
function percentOf(part: bigint, whole: bigint): string {
  return formatDecimal(divideRounded(part * 10_000n, whole), 2);
}
