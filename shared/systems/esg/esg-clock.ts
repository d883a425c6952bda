/**
 * The daily run's calendar, in the business time zone (America/Chicago by default).
 * Linux Flex Consumption has no WEBSITE_TIME_ZONE, so timers fire on UTC schedules that
 * cover both UTC offsets and this module decides, in code, whether the local start time
 * has come: correct across daylight-saving changes on every plan.
 */
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

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone. */
function wallClock(
  instant: Date,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The zone's local date of an instant, YYYY-MM-DD. */
export function localDate(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
}

/** The zone's offset from UTC at an instant, in minutes (Chicago: -300 in summer, -360 in winter). */
function offsetMinutes(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant a local wall-clock time happens on a local date. Two passes settle the
 * offset on DST days; a time skipped by spring-forward maps to the instant after the gap.
 */
export function zonedTime(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  const naive = Date.UTC(y, m - 1, d, hh, mm);
  let guess = naive - offsetMinutes(new Date(naive), timeZone) * 60_000;
  guess = naive - offsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess);
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
