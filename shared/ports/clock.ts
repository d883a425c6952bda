/**
 * The time every domain decision is made by: record stamps, deadlines, expiries, due
 * dates, retention cut-offs. One is built per platform and handed to every service, so a
 * test (or a replay) can move it and a scheduled job decides by its firing time, never by
 * whenever the code happens to run.
 *
 * Adapters time their own mechanics on the real clock (lease refills, reconnect
 * heartbeats, secret-cache TTLs, HTTP timeouts, log timestamps): those measure elapsed
 * time on this machine and decide nothing a user sees as a date.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
