import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatLocalTime } from "../../../shared/systems/reports/report-time.js";
import { localDate } from "../../../shared/kernel/zoned-time.js";

describe("report times", () => {
  it("names UTC plainly, under any of its names", () => {
    const at = new Date("2026-12-04T05:00:00Z");
    assert.equal(formatLocalTime(at, "UTC"), "4 Dec 2026 05:00 UTC");
    assert.equal(formatLocalTime(at, "Etc/UTC"), "4 Dec 2026 05:00 UTC");
  });

  it("shows another zone's wall clock with the zone and its offset at that instant", () => {
    assert.equal(
      formatLocalTime(new Date("2026-12-04T05:00:00Z"), "Europe/Brussels"),
      "4 Dec 2026 06:00 Europe/Brussels (UTC+01:00)",
    );
    assert.equal(
      formatLocalTime(new Date("2026-07-01T23:30:00Z"), "Europe/Brussels"),
      "2 Jul 2026 01:30 Europe/Brussels (UTC+02:00)",
    );
    assert.equal(
      formatLocalTime(new Date("2026-09-15T12:00:00Z"), "America/Chicago"),
      "15 Sep 2026 07:00 America/Chicago (UTC-05:00)",
    );
  });

  it("tells apart the two instants of the hour daylight saving repeats", () => {
    // 25 Oct 2026: Brussels goes from 03:00 CEST back to 02:00 CET.
    assert.equal(
      formatLocalTime(new Date("2026-10-25T00:30:00Z"), "Europe/Brussels"),
      "25 Oct 2026 02:30 Europe/Brussels (UTC+02:00)",
    );
    assert.equal(
      formatLocalTime(new Date("2026-10-25T01:30:00Z"), "Europe/Brussels"),
      "25 Oct 2026 02:30 Europe/Brussels (UTC+01:00)",
    );
  });

  it("gives the zone's calendar date", () => {
    assert.equal(localDate(new Date("2026-12-31T23:30:00Z"), "UTC"), "2026-12-31");
    assert.equal(localDate(new Date("2026-12-31T23:30:00Z"), "Europe/Brussels"), "2027-01-01");
  });
});
