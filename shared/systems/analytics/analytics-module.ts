import type { Kysely } from "kysely";
import type { AuditLog } from "../../foundation/audit-log.js";
import type { JobProtocol } from "../../foundation/job-protocol.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { SettingsOf } from "../../foundation/settings.js";
import { tablesOf, type SqlDialectName } from "../../foundation/sql/database.js";
import { DEFAULT_TABULAR_LIMITS } from "../../foundation/tabular/index.js";
import type { BlobStore } from "../../ports/blob-store.js";
import type { Clock } from "../../ports/clock.js";
import type { LanguageModel } from "../../ports/language-model.js";
import type { ANALYTICS_SETTINGS } from "./analytics-settings.js";
import type { AnalyticsTables } from "./analytics-tables.js";
import { createAnomalyService, type AnomalyService } from "./anomaly-service.js";
import { ChartService } from "./chart-service.js";
import { chatCalculator } from "./chat-calculations.js";
import { ChatService } from "./chat-service.js";
import type { ChatTables } from "./chat-tables.js";
import { dataVocabulary } from "./chat-vocabulary.js";
import { ExpenseImports } from "./expense-imports.js";
import type { ExpenseImportTables } from "./expense-import-tables.js";
import { Exploration } from "./exploration.js";
import { RcaService, type BudgetReader } from "./rca-service.js";

export interface AnalyticsModuleDeps {
  readonly settings: SettingsOf<typeof ANALYTICS_SETTINGS>;
  /** The connection analytics queries run on (every query is pushed down to SQL). */
  readonly db: Kysely<AnalyticsTables>;
  readonly dialect: SqlDialectName;
  /** The platform database: expense imports' job rows live beside the job outbox. */
  readonly platformDb: Kysely<ExpenseImportTables>;
  readonly clock: Clock;
  readonly blobs: BlobStore;
  readonly jobs: JobProtocol;
  readonly audit: AuditLog;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
  /** The budgets' planned amounts (actual vs budget), customer isolation checked there. */
  readonly budgets: BudgetReader;
  /** The chat's optional language model (ANALYTICS_LLM_URL). */
  readonly model: LanguageModel | undefined;
}

/** The analytics system's face towards functions/: exploration, anomalies, RCA, charts, chat. */
export interface AnalyticsService {
  readonly settings: AnalyticsModuleDeps["settings"];
  /** Exploration: summary, breakdowns and time series over reusable SQL. */
  readonly exploration: Exploration;
  /** Statistical (z-score / MAD), isolation-forest and trend anomalies, explained in one format. */
  readonly anomalies: AnomalyService;
  /** Root-cause analysis: exact decomposition of a change, evidence, importance, waterfall. */
  readonly rca: RcaService;
  /** Chart specs from the aggregates, as Plotly figures or server-side SVG. */
  readonly charts: ChartService;
  /** Chat rooms whose answers come from the analyses above, citing them. */
  readonly chat: ChatService;
  /** Expense files into finance_expense as queued, de-duplicated imports. */
  readonly imports: ExpenseImports;
}

export function createAnalytics(deps: AnalyticsModuleDeps): AnalyticsService {
  const exploration = new Exploration(deps.db);
  const anomalies = createAnomalyService(deps.db);
  const rca = new RcaService(deps.db, deps.budgets);
  const charts = new ChartService(deps.db, anomalies);
  const chat = new ChatService({
    db: tablesOf<ChatTables, AnalyticsTables>(deps.db),
    clock: deps.clock,
    logger: deps.logger,
    model: deps.model,
    vocabulary: dataVocabulary(deps.db, deps.clock),
    calculate: chatCalculator({ exploration, anomalies, rca, charts }),
  });
  const imports = new ExpenseImports({
    db: deps.platformDb,
    expenses: deps.db,
    expensesDialect: deps.dialect,
    clock: deps.clock,
    blobs: deps.blobs,
    jobs: deps.jobs,
    audit: deps.audit,
    logger: deps.logger,
    container: deps.settings.ANALYTICS_IMPORTS_CONTAINER,
    limits: {
      ...DEFAULT_TABULAR_LIMITS,
      maxBytes: deps.settings.ANALYTICS_IMPORT_MAX_FILE_BYTES,
      maxRows: deps.settings.ANALYTICS_IMPORT_MAX_ROWS,
    },
    staleAfterSeconds: deps.settings.ANALYTICS_IMPORT_STALE_AFTER_SECONDS,
  });
  return { settings: deps.settings, exploration, anomalies, rca, charts, chat, imports };
}
