import { randomUUID } from "node:crypto";
import { PassThrough, Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { encryptingStream, type FileKey } from "../../kernel/file-encryption.js";
import { FINAL, type EsgRunStatus } from "./esg-tables.js";
import { esgErrorFileHeader, esgErrorRecord, esgFileHeader, esgFileNames, esgFileRecord } from "./esg-files.js";
import { buildEsgSummary } from "./esg-summary.js";
import { CSV, alertManualRunOnce, alertOnce, isManualAccountsRun } from "./esg-run-parts.js";
import type { EsgRunServiceOptions } from "./esg-run-types.js";

/** Rows read from SQL a query at a time while a file streams. */
const PAGE = 2000;

/** The file: writes the encrypted file, error file and summary once, and finishes the run. */
export class EsgFileAssembler {
  readonly #o: EsgRunServiceOptions;

  constructor(options: EsgRunServiceOptions) {
    this.#o = options;
  }

  /**
   * Writes the file, the error file and the summary (each encrypted, streamed to a temporary
   * blob and then moved to its final name), then finishes the run. The claim and the final
   * update are conditional, so redelivery rewrites the same content and the run's
   * completion (alerts included) happens once.
   */
  async assemble(runId: string): Promise<void> {
    const run = await this.#o.runs.get(runId);
    if (FINAL.includes(run.status)) return;
    if (run.status !== "ASSEMBLING") {
      const claimed = await this.#o.runs.claimAssembly(runId, run.status, this.#o.clock.now().toISOString());
      if (!claimed) return this.assemble(runId);
    }
    // Nothing stays pending in a finished run: an account no batch finished is Failed, with why.
    await this.#o.results.failPending(
      runId,
      "Not processed (its batch ended without rating it)",
      this.#o.clock.now().toISOString(),
    );
    const key = await this.#o.fileKeys.current();
    const manual = isManualAccountsRun(run);
    // A manual run's files are named apart from the day's file (FirmESGRatings_Manual_...).
    const names = esgFileNames(run.run_date, manual ? runId : undefined);
    // Each run writes under its own folder: a second full run of a day never overwrites the first's files.
    const folder = manual ? `runs/${runId}` : `daily/${run.run_date}/${runId}`;
    const fileBlob = `${folder}/${names.file}`;
    const errorBlob = `${folder}/${names.errors}`;
    const summaryBlob = `${folder}/${names.summary}`;
    await this.#writeEncrypted(runId, fileBlob, key, Readable.from(this.#fileLines(runId)), { rows_of: "accounts" });
    await this.#writeEncrypted(runId, errorBlob, key, Readable.from(this.#errorLines(runId)), { rows_of: "errors" });
    const summary = await buildEsgSummary(this.#o.runs, this.#o.results, runId);
    await this.#writeEncrypted(runId, summaryBlob, key, Readable.from([JSON.stringify(summary, null, 2)]), {
      rows_of: "summary",
    });

    const timedOut = run.timed_out === 1;
    const status: EsgRunStatus = timedOut ? "TIMED_OUT" : "COMPLETED";
    const now = this.#o.clock.now().toISOString();
    const files = {
      file_blob: fileBlob,
      error_file_blob: errorBlob,
      summary_blob: summaryBlob,
      summary_json: JSON.stringify(summary),
    };
    if (!(await this.#o.runs.finish(runId, status, files, now))) return;
    this.#o.metrics.esgRuns.inc({ status });
    this.#o.logger.info("ESG run finished", {
      run_id: runId,
      run_date: run.run_date,
      status,
      total: summary.totalProcessed,
      successful: summary.successful,
      failed: summary.failed,
      partial: summary.partial,
      file: fileBlob,
    });
    const failedShare = summary.totalProcessed === 0 ? 0 : (summary.failed * 100) / summary.totalProcessed;
    if (failedShare <= this.#o.failureAlertPercent) return;
    if (manual) {
      // A few named accounts: one failure is a large share, but no daily file is at risk.
      await alertManualRunOnce(this.#o, runId, "failure-rate", {
        what: `${summary.failed} of ${summary.totalProcessed} accounts failed`,
        message: `${summary.failed} of ${summary.totalProcessed} accounts failed (${failedShare.toFixed(2)}%, threshold ${this.#o.failureAlertPercent}%) in the manual ESG run ${runId} of ${run.run_date}; its error file names them. The daily file is not affected.`,
        details: { failed: summary.failed, total: summary.totalProcessed },
      });
    } else {
      await alertOnce(this.#o, `${runId}:failure-rate`, {
        severity: "critical",
        title: "ESG run: too many account calls failed",
        message: `${summary.failed} of ${summary.totalProcessed} accounts failed (${failedShare.toFixed(2)}%, threshold ${this.#o.failureAlertPercent}%) in the ESG run of ${run.run_date}`,
        details: { run_id: runId, failed: summary.failed, total: summary.totalProcessed },
      });
    }
  }

  async #writeEncrypted(
    runId: string,
    blobName: string,
    key: FileKey,
    lines: Readable,
    extra: Record<string, string>,
  ): Promise<void> {
    // Unique per attempt: two deliveries writing at once never move each other's blob.
    const temporary = `tmp/${runId}/${randomUUID()}-${blobName.split("/").pop()}`;
    const encryption = encryptingStream(key);
    let lineCount = 0;
    const counter = new Transform({
      transform(chunk: Buffer | string, _encoding, done) {
        const text = String(chunk);
        for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineCount++;
        done(null, chunk);
      },
    });
    const encrypted = new PassThrough();
    const writing = pipeline(lines, counter, encryption.stream, encrypted);
    await Promise.all([
      writing,
      this.#o.blobs
        .uploadCommitted(
          this.#o.container,
          temporary,
          encrypted,
          () => ({
            ...encryption.metadata(),
            run_id: runId,
            ...(extra.rows_of === "summary" ? {} : { rows: String(Math.max(0, lineCount - 1)) }),
            ...extra,
          }),
          { contentType: extra.rows_of === "summary" ? "application/json" : CSV },
        )
        .catch((error: unknown) => {
          // Unblock the writer so nothing is left waiting on a stream no one reads.
          encrypted.destroy(error as Error);
          throw error;
        }),
    ]);
    await this.#o.blobs.move(this.#o.container, temporary, blobName);
  }

  async *#fileLines(runId: string): AsyncGenerator<string> {
    yield esgFileHeader();
    let after = -1;
    for (;;) {
      const rows = await this.#o.results.fileRows(runId, after, PAGE);
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.seq;
      yield rows.map(esgFileRecord).join("");
    }
  }

  async *#errorLines(runId: string): AsyncGenerator<string> {
    yield esgErrorFileHeader();
    let after = -1;
    for (;;) {
      const rows = await this.#o.results.errorRows(runId, after, PAGE);
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.seq;
      yield rows
        .map((r) =>
          esgErrorRecord(r.account_id, r.error ?? "Not processed", r.completed_at ?? this.#o.clock.now().toISOString()),
        )
        .join("");
    }
  }
}
