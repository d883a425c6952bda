import type { Kysely } from "kysely";
import type { AuditLog } from "../../foundation/audit-log.js";
import type { FileKeyring } from "../../kernel/file-encryption.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { Alerter } from "../../ports/alerter.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { OutgoingMessage } from "../../ports/message-queue.js";
import type { EsgTables, EsgAccountStatus, EsgRunStatus, EsgTrigger } from "./esg-tables.js";
import type { DailyWindow } from "./esg-clock.js";
import type { AccountDirectory, EsgRatingsClient } from "./esg-partners.js";
import type { RatingOutcome } from "./esg-rating.js";
import type { EsgSummary } from "./esg-summary.js";
import type { Clock } from "../../ports/clock.js";
import type { JobProtocol } from "../../foundation/job-protocol.js";
import type { EsgAlertRepository } from "./esg-alert-repository.js";
import type { EsgBatchRepository } from "./esg-batch-repository.js";
import type { EsgLatestRating, EsgRatingRepository } from "./esg-rating-repository.js";
import type { EsgResultRepository } from "./esg-result-repository.js";
import type { EsgRunRepository } from "./esg-run-repository.js";

/** One step of a run on the `esg-batches` queue: list the accounts, rate a batch, or write the files. */
export type EsgStep =
  | { readonly step: "list"; readonly runId: string }
  | { readonly step: "batch"; readonly runId: string; readonly batchNo: number }
  | { readonly step: "assemble"; readonly runId: string };

export type SendEsgSteps = (messages: readonly OutgoingMessage[]) => Promise<void>;

export interface EsgRun {
  readonly runId: string;
  readonly runDate: string;
  readonly trigger: EsgTrigger;
  readonly status: EsgRunStatus;
  readonly counts: {
    readonly total: number;
    readonly successful: number;
    readonly failed: number;
    readonly partial: number;
    readonly pending: number;
    readonly reused: number;
  };
  /** Accounts done, in percent of those listed (the list may still be growing while LISTING). */
  readonly progress: number;
  readonly listComplete: boolean;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly deadlineAt: string;
  readonly durationSeconds: number | null;
  /** Forecast finish from the run's throughput so far; null until there is some. */
  readonly eta: string | null;
  readonly etaAfterDeadline: boolean;
  readonly timedOut: boolean;
  readonly error: string | null;
  readonly hasFile: boolean;
  readonly createdAt: string;
}

export interface EsgRunServiceOptions {
  /** The time its decisions are made by (stamps, deadlines, due dates). */
  readonly clock: Clock;
  /** Opens the transactions that span repositories (a listed page, a group of results); it runs no query itself. */
  readonly db: Kysely<EsgTables>;
  readonly runs: EsgRunRepository;
  readonly batches: EsgBatchRepository;
  readonly results: EsgResultRepository;
  readonly ratings: EsgRatingRepository;
  readonly raisedAlerts: EsgAlertRepository;
  readonly blobs: BlobStore;
  readonly container: string;
  readonly alerts: Alerter;
  readonly audit: AuditLog;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  /** Undefined when the partner URLs are not configured; a run then fails with that reason. */
  readonly partners: { readonly accounts: AccountDirectory; readonly ratings: EsgRatingsClient } | undefined;
  readonly fileKeys: FileKeyring;
  readonly window: DailyWindow;
  readonly batchSize: number;
  readonly concurrency: number;
  /** How long a worker holds a batch without renewing: the esg-batches message lock. */
  readonly batchLeaseMs: number;
  /** A rating without an ETag is reused without a call while younger than this (0: always call). */
  readonly fullRefreshHours: number;
  readonly failureAlertPercent: number;
  readonly fileRetentionDays: number;
  readonly resultRetentionDays: number;
  readonly jobs: JobProtocol;
}

export interface StatusCount {
  readonly status: EsgAccountStatus;
  readonly n: number | string;
  readonly reused: number | string | null;
}

export interface OutcomeRecord {
  readonly accountId: string;
  readonly outcome: RatingOutcome;
  readonly known: EsgLatestRating | undefined;
}

export interface EsgHistoryEntry {
  readonly runId: string;
  readonly runDate: string;
  readonly trigger: EsgTrigger;
  readonly status: EsgRunStatus;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly durationSeconds: number | null;
  readonly totalProcessed: number;
  readonly successful: number;
  readonly failed: number;
  readonly partial: number;
  readonly successRate: string | null;
  readonly averages: EsgSummary["averages"] | null;
  readonly error: string | null;
}
