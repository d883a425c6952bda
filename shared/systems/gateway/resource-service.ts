import { divideRounded, formatDecimal, toMoney, type Money } from "../../kernel/money.js";
import type { GuardedSapClient } from "../../sap/guarded-sap-client.js";
import type { SapResourceRow } from "../../sap/sap-functions.js";
import {
  IssueCollector,
  compareIds,
  sapAmountMinor,
  sapCurrency,
  sapId,
  sapQuantity,
  sapText,
  type DataIssue,
} from "../../sap/sap-normalize.js";

/** A person who can be planned on projects, from SAP HR/CO. */
export interface Resource {
  readonly resourceId: string;
  readonly name: string;
  readonly department: string | null;
  readonly costCenterId: string | null;
  readonly hourlyCost: Money | null;
  readonly availability: {
    readonly capacityHoursPerWeek: string;
    readonly plannedHoursThisWeek: string;
    readonly availableHoursThisWeek: string;
    /** Free share of capacity, percent with two decimals. */
    readonly availablePct: string;
    readonly available: boolean;
  };
  readonly issues: readonly DataIssue[];
}

export interface ResourceQuery {
  readonly department?: string;
  readonly available?: boolean;
  readonly page: number;
  readonly pageSize: number;
}

export interface ResourcePage {
  readonly items: readonly Resource[];
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
}

const HOURS_SCALE = 1;

export class ResourceService {
  readonly #sap: GuardedSapClient;
  readonly #functionName: string;

  constructor(sap: GuardedSapClient, functionName: string) {
    this.#sap = sap;
    this.#functionName = functionName;
  }

  /** People ordered by id; the department filter runs in SAP, availability here. */
  async listResources(query: ResourceQuery): Promise<ResourcePage> {
    const result = await this.#sap.call(this.#functionName, { IV_ABTEI: query.department ?? "" });
    const rows = (result.ET_RESOURCES ?? []) as SapResourceRow[];
    const resources = rows
      .map((row, i) => toResource(row, i))
      .filter((r) => query.available === undefined || r.availability.available === query.available)
      .sort((a, b) => compareIds(a.resourceId, b.resourceId));
    return {
      items: resources.slice((query.page - 1) * query.pageSize, query.page * query.pageSize),
      page: query.page,
      pageSize: query.pageSize,
      total: resources.length,
    };
  }
}

function toResource(row: SapResourceRow, index: number): Resource {
  const issues = new IssueCollector();
  const at = `ET_RESOURCES[${index}]`;
  const currency = issues.read(() => sapCurrency(`${at}.WAERS`, row.WAERS));
  const rate = issues.read(() => sapAmountMinor(`${at}.TARIF`, row.TARIF));
  const capacity = issues.read(() => sapQuantity(`${at}.KAPAZ`, row.KAPAZ, HOURS_SCALE)) ?? 0n;
  const planned = issues.read(() => sapQuantity(`${at}.VERPL`, row.VERPL, HOURS_SCALE)) ?? 0n;
  const free = capacity > planned ? capacity - planned : 0n;
  const costCenter = issues.read(() => sapId(`${at}.KOSTL`, row.KOSTL));
  return {
    resourceId: issues.read(() => sapId(`${at}.PERNR`, row.PERNR)) ?? "",
    name: issues.read(() => sapText(`${at}.ENAME`, row.ENAME)) ?? "",
    department: issues.read(() => sapText(`${at}.ABTEI`, row.ABTEI)) || null,
    costCenterId: costCenter,
    hourlyCost: currency !== null && rate !== null ? toMoney(rate, currency) : null,
    availability: {
      capacityHoursPerWeek: formatDecimal(capacity, HOURS_SCALE),
      plannedHoursThisWeek: formatDecimal(planned, HOURS_SCALE),
      availableHoursThisWeek: formatDecimal(free, HOURS_SCALE),
      availablePct: capacity === 0n ? "0.00" : formatDecimal(divideRounded(free * 10_000n, capacity), 2),
      available: free > 0n,
    },
    issues: issues.issues,
  };
}
