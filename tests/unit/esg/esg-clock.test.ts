import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CronExpressionParser } from "cron-parser";
import { isStartDue, isStartOverdue, windowFor, type DailyWindow } from "../../../shared/systems/esg/esg-clock.js";
import { localDate, zonedTime } from "../../../shared/kernel/zoned-time.js";
import { SETTINGS } from "../../../shared/index.js";

const central: DailyWindow = { timeZone: "America/Chicago", startTime: "05:00", windowMinutes: 240, graceMinutes: 15 };
const defaultSchedule = SETTINGS.ESG_DAILY_SCHEDULE.schema.parse(undefined);

/** Every firing of the default UTC schedule between two instants. */
function firings(schedule: string, from: string, to: string): Date[] {
  const it = CronExpressionParser.parse(schedule, { tz: "UTC", currentDate: new Date(Date.parse(from) - 1) });
  const out: Date[] = [];
  for (;;) {
    const next = it.next().toDate();
    if (next.getTime() > Date.parse(to)) return out;
    out.push(next);
  }
}

describe("the daily ESG schedule in Central time", () => {
  it("maps 05:00 and 09:00 Central to the right UTC instant on both sides of each DST change", () => {
    assert.equal(zonedTime("2026-03-07", "05:00", central.timeZone).toISOString(), "2026-03-07T11:00:00.000Z"); // CST
    assert.equal(zonedTime("2026-03-08", "05:00", central.timeZone).toISOString(), "2026-03-08T10:00:00.000Z"); // CDT from 02:00 that day
    assert.equal(zonedTime("2026-10-31", "05:00", central.timeZone).toISOString(), "2026-10-31T10:00:00.000Z"); // CDT
    assert.equal(zonedTime("2026-11-01", "05:00", central.timeZone).toISOString(), "2026-11-01T11:00:00.000Z"); // CST from 02:00 that day
    assert.equal(windowFor("2026-03-08", central).endsAt.toISOString(), "2026-03-08T14:00:00.000Z");
    assert.equal(windowFor("2026-11-01", central).endsAt.toISOString(), "2026-11-01T15:00:00.000Z");
    assert.equal(windowFor("2026-11-01", central).graceEndsAt.toISOString(), "2026-11-01T11:15:00.000Z");
  });

  it("starts exactly once per local day, at 05:00 Central, across spring-forward and fall-back", () => {
    for (const [from, to] of [
      ["2026-03-05T00:00:00Z", "2026-03-11T23:59:59Z"],
      ["2026-10-29T00:00:00Z", "2026-11-04T23:59:59Z"],
    ] as const) {
      const started = new Map<string, Date>();
      for (const tick of firings(defaultSchedule, from, to)) {
        if (isStartDue(tick, central) && !started.has(localDate(tick, central.timeZone)))
          started.set(localDate(tick, central.timeZone), tick);
      }
      assert.equal(started.size, 7, `one start per day from ${from}`);
      for (const [day, at] of started) {
        assert.equal(
          at.toISOString(),
          zonedTime(day, "05:00", central.timeZone).toISOString(),
          `${day} starts at 05:00 Central`,
        );
      }
    }
  });

  it("is not due before 05:00 nor after 09:00 Central, and overdue from 05:15", () => {
    assert.equal(isStartDue(new Date("2026-11-02T10:59:59Z"), central), false); // 04:59:59 CST
    assert.equal(isStartDue(new Date("2026-11-02T11:00:00Z"), central), true);
    assert.equal(isStartDue(new Date("2026-11-02T15:00:00Z"), central), false); // 09:00 CST
    assert.equal(isStartDue(new Date("2026-07-01T10:00:00Z"), central), true); // 05:00 CDT
    assert.equal(isStartOverdue(new Date("2026-07-01T10:14:59Z"), central), false);
    assert.equal(isStartOverdue(new Date("2026-07-01T10:15:00Z"), central), true);
    assert.equal(
      localDate(new Date("2026-11-02T05:59:00Z"), central.timeZone),
      "2026-11-01",
      "before midnight Central it is still the day before",
    );
  });
});
