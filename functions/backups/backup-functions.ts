import { z } from "zod";
import { projectCode } from "../runtime/schemas.js";
import { ADMIN_ONLY, FINANCE_WRITERS, QUEUES } from "../../shared/index.js";
import { httpFunction, queueFunction, timerFunction, type SendMessage } from "../runtime/declarations.js";
import { fileDownload } from "../runtime/file-download.js";
import { paging } from "../runtime/pagination.js";

/** List endpoints page in camelCase. */
const paged = paging("camelCase");

const backupView = z.object({
  backupId: z.string(),
  trigger: z.enum(["manual", "scheduled"]),
  status: z.enum(["QUEUED", "PROCESSING", "COMPLETED", "FAILED"]),
  progress: z.number().int(),
  projectIds: z.array(z.string()).nullable(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  blobName: z.string().nullable(),
  schemaHash: z.string().nullable(),
  projectCount: z.number().int().nullable(),
  recordCount: z.number().int().nullable(),
  sha256: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  verifiedAt: z.string().nullable(),
  verificationStatus: z.enum(["PASSED", "FAILED"]).nullable(),
  verificationError: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  format: z.string().describe('"fip-backup/2": a manifest and one gzip CSV per section; "csv/1": one gzip CSV'),
  cutoffAt: z.string().nullable().describe("SQL rows created after this instant are not in the backup"),
  sections: z
    .array(
      z.object({
        section: z.string(),
        description: z.string(),
        restorable: z.boolean(),
        rows: z.number().int(),
        sha256: z.string(),
        sizeBytes: z.number().int(),
      }),
    )
    .nullable()
    .describe("What the backup holds, part by part (null until completed, and for csv/1)"),
});
const backupParams = z.object({ backupId: z.uuid() });
const completedNotice = (send: SendMessage) => (m: Parameters<SendMessage>[1]) => send(QUEUES.taskCompleted, m);

export const backupsTrigger = httpFunction({
  name: "backups-trigger",
  route: "v1/backups/trigger",
  method: "POST",
  summary:
    "Start a backup: merged projects, WBS elements, billing entries, audit log (all projects unless projectIds is given); 202 {backupId, status: QUEUED} (admin, finance)",
  tags: ["backups"],
  access: { roles: FINANCE_WRITERS },
  body: z.strictObject({ projectIds: z.array(projectCode).min(1).max(10_000).optional() }),
  response: z.object({ backupId: z.string(), status: z.literal("QUEUED") }),
  successStatus: 202,
  handler: async ({ body }, { platform, actor }) => {
    const backup = await platform.backups.requestBackup(
      body?.projectIds ? [...new Set(body.projectIds)] : null,
      "manual",
      actor,
    );
    return { data: { backupId: backup.backupId, status: "QUEUED" as const } };
  },
});

export const backupsList = httpFunction({
  name: "backups-list",
  route: "v1/backups",
  method: "GET",
  summary: "Backups, newest first, with their metadata and last verification (admin, finance)",
  tags: ["backups"],
  access: { roles: FINANCE_WRITERS },
  query: paged.query,
  response: z.object({ items: z.array(backupView), pagination: paged.view }),
  handler: async ({ query }, { platform }) => {
    const { items, total } = await platform.backups.listBackups(query.page, query.pageSize);
    return { data: paged.pageOf(items, { page: query.page, pageSize: query.pageSize, total }) };
  },
});

export const backupsGet = httpFunction({
  name: "backups-get",
  route: "v1/backups/{backupId}",
  method: "GET",
  summary:
    "One backup: status, progress (0-100), metadata, cut-off, and each section's rows and SHA-256 (admin, finance)",
  tags: ["backups"],
  access: { roles: FINANCE_WRITERS },
  params: backupParams,
  response: backupView,
  errors: [404],
  handler: async ({ params }, { platform }) => ({ data: await platform.backups.getBackup(params.backupId) }),
});

export const backupsVerify = httpFunction({
  name: "backups-verify",
  route: "v1/backups/{backupId}/verify",
  method: "POST",
  summary:
    "Re-read a backup and check the manifest's SHA-256 and every part's SHA-256, rows and columns now; alerts on a mismatch (admin, finance)",
  tags: ["backups"],
  access: { roles: FINANCE_WRITERS },
  params: backupParams,
  response: backupView,
  errors: [404],
  handler: async ({ params }, { platform, actor }) => ({
    data: await platform.backups.verifyBackup(params.backupId, actor),
  }),
});

export const backupsDownload = httpFunction({
  name: "backups-download",
  route: "v1/backups/{backupId}/download",
  method: "GET",
  summary:
    "Restore drill: the backup as kept, a tar of its manifest and gzip CSV parts (a csv/1 backup: its gzip CSV) (admin; audited)",
  tags: ["backups"],
  access: { roles: ADMIN_ONLY },
  params: backupParams,
  response: { raw: "application/x-tar" },
  errors: [404],
  handler: async ({ params }, { platform, actor }) =>
    fileDownload(await platform.backups.downloadBackup(params.backupId, actor)),
});

export const backupRun = queueFunction({
  name: "backup-run",
  queue: QUEUES.backupRequests,
  message: z.strictObject({ backupId: z.uuid() }),
  handler: async ({ backupId }, { platform, send, isLastDelivery }) => {
    await platform.jobs.deliver(
      { kind: "backup", jobId: backupId, isLastDelivery },
      () => platform.backups.runBackup(backupId, completedNotice(send)),
      (reason) => platform.backups.failBackup(backupId, reason, completedNotice(send)),
    );
  },
});

export const backupWeekly = timerFunction({
  name: "backup-weekly",
  schedule: "BACKUP_SCHEDULE",
  reason: "Compliance: a full backup (projects, WBS elements, billing entries, audit log) every week, kept 7 years",
  handler: async ({ platform, correlationId }) => {
    await platform.backups.requestBackup(null, "scheduled", { correlationId });
    return { workSeen: true }; // a job queued: the sweeps watch it
  },
});

export const backupVerifyMonthly = timerFunction({
  name: "backup-verify-monthly",
  schedule: "BACKUP_VERIFY_SCHEDULE",
  reason: "Prove monthly that recent backups still read back intact (every part's SHA-256, rows and columns)",
  handler: async ({ platform, logger, correlationId }) => {
    const result = await platform.backups.verifyRecent(platform.settings.BACKUP_VERIFY_LOOKBACK_DAYS, {
      correlationId,
    });
    logger.info("Backups verified", result);
  },
});
