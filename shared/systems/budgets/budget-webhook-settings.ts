import { z } from "zod";
import { bool, int, type SettingsCatalog } from "../../foundation/settings.js";

/** Webhooks and import alerts: part of the budgets slice of the settings catalog. */
export const BUDGET_WEBHOOK_SETTINGS = {
  BUDGETS_WEBHOOK_ALLOW_HTTP: {
    scope: "platform",
    description:
      "Accept http:// webhook URLs (default: https only). For a laptop or a test receiver; leave false in Azure, where a signed body over plain HTTP can be read on the way.",
    schema: bool.default(false),
  },
  BUDGETS_WEBHOOK_PRIVATE_HOSTS: {
    scope: "platform",
    description:
      "Comma list of webhook hosts (host or host:port) allowed to be or resolve to loopback, private or link-local addresses; every other URL reaching such an address is refused (SSRF). Empty by default; the local host adds its webhook receiver simulator.",
    schema: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean),
      ),
  },
  BUDGETS_WEBHOOK_MAX_ATTEMPTS: {
    scope: "platform",
    description:
      "Attempts of one webhook delivery (network errors, 5xx and 429 are retried with exponential backoff) before it ends failed.",
    schema: int(1, 30).default(8),
  },
  BUDGETS_WEBHOOK_RETRY_BASE_SECONDS: {
    scope: "platform",
    description:
      "Delay before a webhook delivery's second attempt; each further attempt waits twice as long (at most an hour), or the receiver's Retry-After when longer.",
    schema: int(1, 3600).default(30),
  },
  BUDGETS_WEBHOOK_TIMEOUT_SECONDS: {
    scope: "platform",
    description: "How long a webhook receiver has to answer one POST before the attempt counts as a network error.",
    schema: int(1, 120).default(10),
  },
  BUDGETS_IMPORT_ALERT_FAILURE_PERCENT: {
    scope: "platform",
    description:
      "Budget import failure rate (percent of imports finished in the window) above which a warning alert is raised.",
    schema: int(1, 100).default(10),
  },
  BUDGETS_IMPORT_ALERT_WINDOW_MINUTES: {
    scope: "platform",
    description: "The window of recent finished budget imports the failure rate is computed over.",
    schema: int(5, 10_080).default(60),
  },
  BUDGETS_IMPORT_ALERT_MIN_IMPORTS: {
    scope: "platform",
    description:
      "Finished imports the window must hold before the failure rate can alert, so one failed import of one customer does not page.",
    schema: int(1, 10_000).default(20),
  },
  BUDGETS_IMPORT_ALERT_QUIET_MINUTES: {
    scope: "platform",
    description: "After a failure-rate alert, how long the next one waits while the rate stays high.",
    schema: int(1, 10_080).default(60),
  },
} as const satisfies SettingsCatalog;
