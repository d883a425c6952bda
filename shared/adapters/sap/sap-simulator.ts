import { rfcText } from "../../sap/sap-normalize.js";
import { formatDecimal } from "../../kernel/money.js";
import { seededRandom } from "../../kernel/seeded-random.js";
import { RfcError, type RfcParameters, type RfcResult, type SapRfcClient } from "../../ports/sap-rfc.js";
import type { ChecksumEntry } from "../../sap/billing-checksum.js";
import type { Clock } from "../../ports/clock.js";
import { SimulatedBillingLedger } from "./simulated-billing.js";
import {
  RFC_PING,
  type SapCostCenterPlanRow,
  type SapProjectHeaderRow,
  type SapProjectRow,
  type SapResourcePlanRow,
  type SapResourceRow,
  type SapWbsRow,
} from "../../sap/sap-functions.js";

/** Run-time switches of the simulator (settings at start; PUT /api/local/simulators/sap on the local host). */
export interface SapSimulatorControls {
  /** Every call and ping fails with COMMUNICATION_FAILURE, as when SAP or the network is down. */
  down: boolean;
  /** Added to every call and ping. */
  latencyMs: number;
  /** Share of calls (0..1) that fail with COMMUNICATION_FAILURE at random. */
  errorRate: number;
  /** Function modules that fail with SYSTEM_FAILURE (a short dump). */
  failFunctions: string[];
}

export interface SapSimulatorOptions {
  /** SAP's own time: posting stamps and the change list's EV_NOW. */
  readonly clock: Clock;
  readonly seed: number;
  readonly projectCount: number;
  readonly functionNames: {
    readonly listProjects: string;
    readonly readProject: string;
    readonly readResources: string;
    readonly readCostCenterPlan: string;
    readonly updateProject: string;
    readonly reverseBilling: string;
    readonly readBilling: string;
    readonly listBillingChanges: string;
    readonly billingChecksums: string;
  };
  readonly controls?: Partial<SapSimulatorControls>;
  /** Where SAP's billing postings persist across restarts (none: in memory only). */
  readonly stateFile?: string;
}

export interface RecordedRfcCall {
  readonly functionName: string;
  readonly parameters: RfcParameters;
  readonly at: string;
  readonly outcome: "ok" | RfcError["type"];
}

export const SIMULATED_DEPARTMENTS = ["FIN", "ENG", "OPS", "SALES", "HR", "IT", "LEGAL", "MKT", "RND", "PROC"] as const;
const COMPANY_CODES = [
  { bukrs: "1000", currency: "EUR" },
  { bukrs: "1000", currency: "EUR" },
  { bukrs: "1000", currency: "EUR" },
  { bukrs: "2000", currency: "USD" },
  { bukrs: "3000", currency: "GBP" },
  { bukrs: "4000", currency: "JPY" },
  { bukrs: "5000", currency: "CHF" },
] as const;
const RESOURCE_COUNT = 500;
const COST_CENTER_COUNT = 200;
const FIRST_YEAR = 2021;
const LAST_YEAR = 2026;
const WORDS = [
  "Atlas",
  "Beacon",
  "Cobalt",
  "Delta",
  "Ember",
  "Falcon",
  "Granite",
  "Harbor",
  "Iris",
  "Juniper",
  "Keystone",
  "Lumen",
  "Meridian",
  "Nova",
  "Orion",
  "Pioneer",
  "Quartz",
  "Ridge",
  "Summit",
  "Tundra",
];
const KINDS = [
  "ERP rollout",
  "Data platform",
  "Audit",
  "Migration",
  "Plant upgrade",
  "Market entry",
  "Compliance",
  "Integration",
];
const GIVEN = [
  "Ana",
  "Ben",
  "Carla",
  "David",
  "Elena",
  "Farid",
  "Greta",
  "Hugo",
  "Ines",
  "Jonas",
  "Kira",
  "Luis",
  "Mara",
  "Nils",
  "Olga",
  "Pablo",
];
const FAMILY = [
  "Almeida",
  "Berger",
  "Costa",
  "Dubois",
  "Eriksen",
  "Fischer",
  "Garcia",
  "Horvat",
  "Ivanova",
  "Jensen",
  "Keller",
  "Lopez",
  "Moreau",
  "Novak",
];

const prng = seededRandom;

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const char = (value: string, width: number) => value.padEnd(width, " ");
const dats = (d: Date) => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`;
/** CURR as RFC delivers it: internal format, two decimals, sometimes right-aligned. */
const curr = (minor: bigint, aligned: boolean) =>
  aligned ? formatDecimal(minor, 2).padStart(15, " ") : formatDecimal(minor, 2);
const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const between = (random: () => number, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

export const projectIdOf = (index: number) => `PRJ-${pad(index, 6)}`;

interface SimulatedProject {
  header: SapProjectRow;
  wbs: SapWbsRow[];
  plan: SapResourcePlanRow[];
}

/**
 * A seeded, deterministic SAP behind the RFC port: thousands of projects with WBS
 * elements (PEP) and resource plans, people with hourly rates, cost centers with several
 * years of plan and actuals, all in SAP's shapes (padded CHAR, NUMC ids, DATS, CURR in
 * internal format). Each record is derived from (seed, index), so 100,000 projects cost
 * no memory until read. A few records carry the malformed values real systems send.
 */
export class SapSimulator implements SapRfcClient {
  readonly #options: SapSimulatorOptions;
  readonly #controls: SapSimulatorControls;
  readonly #calls: RecordedRfcCall[] = [];
  readonly #billing: SimulatedBillingLedger;
  #open = 0;

  constructor(options: SapSimulatorOptions) {
    this.#options = Object.freeze({ ...options });
    this.#controls = { down: false, latencyMs: 0, errorRate: 0, failFunctions: [], ...options.controls };
    this.#billing = new SimulatedBillingLedger({
      baseEntries: (index) => this.#baseBilling(index),
      indexOf: (projectId) => this.#indexOf(projectId),
      projectIdOf,
      projectCount: options.projectCount,
      clock: options.clock,
      ...(options.stateFile ? { stateFile: options.stateFile } : {}),
    });
  }

  /** The billing ledger, for tests that prove what SAP holds. */
  get billing(): SimulatedBillingLedger {
    return this.#billing;
  }

  get controls(): Readonly<SapSimulatorControls> {
    return { ...this.#controls, failFunctions: [...this.#controls.failFunctions] };
  }

  setControls(changes: Partial<SapSimulatorControls>): Readonly<SapSimulatorControls> {
    Object.assign(this.#controls, Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)));
    return this.controls;
  }

  /** Every call so far (the last 10,000), for tests that prove what reached SAP. */
  recordedCalls(functionName?: string): readonly RecordedRfcCall[] {
    return functionName ? this.#calls.filter((c) => c.functionName === functionName) : [...this.#calls];
  }

  openConnections(): number {
    return this.#open;
  }

  /**
   * A project's header straight from the data set: no latency, faults or call record.
   * Only for giving the simulated projects their SQL side on a laptop.
   */
  projectHeader(projectId: string): SapProjectRow | undefined {
    const index = this.#indexOf(projectId);
    return index === undefined ? undefined : this.#project(index).header;
  }

  /** A project's seeded billing (what SAP held before the platform), for seeding the SQL side. */
  baseBilling(projectId: string): readonly ChecksumEntry[] {
    const index = this.#indexOf(projectId);
    return index === undefined ? [] : this.#baseBilling(index);
  }

  get projectCount(): number {
    return this.#options.projectCount;
  }

  async ping(signal?: AbortSignal): Promise<void> {
    await this.#call(RFC_PING, {}, signal);
  }

  async call(functionName: string, parameters: RfcParameters, signal?: AbortSignal): Promise<RfcResult> {
    return this.#call(functionName, parameters, signal);
  }

  async close(): Promise<void> {}

  async #call(functionName: string, parameters: RfcParameters, signal?: AbortSignal): Promise<RfcResult> {
    this.#open++;
    let executed = false;
    try {
      if (this.#controls.down)
        throw new RfcError("COMMUNICATION_FAILURE", "partner not reached (simulated SAP is down)");
      if (this.#controls.failFunctions.includes(functionName))
        throw new RfcError("SYSTEM_FAILURE", `${functionName}: simulated short dump`);
      if (functionName !== RFC_PING && this.#controls.errorRate > 0 && Math.random() < this.#controls.errorRate) {
        throw new RfcError("COMMUNICATION_FAILURE", "connection reset by peer (simulated)");
      }
      const result = this.#execute(functionName, parameters);
      executed = true;
      this.#record(functionName, parameters, "ok");
      // The latency is on the way back: SAP has done the work when a slow answer times out,
      // which is exactly the ambiguity a caller of a write must handle.
      if (this.#controls.latencyMs > 0) await sleep(this.#controls.latencyMs, signal);
      return result;
    } catch (error) {
      if (!executed) this.#record(functionName, parameters, error instanceof RfcError ? error.type : "SYSTEM_FAILURE");
      throw error;
    } finally {
      this.#open--;
    }
  }

  #record(functionName: string, parameters: RfcParameters, outcome: RecordedRfcCall["outcome"]) {
    this.#calls.push({ functionName, parameters, at: this.#options.clock.now().toISOString(), outcome });
    if (this.#calls.length > 10_000) this.#calls.splice(0, this.#calls.length - 10_000);
  }

  #execute(functionName: string, p: RfcParameters): RfcResult {
    const names = this.#options.functionNames;
    switch (functionName) {
      case RFC_PING:
        return {};
      case names.listProjects: {
        const filter = rfcText(p.IV_FILTER ?? "ALL").trim();
        const skip = Number(p.IV_SKIP ?? 0) || 0;
        const max = Number(p.IV_MAX_ROWS ?? 0) || 0;
        if (filter === "ALL" && max > 0) {
          // A page of all projects, without building the whole list (backups page through 1,000,000).
          const last = Math.min(this.#options.projectCount, skip + max);
          return {
            ET_PROJECTS: Array.from({ length: Math.max(0, last - skip) }, (_, i) => this.#header(skip + i + 1)),
            EV_TOTAL: String(this.#options.projectCount),
          };
        }
        const rows = this.#listProjects(filter, rfcText(p.IV_VALUE ?? "").trim());
        return { ET_PROJECTS: max > 0 ? rows.slice(skip, skip + max) : rows, EV_TOTAL: String(rows.length) };
      }
      case names.readProject: {
        const index = this.#indexOf(rfcText(p.PROJECT_ID ?? ""));
        if (index === undefined)
          throw new RfcError("ABAP_EXCEPTION", `Project ${String(p.PROJECT_ID)} does not exist`, "NOT_FOUND");
        const project = this.#project(index);
        return { ES_HEADER: project.header, ET_WBS: project.wbs, ET_RESOURCE_PLAN: project.plan };
      }
      case names.readResources: {
        const department = rfcText(p.IV_ABTEI ?? "").trim();
        const rows = Array.from({ length: RESOURCE_COUNT }, (_, i) => this.#resource(i + 1));
        return { ET_RESOURCES: department ? rows.filter((r) => r.ABTEI.trim() === department) : rows };
      }
      case names.readCostCenterPlan: {
        const year = Number(rfcText(p.IV_GJAHR ?? "").trim());
        const department = rfcText(p.IV_ABTEI ?? "").trim();
        const rows =
          year >= FIRST_YEAR && year <= LAST_YEAR
            ? Array.from({ length: COST_CENTER_COUNT }, (_, i) => this.#costCenterPlan(i + 1, year))
            : [];
        return { ET_PLAN: department ? rows.filter((r) => r.ABTEI.trim() === department) : rows };
      }
      case names.updateProject:
        return this.#billing.post(p);
      case names.reverseBilling:
        return this.#billing.reverse(p);
      case names.readBilling:
        return this.#billing.read(p);
      case names.listBillingChanges:
        return this.#billing.changes(p);
      case names.billingChecksums:
        return this.#billing.checksums(p);
      default:
        throw new RfcError("ABAP_EXCEPTION", `Function module ${functionName} not found`, "FU_NOT_FOUND");
    }
  }

  #indexOf(projectId: string): number | undefined {
    // Six digits, seven from the millionth project on (projectIdOf pads to six).
    const match = /^PRJ-(\d{6,7})$/.exec(projectId.trim());
    const index = match ? Number(match[1]) : NaN;
    return index >= 1 && index <= this.#options.projectCount ? index : undefined;
  }

  #listProjects(filter: string, value: string): SapProjectHeaderRow[] {
    if (filter === "PEP") {
      // A WBS element's id starts with its project's id: look in that one project only.
      const index = this.#indexOf(value.split(".")[0] ?? "");
      if (index === undefined) return [];
      const matches = this.#project(index).wbs.some(
        (w) => w.POSID.trim() === value || w.POSID.trim().startsWith(`${value}.`),
      );
      return matches ? [this.#header(index)] : [];
    }
    const rows: SapProjectHeaderRow[] = [];
    for (let i = 1; i <= this.#options.projectCount; i++) {
      const header = this.#header(i);
      if (filter === "DEPT" && header.ABTEI.trim() !== value) continue;
      rows.push(header);
    }
    return rows;
  }

  #header(index: number): SapProjectHeaderRow {
    const random = prng(this.#options.seed * 1_000_003 + index);
    const name = `${pick(random, WORDS)} ${pick(random, KINDS)} ${index}`;
    const department = pick(random, SIMULATED_DEPARTMENTS);
    const changed = new Date(Date.UTC(LAST_YEAR, 0, 1) - between(random, 0, 365) * 86_400_000);
    return {
      PSPNR: pad(index, 8),
      PSPID: char(projectIdOf(index), 24),
      POST1: char(name, 40),
      ABTEI: char(department, 12),
      AEDAT: dats(changed),
    };
  }

  #project(index: number): SimulatedProject {
    const header = this.#header(index);
    const random = prng(this.#options.seed * 7_919 + index * 31);
    const company = pick(random, COMPANY_CODES);
    const scale = company.currency === "JPY" ? 150n : 100n; // minor units per unit of value
    const contract = BigInt(between(random, 20_000, 2_000_000)) * scale;
    const planned = (contract * BigInt(between(random, 55, 90))) / 100n;
    const progress = between(random, 0, 110);
    const actual = (planned * BigInt(progress)) / 100n + BigInt(between(random, 0, 99_999));
    const billed = (contract * BigInt(Math.min(progress, 100))) / 100n / 2n;
    const outsourced = (actual * BigInt(between(random, 0, 30))) / 100n;
    const start = new Date(
      Date.UTC(between(random, FIRST_YEAR, LAST_YEAR), between(random, 0, 11), between(random, 1, 28)),
    );
    const openEnded = random() < 0.1;
    const finish = new Date(start.getTime() + between(random, 90, 900) * 86_400_000);
    const status = progress >= 100 ? (random() < 0.5 ? "TECO" : "CLSD") : progress === 0 ? "CRTD" : "REL";
    const aligned = random() < 0.3;
    const id = projectIdOf(index);
    const wbs: SapWbsRow[] = Array.from({ length: between(random, 1, 4) }, (_, w) => ({
      PSPNR: pad(index * 10 + w, 8),
      POSID: char(`${id}.${pad(w + 1, 2)}`, 24),
      POST1: char(`Work package ${w + 1}`, 40),
      STUFE: String(w === 0 ? 1 : 2),
    }));
    const plan: SapResourcePlanRow[] = Array.from({ length: between(random, 2, 6) }, () => {
      const plannedHours = between(random, 8, 800);
      return {
        PERNR: pad(1000 + between(random, 1, RESOURCE_COUNT), 8),
        POSID: pick(random, wbs).POSID,
        PLANSTD: `${plannedHours}.0`,
        ISTSTD: `${Math.floor((plannedHours * Math.min(progress, 100)) / 100)}.0`,
      };
    });
    // Object.assign, not a spread: on V8 11 (Node 20) a spread plus added properties
    // builds fresh hidden classes per object in old space, which made this the backup's
    // largest source of old-generation garbage.
    const row: SapProjectRow = Object.assign(header, {
      BUKRS: company.bukrs,
      WAERS: char(company.currency, 5),
      PLFAZ: dats(start),
      PLSEZ: openEnded ? "00000000" : dats(finish),
      STATUS: char(status, 4),
      VERNA: char(`${pick(random, GIVEN)} ${pick(random, FAMILY)}`, 25),
      PRART: random() < 0.6 ? "FP" : "TM",
      NETWR: curr(contract, aligned),
      PLKOST: curr(planned, aligned),
      ISTKOST: curr(actual, aligned),
      FAKTWR: curr(billed, aligned),
      FAKDAT:
        billed > 0n ? dats(new Date(Date.UTC(LAST_YEAR, 0, 1) - between(random, 1, 300) * 86_400_000)) : "00000000",
      OUTSRC: curr(outsourced, aligned),
    });
    // What real feeds contain now and then: a blank amount, an unknown currency.
    if (index % 250 === 77) row.PLKOST = "               ";
    if (index % 250 === 55) row.WAERS = "XYZ  ";
    return { header: row, wbs, plan };
  }

  /** Billing SAP held before the platform: up to three entries per project, in its currency. */
  #baseBilling(index: number): ChecksumEntry[] {
    const random = prng(this.#options.seed * 6_700_417 + index);
    const currency = this.#project(index).header.WAERS.trim();
    return Array.from({ length: between(random, 0, 3) }, (_, k) => ({
      entryId: `SEED-${pad(index, 6)}-${k + 1}`,
      amountMinor: BigInt(between(random, 1_000, 5_000_000)),
      currency,
      billingDate: `${between(random, FIRST_YEAR, LAST_YEAR)}-${pad(between(random, 1, 12), 2)}-${pad(between(random, 1, 28), 2)}`,
      description: `Milestone ${k + 1}`,
    }));
  }

  #resource(index: number): SapResourceRow {
    const random = prng(this.#options.seed * 104_729 + index);
    const currency = random() < 0.8 ? "EUR" : random() < 0.5 ? "USD" : "GBP";
    const capacity = pick(random, [40, 40, 40, 32, 20]);
    return {
      PERNR: pad(1000 + index, 8),
      ENAME: char(`${pick(random, GIVEN)} ${pick(random, FAMILY)}`, 40),
      ABTEI: char(pick(random, SIMULATED_DEPARTMENTS), 12),
      KOSTL: pad(4100 + between(random, 1, COST_CENTER_COUNT), 10),
      TARIF: curr(BigInt(between(random, 4_000, 18_000)) + BigInt(between(random, 0, 3)) * 25n, false),
      WAERS: char(currency, 5),
      KAPAZ: `${capacity}.0`,
      VERPL: `${between(random, 0, capacity)}.0`,
    };
  }

  #costCenterPlan(index: number, year: number): SapCostCenterPlanRow {
    const base = prng(this.#options.seed * 15_485_863 + index);
    const department = pick(base, SIMULATED_DEPARTMENTS);
    const currency = base() < 0.85 ? "EUR" : "USD";
    const random = prng(this.#options.seed * 15_485_863 + index * 97 + year);
    const plan = BigInt(between(random, 50_000, 5_000_000)) * 100n;
    const actual = (plan * BigInt(between(random, 70, 125))) / 100n + BigInt(between(random, 0, 999_999));
    return {
      KOSTL: pad(4100 + index, 10),
      KTEXT: char(
        `${department} ${pick(base, ["Operations", "Services", "Overhead", "Delivery", "Support"])} ${index}`,
        20,
      ),
      ABTEI: char(department, 12),
      GJAHR: String(year),
      WAERS: char(currency, 5),
      WTPLAN: curr(plan, true),
      WTGXXX: index % 97 === 13 ? `${formatDecimal(actual, 2)}-` : curr(actual, false),
    };
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RfcError("TIMEOUT", "call cancelled"));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RfcError("TIMEOUT", "call cancelled at its deadline"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
