import { WorkSignal, type Platform } from "../../shared/index.js";

const signals = new WeakMap<Platform, WorkSignal>();

/** The platform's work marker, for the pipeline to raise and the sweep timers to read. */
export function workSignalOf(platform: Platform): WorkSignal {
  let signal = signals.get(platform);
  if (!signal) {
    signal = new WorkSignal({
      cache: platform.cache,
      clock: platform.clock,
      logger: platform.logger,
      quietAfterSeconds: platform.settings.SWEEPS_QUIET_AFTER_SECONDS,
      fullIntervalMinutes: platform.settings.SWEEPS_FULL_INTERVAL_MINUTES,
    });
    signals.set(platform, signal);
  }
  return signal;
}
