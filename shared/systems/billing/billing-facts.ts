import { parseMoney, toMoney } from "../../kernel/money.js";
import type { SapBillingEntryRow } from "../../sap/sap-functions.js";
import { sapAmountMinor, sapCurrency, sapDate, sapText } from "../../sap/sap-normalize.js";
import { billingChecksum, type ChecksumEntry } from "../../sap/billing-checksum.js";

/** A billing entry as reconciliation reports it (amounts as decimal strings). */
export interface EntryFacts {
  readonly entryId: string;
  readonly amount: string;
  readonly currency: string;
  readonly billingDate: string;
  readonly description: string;
}

/** What differs between the two sides, and how to correct SQL to SAP (the source of truth). */
export interface Differences {
  readonly onlyInSap: readonly EntryFacts[];
  readonly onlyInSql: readonly EntryFacts[];
  readonly changed: readonly { readonly entryId: string; readonly sap: EntryFacts; readonly sql: EntryFacts }[];
}

export type RepairAction =
  | { readonly action: "insert"; readonly entry: EntryFacts }
  | { readonly action: "delete"; readonly entryId: string }
  | { readonly action: "update"; readonly entry: EntryFacts };

export interface RepairProposal {
  readonly side: "sql";
  readonly reason: string;
  readonly actions: readonly RepairAction[];
}

export function fromSap(row: SapBillingEntryRow): EntryFacts {
  const currency = sapCurrency("WAERS", row.WAERS);
  return {
    entryId: sapText("ENTRY_ID", row.ENTRY_ID),
    amount: toMoney(sapAmountMinor("AMOUNT", row.AMOUNT), currency).amount,
    currency,
    billingDate: sapDate("BUDAT", row.BUDAT, { required: true })!,
    description: sapText("SGTXT", row.SGTXT),
  };
}

export function facts(e: ChecksumEntry & { description: string }): EntryFacts {
  return {
    entryId: e.entryId,
    amount: toMoney(e.amountMinor, e.currency).amount,
    currency: e.currency,
    billingDate: e.billingDate,
    description: e.description,
  };
}

export function compare(sap: readonly EntryFacts[], sql: readonly EntryFacts[]): Differences {
  const sqlById = new Map(sql.map((e) => [e.entryId, e]));
  const sapById = new Map(sap.map((e) => [e.entryId, e]));
  const same = (a: EntryFacts, b: EntryFacts) =>
    a.amount === b.amount && a.currency === b.currency && a.billingDate === b.billingDate;
  return {
    onlyInSap: sap.filter((e) => !sqlById.has(e.entryId)),
    onlyInSql: sql.filter((e) => !sapById.has(e.entryId)),
    changed: sap
      .filter((e) => sqlById.has(e.entryId) && !same(e, sqlById.get(e.entryId)!))
      .map((e) => ({ entryId: e.entryId, sap: e, sql: sqlById.get(e.entryId)! })),
  };
}

export function proposalFor(d: Differences): RepairProposal {
  return {
    side: "sql",
    reason: "SAP is the source of truth for billing: correct SQL to what SAP holds",
    actions: [
      ...d.onlyInSap.map((entry): RepairAction => ({ action: "insert", entry })),
      ...d.onlyInSql.map((e): RepairAction => ({ action: "delete", entryId: e.entryId })),
      ...d.changed.map((c): RepairAction => ({ action: "update", entry: c.sap })),
    ],
  };
}

export function stateOf(entries: readonly EntryFacts[]) {
  return { entryCount: entries.length, checksum: checksumOfFacts(entries) };
}

export function checksumOfFacts(entries: readonly EntryFacts[]): string {
  return billingChecksum(
    entries.map((e) => ({
      entryId: e.entryId,
      amountMinor: parseMoney(e.amount, e.currency),
      currency: e.currency,
      billingDate: e.billingDate,
    })),
  );
}
