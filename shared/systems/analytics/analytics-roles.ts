import type { Role } from "../../kernel/roles.js";

/** Who reads analytics (exploration, anomalies, RCA, chat): issue #20 §7. Viewers see dashboards and charts only. */
export const ANALYTICS_READERS: readonly Role[] = ["admin", "finance", "analyst"];
/** Who loads expense data. */
export const ANALYTICS_IMPORTERS: readonly Role[] = ["admin"];
