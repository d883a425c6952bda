import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { formatDecimal } from "../../kernel/money.js";
import { RfcError, type RfcParameters, type RfcResult } from "../../ports/sap-rfc.js";
import { billingChecksum, rangeChecksum, type ChecksumEntry } from "../../sap/billing-checksum.js";
import { sapAmountMinor, sapCurrency, sapDate, sapText, toSapTimestamp, rfcText } from "../../sap/sap-normalize.js";
import type { SapBillingEntryRow } from "../../sap/sap-functions.js";
import type { Clock } from "../../ports/clock.js";

/** One posting as the simulated SAP keeps it (amounts in minor units). */
interface Posting {
  readonly documentNumber: string;
  readonly reference: string;
  readonly projectId: string;
  readonly entries: readonly {
    entryId: string;
    amountMinor: bigint;
    currency: string;
    billingDate: string;
    description: string;
  }[];
  readonly at: string;
  reversedAt?: string;
}

type LogRecord =
  | {
      type: "post";
      documentNumber: string;
      reference: string;
      projectId: string;
      entries: { entryId: string; amountMinor: string; currency: string; billingDate: string; description: string }[];
      at: string;
    }
  | { type: "reverse"; reference: string; at: string };

export interface SimulatedBillingOptions {
  /** Base (seeded) entries of a project; derived, so they cost no memory. */
  readonly baseEntries: (projectIndex: number) => readonly ChecksumEntry[];
  readonly indexOf: (projectId: string) => number | undefined;
  readonly projectIdOf: (index: number) => string;
  readonly projectCount: number;
  readonly clock: Clock;
  /** Append-only log of postings and reversals: SAP's state survives a restart, as SAP's would. */
  readonly stateFile?: string;
}

const dats = (iso: string) => iso.replaceAll("-", "");

/**
 * The simulated SAP's billing ledger: seeded entries per project plus what the platform
 * posted (each posting carries its saga reference, so a repeated post or reversal with
 * the same reference is recognised and never applied twice, as a Z module checking its
 * reference field would).
 */
export class SimulatedBillingLedger {
  readonly #o: SimulatedBillingOptions;
  readonly #byReference = new Map<string, Posting>();
  readonly #byProject = new Map<string, Posting[]>();
  #nextDocument = 1;

  constructor(options: SimulatedBillingOptions) {
    this.#o = options;
    if (options.stateFile && existsSync(options.stateFile)) {
      for (const line of readFileSync(options.stateFile, "utf8").split("\n")) {
        if (line.trim()) this.#apply(JSON.parse(line) as LogRecord);
      }
    }
  }

  /** Z_UPDATE_PROJECT_DATA: PROJECT_ID, IV_REFERENCE, IT_ENTRIES → EV_DOCUMENT, EV_DUPLICATE. */
  post(p: RfcParameters): RfcResult {
    const projectId = rfcText(p.PROJECT_ID ?? "").trim();
    if (this.#o.indexOf(projectId) === undefined)
      throw new RfcError("ABAP_EXCEPTION", `Project ${projectId} does not exist`, "NOT_FOUND");
    const reference = rfcText(p.IV_REFERENCE ?? "").trim();
    if (!reference) throw new RfcError("ABAP_EXCEPTION", "IV_REFERENCE is required", "NO_REFERENCE");
    const existing = this.#byReference.get(reference);
    if (existing) return { EV_DOCUMENT: existing.documentNumber, EV_DUPLICATE: "X" };
    const rows = (p.IT_ENTRIES ?? []) as SapBillingEntryRow[];
    if (rows.length === 0) throw new RfcError("ABAP_EXCEPTION", "IT_ENTRIES is empty", "NO_ENTRIES");
    const record: LogRecord = {
      type: "post",
      documentNumber: String(this.#nextDocument).padStart(10, "0"),
      reference,
      projectId,
      entries: rows.map((r, i) => {
        try {
          return {
            entryId: sapText("ENTRY_ID", r.ENTRY_ID),
            amountMinor: sapAmountMinor("AMOUNT", r.AMOUNT).toString(),
            currency: sapCurrency("WAERS", r.WAERS),
            billingDate: sapDate("BUDAT", r.BUDAT, { required: true })!,
            description: sapText("SGTXT", r.SGTXT ?? ""),
          };
        } catch (error) {
          throw new RfcError("ABAP_EXCEPTION", `IT_ENTRIES[${i}]: ${(error as Error).message}`, "INVALID_ENTRY");
        }
      }),
      at: this.#o.clock.now().toISOString(),
    };
    this.#persist(record);
    this.#apply(record);
    return { EV_DOCUMENT: record.documentNumber, EV_DUPLICATE: "" };
  }

  /** Z_REVERSE_BILLING: IV_REFERENCE → EV_REVERSED ('X' when this call reversed it). Unknown or reversed: no-op. */
  reverse(p: RfcParameters): RfcResult {
    const reference = rfcText(p.IV_REFERENCE ?? "").trim();
    const posting = this.#byReference.get(reference);
    if (!posting || posting.reversedAt) return { EV_REVERSED: "" };
    const record: LogRecord = { type: "reverse", reference, at: this.#o.clock.now().toISOString() };
    this.#persist(record);
    this.#apply(record);
    return { EV_REVERSED: "X" };
  }

  /** Z_READ_BILLING_DATA: PROJECT_ID (IV_REFERENCE optional) → ET_BILLING, live entries only. */
  read(p: RfcParameters): RfcResult {
    const projectId = rfcText(p.PROJECT_ID ?? "").trim();
    const index = this.#o.indexOf(projectId);
    if (index === undefined) throw new RfcError("ABAP_EXCEPTION", `Project ${projectId} does not exist`, "NOT_FOUND");
    const reference = rfcText(p.IV_REFERENCE ?? "").trim();
    const rows: SapBillingEntryRow[] = [];
    if (!reference) {
      for (const e of this.#o.baseEntries(index)) rows.push(this.#row("", "", e));
    }
    for (const posting of this.#byProject.get(projectId) ?? []) {
      if (posting.reversedAt || (reference && posting.reference !== reference)) continue;
      for (const e of posting.entries) rows.push(this.#row(posting.documentNumber, posting.reference, e));
    }
    return { ET_BILLING: rows };
  }

  /** Z_LIST_BILLING_CHANGES: IV_SINCE (YYYYMMDDhhmmss UTC) → ET_CHANGES {PROJECT_ID, CHANGED_AT}, EV_NOW. */
  changes(p: RfcParameters): RfcResult {
    const since = rfcText(p.IV_SINCE ?? "").trim() || "00000000000000";
    const latest = new Map<string, string>();
    for (const posting of this.#byReference.values()) {
      for (const at of [posting.at, posting.reversedAt]) {
        if (!at) continue;
        const stamp = toSapTimestamp(Date.parse(at));
        if (stamp > since && stamp > (latest.get(posting.projectId) ?? "")) latest.set(posting.projectId, stamp);
      }
    }
    return {
      ET_CHANGES: [...latest.entries()]
        .sort()
        .map(([projectId, stamp]) => ({ PROJECT_ID: projectId.padEnd(24, " "), CHANGED_AT: stamp })),
      EV_NOW: toSapTimestamp(this.#o.clock.now().getTime()),
    };
  }

  /**
   * Z_BILLING_CHECKSUMS: either a range (IV_FROM, IV_TO project ids) → EV_RANGE_CHECKSUM,
   * EV_COUNT and, with IV_DETAIL = 'X', ET_CHECKSUMS per project; or IT_PROJECTS (a list)
   * → ET_CHECKSUMS. One call covers a bounded range, so no call runs long in SAP.
   */
  checksums(p: RfcParameters): RfcResult {
    const listed = (p.IT_PROJECTS ?? []) as { PROJECT_ID: string }[];
    const ids =
      listed.length > 0
        ? listed.map((r) => String(r.PROJECT_ID).trim())
        : this.#range(rfcText(p.IV_FROM ?? ""), rfcText(p.IV_TO ?? ""));
    const perProject = ids.map((projectId) => {
      const index = this.#o.indexOf(projectId);
      return {
        projectId,
        checksum: index === undefined ? billingChecksum([]) : billingChecksum(this.#liveEntries(index, projectId)),
      };
    });
    const detail = listed.length > 0 || rfcText(p.IV_DETAIL ?? "") === "X";
    return {
      EV_RANGE_CHECKSUM: rangeChecksum(perProject),
      EV_COUNT: String(perProject.length),
      ET_CHECKSUMS: detail
        ? perProject.map((x) => ({ PROJECT_ID: x.projectId.padEnd(24, " "), CHECKSUM: x.checksum }))
        : [],
    };
  }

  /** Every posting ever made under a reference, reversed or not (tests prove nothing was applied twice). */
  postingsFor(reference: string): { documentNumber: string; reversed: boolean } | undefined {
    const posting = this.#byReference.get(reference);
    return posting ? { documentNumber: posting.documentNumber, reversed: posting.reversedAt !== undefined } : undefined;
  }

  #liveEntries(index: number, projectId: string): ChecksumEntry[] {
    const entries: ChecksumEntry[] = [...this.#o.baseEntries(index)];
    for (const posting of this.#byProject.get(projectId) ?? [])
      if (!posting.reversedAt) entries.push(...posting.entries);
    return entries;
  }

  #range(from: string, to: string): string[] {
    const first = this.#o.indexOf(from.trim()) ?? 1;
    const last = this.#o.indexOf(to.trim()) ?? this.#o.projectCount;
    return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => this.#o.projectIdOf(first + i));
  }

  #row(documentNumber: string, reference: string, e: ChecksumEntry & { description?: string }): SapBillingEntryRow {
    return {
      DOCNR: documentNumber.padEnd(10, " "),
      REFERENCE: reference.padEnd(36, " "),
      ENTRY_ID: e.entryId.padEnd(40, " "),
      AMOUNT: formatDecimal(e.amountMinor, 2),
      WAERS: e.currency.padEnd(5, " "),
      BUDAT: dats(e.billingDate),
      SGTXT: (e.description ?? "").padEnd(50, " "),
    };
  }

  #persist(record: LogRecord): void {
    if (!this.#o.stateFile) return;
    mkdirSync(dirname(this.#o.stateFile), { recursive: true });
    // Synchronous append: once post() returns, the posting survives a crash of this process.
    appendFileSync(this.#o.stateFile, `${JSON.stringify(record)}\n`);
  }

  #apply(record: LogRecord): void {
    if (record.type === "post") {
      const posting: Posting = {
        ...record,
        entries: record.entries.map((e) => ({ ...e, amountMinor: BigInt(e.amountMinor) })),
      };
      this.#byReference.set(record.reference, posting);
      this.#byProject.set(record.projectId, [...(this.#byProject.get(record.projectId) ?? []), posting]);
      this.#nextDocument = Math.max(this.#nextDocument, Number(record.documentNumber) + 1);
    } else {
      const posting = this.#byReference.get(record.reference);
      if (posting) posting.reversedAt = record.at;
    }
  }
}
