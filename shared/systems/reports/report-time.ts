/**
 * Times as a report's reader sees them: the wall clock of REPORT_TIME_ZONE, with the zone
 * named, never a raw ISO stamp. "4 Dec 2026 05:00 UTC"; elsewhere the zone and its offset
 * at that instant, "4 Dec 2026 06:00 Europe/Brussels (UTC+01:00)", so a time in the hour
 * daylight saving repeats is still one instant. Month names are our own, not the ICU
 * locale's (which has changed "Sep" to "Sept" between versions).
 */

import { isUtcZone, offsetMinutes, wallClock } from "../../kernel/zoned-time.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

const two = (n: number) => String(n).padStart(2, "0");

/** "4 Dec 2026 05:00 UTC", or "4 Dec 2026 06:00 Europe/Brussels (UTC+01:00)". */
export function formatLocalTime(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  const wall = `${w.day} ${MONTHS[w.month - 1]} ${w.year} ${two(w.hour)}:${two(w.minute)}`;
  if (isUtcZone(timeZone)) return `${wall} UTC`;
  const offset = offsetMinutes(instant, timeZone);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${wall} ${timeZone} (UTC${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)})`;
}
