import { Readable, pipeline as streamPipeline } from "node:stream";
import type { Actor } from "../../foundation/audit-log.js";
import { NotFoundError, ServiceUnavailableError } from "../../kernel/errors.js";
import { decryptingStream } from "../../kernel/file-encryption.js";
import { ACTIVE, FINAL, type EsgAccountStatus } from "./esg-tables.js";
import type { EsgSummary } from "./esg-summary.js";
import type { EsgRunRow } from "./esg-run-repository.js";
import { CSV } from "./esg-run-parts.js";
import type { EsgHistoryEntry, EsgRun, EsgRunServiceOptions, StatusCount } from "./esg-run-types.js";

/** Reading runs: status with counts and forecast, lists, summaries, history, the files. */
export class EsgRunReader {
  readonly #o: EsgRunServiceOptions;

  constructor(options: EsgRunServiceOptions) {
    this.#o = options;
  }

  async getRun(runId: string, now = this.#o.clock.now()): Promise<EsgRun> {
    const run = await this.#o.runs.get(runId);
    return this.#view(run, (await this.#countsOf([runId])).get(runId) ?? [], now);
  }

  /** Accounts by status (and how many reused) for several runs, in one query. */
  async #countsOf(runIds: readonly string[]): Promise<Map<string, StatusCount[]>> {
    const counts = new Map<string, StatusCount[]>();
    for (const r of await this.#o.results.countsByRunAndStatus(runIds))
      counts.set(r.run_id, [...(counts.get(r.run_id) ?? []), r]);
    return counts;
  }

  #view(run: EsgRunRow, counts: readonly StatusCount[], now: Date): EsgRun {
    const by = (s: EsgAccountStatus) => Number(counts.find((c) => c.status === s)?.n ?? 0);
    const total = counts.reduce((sum, c) => sum + Number(c.n), 0);
    const pending = by("PENDING");
    const done = total - pending;
    const started = run.started_at ? Date.parse(run.started_at) : undefined;
    let eta: string | null = null;
    if (ACTIVE.includes(run.status) && started !== undefined && done > 0) {
      const elapsed = Math.max(1, now.getTime() - started);
      const perMs = done / elapsed;
      // While the list is still growing, the accounts it will hold are unknown: use what is known.
      eta = new Date(now.getTime() + pending / perMs).toISOString();
    }
    const end = run.completed_at ? Date.parse(run.completed_at) : undefined;
    return {
      runId: run.run_id,
      runDate: run.run_date,
      trigger: run.trigger_source,
      status: run.status,
      counts: {
        total,
        successful: by("Successful"),
        failed: by("Failed"),
        partial: by("Partial"),
        pending,
        reused: counts.reduce((sum, c) => sum + Number(c.reused ?? 0), 0),
      },
      progress: total === 0 ? (FINAL.includes(run.status) ? 100 : 0) : Math.floor((done * 100) / total),
      listComplete: run.list_complete === 1,
      startedAt: run.started_at,
      completedAt: run.completed_at,
      deadlineAt: run.deadline_at,
      durationSeconds: started !== undefined ? Math.round(((end ?? now.getTime()) - started) / 100) / 10 : null,
      eta,
      etaAfterDeadline: eta !== null && eta > run.deadline_at,
      timedOut: run.timed_out === 1,
      error: run.error,
      hasFile: run.file_blob !== null,
      createdAt: run.created_at,
    };
  }

  async listRuns(
    page: number,
    pageSize: number,
    filter: { runDate?: string } = {},
  ): Promise<{ items: EsgRun[]; total: number }> {
    const { rows, total } = await this.#o.runs.page(page, pageSize, filter.runDate);
    const counts = await this.#countsOf(rows.map((r) => r.run_id));
    const now = this.#o.clock.now();
    return { items: rows.map((r) => this.#view(r, counts.get(r.run_id) ?? [], now)), total };
  }

  async getSummary(runId: string): Promise<EsgSummary> {
    const run = await this.#o.runs.get(runId);
    if (!run.summary_json) throw new NotFoundError("ESG run summary", runId);
    return JSON.parse(run.summary_json) as EsgSummary;
  }

  /** Finished runs between two dates, oldest first, with their summary figures: the trend. */
  async history(from: string, to: string): Promise<EsgHistoryEntry[]> {
    const rows = await this.#o.runs.finishedBetween(from, to);
    return rows.map((r) => {
      const s = r.summary_json ? (JSON.parse(r.summary_json) as EsgSummary) : undefined;
      return {
        runId: r.run_id,
        runDate: r.run_date,
        trigger: r.trigger_source,
        status: r.status,
        startedAt: r.started_at,
        completedAt: r.completed_at,
        durationSeconds:
          r.started_at && r.completed_at
            ? Math.round((Date.parse(r.completed_at) - Date.parse(r.started_at)) / 100) / 10
            : null,
        totalProcessed: s?.totalProcessed ?? 0,
        successful: s?.successful ?? 0,
        failed: s?.failed ?? 0,
        partial: s?.partial ?? 0,
        successRate: s?.successRate ?? null,
        averages: s?.averages ?? null,
        error: r.error,
      };
    });
  }

  /**
   * The day's file (the latest full run of that date that produced one), or a run's own
   * file, decrypted on the fly; every access is audited.
   */
  async openFile(
    target: { runDate: string } | { runId: string },
    kind: "file" | "errors" | "summary",
    actor: Actor,
  ): Promise<{ stream: Readable; fileName: string; contentType: string }> {
    const run = await this.#o.runs.latestWithFile(target);
    if (!run) throw new NotFoundError("ESG file", "runId" in target ? target.runId : target.runDate);
    const blob = kind === "file" ? run.file_blob! : kind === "errors" ? run.error_file_blob! : run.summary_blob!;
    const properties = await this.#o.blobs.findProperties(this.#o.container, blob);
    if (!properties) throw new NotFoundError("ESG file", blob);
    const key = await this.#o.fileKeys.find(properties.metadata.encryption_key_id ?? "");
    if (!key)
      throw new ServiceUnavailableError(
        `The file was encrypted with key ${properties.metadata.encryption_key_id ?? "(none)"}, which is no longer kept; add it to esg-file-encryption-previous-keys`,
      );
    let decipher;
    try {
      decipher = decryptingStream(key, properties.metadata);
    } catch (error) {
      throw new ServiceUnavailableError(`The file cannot be decrypted: ${(error as Error).message}`);
    }
    await this.#o.audit.record(actor, {
      action: "esg.file.downloaded",
      resourceType: "esg_file",
      resourceId: blob,
      details: { run_id: run.run_id, run_date: run.run_date, kind },
    });
    const source = await this.#o.blobs.download(this.#o.container, blob);
    // pipeline: a client that goes away (or a failed tag check) tears down the blob download too.
    const stream = streamPipeline(source, decipher, () => undefined);
    return { stream, fileName: blob.split("/").pop()!, contentType: kind === "summary" ? "application/json" : CSV };
  }
}
