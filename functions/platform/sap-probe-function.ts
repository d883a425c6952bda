import { timerFunction } from "../runtime/declarations.js";

export const sapProbe = timerFunction({
  name: "sap-probe",
  schedule: "SAP_HEALTH_PROBE_SCHEDULE",
  reason:
    "In Azure no interval runs in the workers: SAP-backed calls refresh the breaker's state on demand, and this tick probes SAP (RFC_PING) while nobody calls, so an outage is alerted and a recovery noticed even when the app is idle",
  handler: async ({ platform }) => {
    await platform.sap.availability.tick();
  },
});
