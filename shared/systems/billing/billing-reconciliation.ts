import { createHash, randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import { ConflictError, NotFoundError } from "../../kernel/errors.js";
import type { Logger } from "../../foundation/logger.js";
import type { Alerter } from "../../ports/alerter.js";
import type { RfcParameters, RfcResult } from "../../ports/sap-rfc.js";
import type { GuardedSapClient } from "../../sap/guarded-sap-client.js";
import type { SapBillingEntryRow, SapProjectHeaderRow } from "../../sap/sap-functions.js";
import { fromSapTimestamp, sapId, toSapTimestamp, rfcText } from "../../sap/sap-normalize.js";
import type { BillingInconsistenciesTable, BillingTables, ReconciliationRunsTable } from "./billing-tables.js";
import type { InconsistencyRepository, InconsistencyRow } from "./inconsistency-repository.js";
import type { ReconciliationRepository, RunRow } from "./reconciliation-repository.js";
import { billingChecksum, rangeChecksum, type ChecksumEntry } from "../../sap/billing-checksum.js";
import {
  compare,
  facts,
  fromSap,
  proposalFor,
  stateOf,
  type Differences,
  type RepairProposal,
} from "./billing-facts.js";
import type { BillingSagaService } from "./billing-saga.js";
import type { BillingRepository } from "./billing-repository.js";
import type { Clock } from "../../ports/clock.js";
import { jobMessage, type JobProtocol } from "../../foundation/job-protocol.js";
import { BILLING_QUEUES } from "./billing-queues.js";

export type ReconciliationMode = "full" | "incremental";

export interface ReconciliationRun {
  readonly runId: string;
  readonly mode: ReconciliationMode;
  readonly trigger: "timer" | "manual";
  readonly status: ReconciliationRunsTable["status"];
  readonly requestedBy: string | null;
  readonly watermarkFrom: string | null;
  readonly watermarkTo: string | null;
  readonly projectsChecked: number;
  readonly sapCalls: number;
  readonly inconsistenciesFound: number;
  readonly error: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface Inconsistency {
  readonly inconsistencyId: string;
  readonly projectId: string;
  readonly runId: string;
  readonly status: BillingInconsistenciesTable["status"];
  readonly sapState: { readonly entryCount: number; readonly checksum: string };
  readonly sqlState: { readonly entryCount: number; readonly checksum: string };
  readonly differences: Differences;
  readonly proposal: RepairProposal;
  readonly detectedAt: string;
  readonly lastSeenAt: string;
  readonly alertedAt: string | null;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly resolution: string | null;
}

export interface BillingReconciliationOptions {
  /** The time its decisions are made by (stamps, deadlines, due dates). */
  readonly clock: Clock;
  /** Opens the transactions the repositories below write in. */
  readonly db: Kysely<BillingTables>;
  readonly runs: ReconciliationRepository;
  readonly inconsistencies: InconsistencyRepository;
  readonly sap: GuardedSapClient;
  readonly functions: {
    readonly listProjects: string;
    readonly listChanges: string;
    readonly checksums: string;
    readonly readBilling: string;
  };
  readonly saga: BillingSagaService;
  readonly billing: BillingRepository;
  readonly audit: AuditLog;
  readonly alerts: Alerter;
  readonly logger: Logger;
  readonly rangeSize: number;
  readonly jobs: JobProtocol;
}

/** A pass holds the lease this long; a crashed holder's lease simply runs out. */
const LEASE_SECONDS = 15 * 60;
/**
 * Watermarks step back this far, so a change stamped just before a pass but committed
 * during it is seen next time: SQL stamps come from our clock and its transactions are
 * short; SAP's come from SAP's clock (its EV_NOW when it gives one), which may drift.
 */
const SQL_OVERLAP_MS = 10_000;
const SAP_OVERLAP_MS = 60_000;
const LIST_CHUNK = 1000;

/**
 * Billing reconciliation between SAP and SQL (billing only, as seed 000 says).
 *
 * Incremental passes look only at projects whose billing changed since the watermark on
 * either side (SAP's change list, SQL's updated_at); full passes compare a checksum per
 * range of projects, then per project inside differing ranges, and fetch entries only for
 * projects whose checksums differ. The watermark advances only when a pass completes; a
 * lease in SQL keeps two instances from running a pass at once.
 */
export class BillingReconciliation {
  readonly #o: BillingReconciliationOptions;
  readonly #runs: ReconciliationRepository;
  readonly #findings: InconsistencyRepository;

  constructor(options: BillingReconciliationOptions) {
    this.#o = Object.freeze({ ...options });
    this.#runs = options.runs;
    this.#findings = options.inconsistencies;
  }

  /** Records a pass the caller runs itself at once (the timer); no message. */
  async recordRun(mode: ReconciliationMode, actor: Actor): Promise<ReconciliationRun> {
    const runId = randomUUID();
    await this.#runs.insertQueued({ runId, mode, trigger: "timer", requestedBy: actor.userId ?? null });
    return this.getRun(runId);
  }

  /**
   * Records a requested pass and queues it for the worker (the job protocol: row and
   * message together, a lost send repaired by the sweeper).
   */
  async requestRun(mode: ReconciliationMode, actor: Actor): Promise<ReconciliationRun> {
    const runId = await this.#o.jobs.submit(async (trx) => {
      const runId = randomUUID();
      await this.#runs.insertQueued({ runId, mode, trigger: "manual", requestedBy: actor.userId ?? null }, trx);
      if (actor.userId)
        await this.#o.audit.record(
          actor,
          {
            action: "reconciliation.requested",
            resourceType: "reconciliation_run",
            resourceId: runId,
            details: { mode },
          },
          trx,
        );
      return {
        kind: "reconciliation",
        jobId: runId,
        queue: BILLING_QUEUES.reconciliationRequests,
        message: jobMessage(runId, { runId }, actor),
      };
    });
    return this.getRun(runId);
  }

  /** The run's message failed on its last delivery: FAILED, never QUEUED or RUNNING forever. */
  async failRun(runId: string, reason: string): Promise<void> {
    const run = await this.getRun(runId);
    if (run.status !== "QUEUED" && run.status !== "RUNNING") return;
    await this.#runs.updateRun(runId, {
      status: "FAILED",
      error: reason,
      finished_at: this.#o.clock.now().toISOString(),
    });
    await this.#runs.releaseLease(runId);
  }

  /**
   * Runs a recorded pass. Safe to call again for the same run (a redelivered message): a
   * run that already finished is left as it is.
   */
  async runPass(runId: string): Promise<ReconciliationRun> {
    const run = await this.getRun(runId);
    if (run.status !== "QUEUED" && run.status !== "RUNNING") return run;
    const now = this.#o.clock.now().getTime();
    const leased = await this.#runs.acquireLease(
      runId,
      new Date(now).toISOString(),
      new Date(now + LEASE_SECONDS * 1000).toISOString(),
    );
    if (!leased) {
      await this.#runs.updateRun(runId, {
        status: "SKIPPED",
        error: "another reconciliation pass was running; request it again later",
        finished_at: this.#o.clock.now().toISOString(),
      });
      return this.getRun(runId);
    }
    const counter = { calls: 0 };
    const call = (fn: string, params: RfcParameters): Promise<RfcResult> => {
      counter.calls++;
      return this.#o.sap.call(fn, params);
    };
    try {
      const state = await this.#runs.state();
      // Without a watermark there is nothing to be incremental from: the first pass is full.
      const mode: ReconciliationMode =
        run.mode === "incremental" && state.sap_watermark && state.sql_watermark ? "incremental" : "full";
      await this.#runs.updateRun(runId, {
        status: "RUNNING",
        started_at: new Date(now).toISOString(),
        watermark_from: mode === "incremental" ? `${state.sap_watermark}|${state.sql_watermark}` : null,
      });
      const checked =
        mode === "incremental"
          ? await this.#incremental(call, state.sap_watermark!, state.sql_watermark!)
          : await this.#full(call);
      const found = await this.#record(runId, checked, call);
      // SAP's own clock when it told us (its change stamps come from it), else ours.
      const sapWatermark = toSapTimestamp((fromSapTimestamp(checked.sapNow ?? "") ?? now) - SAP_OVERLAP_MS);
      const sqlWatermark = new Date(now - SQL_OVERLAP_MS).toISOString();
      await this.#o.db.transaction().execute(async (trx) => {
        await this.#runs.advanceWatermarks(runId, { sap: sapWatermark, sql: sqlWatermark }, trx);
        await this.#runs.updateRun(
          runId,
          {
            status: "COMPLETED",
            mode,
            watermark_to: `${sapWatermark}|${sqlWatermark}`,
            projects_checked: checked.projects,
            sap_calls: counter.calls,
            inconsistencies_found: found,
            finished_at: this.#o.clock.now().toISOString(),
          },
          trx,
        );
      });
    } catch (error) {
      this.#o.logger.error("Billing reconciliation pass failed; the watermark stays where it was", {
        run_id: runId,
        error,
      });
      await this.#runs.updateRun(runId, {
        status: "FAILED",
        error: (error as Error).message,
        sap_calls: counter.calls,
        finished_at: this.#o.clock.now().toISOString(),
      });
      await this.#runs.releaseLease(runId);
    }
    return this.getRun(runId);
  }

  async getRun(runId: string): Promise<ReconciliationRun> {
    const row = await this.#runs.findRun(runId);
    if (!row) throw new NotFoundError("Reconciliation run", runId);
    return toRun(row);
  }

  async listRuns(page: number, pageSize: number): Promise<{ items: ReconciliationRun[]; total: number }> {
    const { rows, total } = await this.#runs.pageRuns(page, pageSize);
    return { items: rows.map(toRun), total };
  }

  async listInconsistencies(query: {
    status?: Inconsistency["status"];
    projectId?: string;
    page: number;
    pageSize: number;
  }): Promise<{ items: Inconsistency[]; total: number }> {
    const { rows, total } = await this.#findings.page(query, query.page, query.pageSize);
    return { items: rows.map(toInconsistency), total };
  }

  async getInconsistency(id: string): Promise<Inconsistency> {
    const row = await this.#findings.find(id);
    if (!row) throw new NotFoundError("Inconsistency", id);
    return toInconsistency(row);
  }

  /** An admin closes an inconsistency with a comment; the same drift is not alerted again. */
  async resolve(id: string, comment: string, actor: Actor): Promise<Inconsistency> {
    const current = await this.getInconsistency(id);
    if (current.status !== "OPEN") throw new ConflictError(`Inconsistency ${id} is already ${current.status}`);
    await this.#o.db.transaction().execute(async (trx) => {
      await this.#findings.markResolved(id, actor.userId ?? null, comment, trx);
      await this.#o.audit.record(
        actor,
        {
          action: "reconciliation.inconsistency_resolved",
          resourceType: "billing_inconsistency",
          resourceId: id,
          details: { project_id: current.projectId, comment },
        },
        trx,
      );
    });
    return this.getInconsistency(id);
  }

  /** Applies the repair proposal through the SAGA (which checks SAP still holds what was seen). */
  async applyProposal(id: string, actor: Actor) {
    const current = await this.getInconsistency(id);
    if (current.status !== "OPEN") throw new ConflictError(`Inconsistency ${id} is already ${current.status}`);
    return this.#o.saga.repairFromSap({
      inconsistencyId: id,
      projectId: current.projectId,
      expectedSapChecksum: current.sapState.checksum,
      actions: current.proposal.actions,
      actor,
    });
  }

  async #incremental(call: Caller, sapSince: string, sqlSince: string): Promise<Checked> {
    const changes = await call(this.#o.functions.listChanges, { IV_SINCE: sapSince });
    const ids = new Set(
      ((changes.ET_CHANGES ?? []) as { PROJECT_ID: string }[]).map((c) => sapId("ET_CHANGES.PROJECT_ID", c.PROJECT_ID)),
    );
    for (const projectId of await this.#o.billing.projectsChangedSince(sqlSince)) ids.add(projectId);
    const projects = [...ids].sort();
    const differing: string[] = [];
    for (let i = 0; i < projects.length; i += LIST_CHUNK) {
      const chunk = projects.slice(i, i + LIST_CHUNK);
      const sap = await call(this.#o.functions.checksums, { IT_PROJECTS: chunk.map((p) => ({ PROJECT_ID: p })) });
      differing.push(...(await this.#differingProjects(chunk, sap)));
    }
    return { projects: projects.length, checkedIds: projects, differing, sapNow: rfcText(changes.EV_NOW ?? "").trim() };
  }

  async #full(call: Caller): Promise<Checked> {
    const list = await call(this.#o.functions.listProjects, { IV_FILTER: "ALL", IV_VALUE: "" });
    const projects = ((list.ET_PROJECTS ?? []) as SapProjectHeaderRow[])
      .map((h) => sapId("ET_PROJECTS.PSPID", h.PSPID))
      .sort();
    const differing: string[] = [];
    for (let i = 0; i < projects.length; i += this.#o.rangeSize) {
      const range = projects.slice(i, i + this.#o.rangeSize);
      const sqlChecksums = await this.#sqlChecksums(range);
      const sapRange = await call(this.#o.functions.checksums, {
        IV_FROM: range[0],
        IV_TO: range.at(-1),
        IV_DETAIL: "",
      });
      if (
        String(sapRange.EV_RANGE_CHECKSUM) ===
        rangeChecksum(range.map((projectId) => ({ projectId, checksum: sqlChecksums.get(projectId)! })))
      )
        continue;
      const detail = await call(this.#o.functions.checksums, {
        IV_FROM: range[0],
        IV_TO: range.at(-1),
        IV_DETAIL: "X",
      });
      differing.push(...(await this.#differingProjects(range, detail, sqlChecksums)));
    }
    return { projects: projects.length, checkedIds: projects, differing };
  }

  async #differingProjects(
    projects: readonly string[],
    sap: RfcResult,
    known?: Map<string, string>,
  ): Promise<string[]> {
    const sqlChecksums = known ?? (await this.#sqlChecksums(projects));
    const sapChecksums = new Map(
      ((sap.ET_CHECKSUMS ?? []) as { PROJECT_ID: string; CHECKSUM: string }[]).map((r) => [
        r.PROJECT_ID.trim(),
        r.CHECKSUM.trim(),
      ]),
    );
    return projects.filter((p) => sapChecksums.get(p) !== sqlChecksums.get(p));
  }

  /** The same checksum SAP computes, over SQL's ACTIVE entries. */
  async #sqlChecksums(projects: readonly string[]): Promise<Map<string, string>> {
    const entries = new Map<string, ChecksumEntry[]>(projects.map((p) => [p, []]));
    for (const e of await this.#o.billing.listActiveFor(projects)) entries.get(e.projectId)?.push(e);
    return new Map([...entries].map(([p, list]) => [p, billingChecksum(list)]));
  }

  /** Fetches both sides' entries for differing projects and records what differs; returns how many differ. */
  async #record(runId: string, checked: Checked, call: Caller): Promise<number> {
    const now = this.#o.clock.now().toISOString();
    const opened: string[] = [];
    const differingNow = new Set<string>();
    for (const projectId of checked.differing) {
      const sapRows = ((await call(this.#o.functions.readBilling, { PROJECT_ID: projectId })).ET_BILLING ??
        []) as SapBillingEntryRow[];
      const sapEntries = sapRows.map(fromSap);
      const sqlEntries = (await this.#o.billing.listActive(projectId)).map(facts);
      const differences = compare(sapEntries, sqlEntries);
      if (differences.onlyInSap.length + differences.onlyInSql.length + differences.changed.length === 0) continue;
      differingNow.add(projectId);
      const fingerprint = createHash("sha256").update(JSON.stringify(differences)).digest("hex");
      const latest = await this.#findings.latestFor(projectId);
      if (
        latest &&
        (latest.status === "OPEN" || (latest.status === "RESOLVED" && latest.fingerprint === fingerprint))
      ) {
        // Already reported (or resolved by an admin): seen again, not alerted again.
        await this.#findings.markSeenAgain(latest.inconsistency_id, runId, now);
        continue;
      }
      const id = randomUUID();
      await this.#findings.insertOpen({
        inconsistencyId: id,
        projectId,
        runId,
        fingerprint,
        sapState: stateOf(sapEntries),
        sqlState: stateOf(sqlEntries),
        differences,
        proposal: proposalFor(differences),
        at: now,
      });
      opened.push(id);
    }
    // Open records of projects this pass found consistent again close themselves.
    const checkedSet = new Set(checked.checkedIds);
    for (const o of await this.#findings.listOpen()) {
      if (checkedSet.has(o.project_id) && !differingNow.has(o.project_id)) {
        await this.#findings.markConsistentAgain(o.inconsistency_id, runId, now);
      }
    }
    if (opened.length > 0) {
      const projects = await this.#findings.projectsOf(opened);
      await this.#o.alerts.raise({
        source: "billing-reconciliation",
        severity: "warning",
        title: `${opened.length} billing inconsistenc${opened.length === 1 ? "y" : "ies"} between SAP and SQL`,
        message: `Reconciliation run ${runId} found billing that differs between SAP and SQL: ${projects
          .slice(0, 20)
          .join(", ")}${projects.length > 20 ? ", ..." : ""}. See GET /api/v1/reconciliation/inconsistencies.`,
        details: { run_id: runId, inconsistency_ids: opened },
      });
      await this.#findings.markAlerted(opened, now);
    }
    return differingNow.size;
  }
}

type Caller = (fn: string, params: RfcParameters) => Promise<RfcResult>;
interface Checked {
  /** SAP's clock at the change query (YYYYMMDDhhmmss), when the pass asked for changes. */
  readonly sapNow?: string;
  readonly projects: number;
  readonly checkedIds: readonly string[];
  readonly differing: readonly string[];
}

function toRun(row: RunRow): ReconciliationRun {
  return {
    runId: row.run_id,
    mode: row.mode,
    trigger: row.trigger_source,
    status: row.status,
    requestedBy: row.requested_by,
    watermarkFrom: row.watermark_from,
    watermarkTo: row.watermark_to,
    projectsChecked: row.projects_checked,
    sapCalls: row.sap_calls,
    inconsistenciesFound: row.inconsistencies_found,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

function toInconsistency(row: InconsistencyRow): Inconsistency {
  return {
    inconsistencyId: row.inconsistency_id,
    projectId: row.project_id,
    runId: row.run_id,
    status: row.status,
    sapState: JSON.parse(row.sap_state) as Inconsistency["sapState"],
    sqlState: JSON.parse(row.sql_state) as Inconsistency["sqlState"],
    differences: JSON.parse(row.differences) as Differences,
    proposal: JSON.parse(row.proposal) as RepairProposal,
    detectedAt: row.detected_at,
    lastSeenAt: row.last_seen_at,
    alertedAt: row.alerted_at,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    resolution: row.resolution,
  };
}
