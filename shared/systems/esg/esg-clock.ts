/**
 * The daily run's calendar, in the business time zone (America/Chicago by default).
 * Linux Flex Consumption has no WEBSITE_TIME_ZONE, so timers fire on UTC schedules that
 * cover both UTC offsets and this module decides, in code, whether the local start time
 * has come: correct across daylight-saving changes on every plan.
 */
import { localDate, zonedTime } from "../../kernel/zoned-time.js";

export interface DailyWindow {
  /** IANA zone, e.g. America/Chicago. */
  readonly timeZone: string;
  /** Local start, HH:MM. */
  readonly startTime: string;
  /** Work unfinished this long after the start is stopped (240 = 05:00 to 09:00). */
  readonly windowMinutes: number;
  /** The watchdog alerts when no run has started this long after the start. */
  readonly graceMinutes: number;
}

export interface RunWindow {
  /** The local calendar date the run belongs to, YYYY-MM-DD. */
  readonly runDate: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly graceEndsAt: Date;
}

export function windowFor(runDate: string, w: DailyWindow): RunWindow {
  const startsAt = zonedTime(runDate, w.startTime, w.timeZone);
  return {
    runDate,
    startsAt,
    endsAt: new Date(startsAt.getTime() + w.windowMinutes * 60_000),
    graceEndsAt: new Date(startsAt.getTime() + w.graceMinutes * 60_000),
  };
}

/** Today's window (in the zone) as seen at `now`. */
export function windowAt(now: Date, w: DailyWindow): RunWindow {
  return windowFor(localDate(now, w.timeZone), w);
}

/** True while the scheduled run of the local day may start: from the start time until the window closes. */
export function isStartDue(now: Date, w: DailyWindow): boolean {
  const window = windowAt(now, w);
  return now >= window.startsAt && now < window.endsAt;
}

/** True once the grace period has passed without the run starting (and the window is still open). */
export function isStartOverdue(now: Date, w: DailyWindow): boolean {
  const window = windowAt(now, w);
  return now >= window.graceEndsAt && now < window.endsAt;
}
