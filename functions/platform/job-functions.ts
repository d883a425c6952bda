import { timerFunction } from "../runtime/declarations.js";

export const jobsSweep = timerFunction({
  name: "jobs-sweep",
  schedule: "JOB_SWEEP_SCHEDULE",
  reason:
    "Every queued job's first message is recorded with its row; this sends the ones whose send was lost (a failed send or a process that died), so no job waits forever",
  sweep: true,
  handler: async ({ platform, logger }) => {
    const sent = await platform.jobs.sweep();
    if (sent > 0) logger.info("Lost job messages sent", { messages: sent });
    return { workSeen: sent > 0 || (await platform.jobs.hasUnsent()) };
  },
});
