/**
 * Times as a report's reader sees them: the wall clock of REPORT_TIME_ZONE, with the zone
 * named, never a raw ISO stamp. "4 Dec 2026 05:00 UTC"; elsewhere the zone and its offset
 * at that instant, "4 Dec 2026 06:00 Europe/Brussels (UTC+01:00)", so a time in the hour
 * daylight saving repeats is still one instant. Month names are our own, not the ICU
 * locale's (which has changed "Sep" to "Sept" between versions).
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock fields of an instant in a zone. */
function wallClock(instant: Date, timeZone: string) {
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
  const parts = Object.fromEntries(f.formatToParts(instant).map((p) => [p.type, p.value]));
  const [year, month, day, hour, minute, second] = [
    parts.year,
    parts.month,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  ].map(Number) as [number, number, number, number, number, number];
  return { year, month, day, hour, minute, second };
}

const two = (n: number) => String(n).padStart(2, "0");

/** True for UTC under any of its names (Etc/UTC, GMT, Zulu, ...): named "UTC", with no offset. */
function isUtc(timeZone: string): boolean {
  return new Intl.DateTimeFormat("en", { timeZone }).resolvedOptions().timeZone === "UTC";
}

/** "4 Dec 2026 05:00 UTC", or "4 Dec 2026 06:00 Europe/Brussels (UTC+01:00)". */
export function formatLocalTime(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  const wall = `${w.day} ${MONTHS[w.month - 1]} ${w.year} ${two(w.hour)}:${two(w.minute)}`;
  if (isUtc(timeZone)) return `${wall} UTC`;
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const offset = Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${wall} ${timeZone} (UTC${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)})`;
}

/** The zone's calendar date of an instant, YYYY-MM-DD. */
export function localDate(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${w.year}-${two(w.month)}-${two(w.day)}`;
}
