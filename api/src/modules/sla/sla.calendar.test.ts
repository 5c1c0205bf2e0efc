import { describe, expect, it } from "vitest";
import { addBusinessMs, businessMsBetween, calendarProblem, makeCalendar, type WeeklyWindow } from "./sla.calendar";
import { newClock, pauseClock, recordDue, resumeClock, retargetClock, startClock, stopClock, timeLeftMs } from "./sla.rules";

const H = 3600_000;
const weekdays = (start: string, end: string): WeeklyWindow[] => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start, end }));
const berlin = makeCalendar("Europe/Berlin", weekdays("09:00", "17:00"), [], null);

describe("business-hours arithmetic", () => {
  it("skips the weekend: 2 business hours from Friday 16:00 Berlin end Monday 10:00", () => {
    const friday = new Date("2026-11-27T15:00:00Z"); // 16:00 in Berlin (CET, UTC+1)
    const due = addBusinessMs(berlin, friday, 2 * H);
    expect(due.toISOString()).toBe("2026-11-30T09:00:00.000Z"); // Monday 10:00 CET
    expect(businessMsBetween(berlin, friday, due)).toBe(2 * H);
  });

  it("counts no time over a weekend and none outside opening hours", () => {
    expect(businessMsBetween(berlin, new Date("2026-11-27T16:00:00Z"), new Date("2026-11-30T08:00:00Z"))).toBe(0);
    expect(businessMsBetween(berlin, new Date("2026-11-26T07:00:00Z"), new Date("2026-11-26T20:00:00Z"))).toBe(8 * H);
  });

  it("keeps wall-clock opening hours across the spring DST change (Berlin, 29 March 2026)", () => {
    // Friday 27 March 16:00 CET (UTC+1); four business hours later is Monday 30 March 12:00 CEST (UTC+2).
    const due = addBusinessMs(berlin, new Date("2026-03-27T15:00:00Z"), 4 * H);
    expect(due.toISOString()).toBe("2026-03-30T10:00:00.000Z");
  });

  it("has a 23-hour day on a 24×7 calendar in a zone that springs forward", () => {
    const always = makeCalendar("America/New_York", [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: "00:00", end: "24:00" })), [], null);
    // 8 March 2026 is 23 hours long in New York.
    expect(businessMsBetween(always, new Date("2026-03-08T05:00:00Z"), new Date("2026-03-09T04:00:00Z"))).toBe(23 * H);
  });

  it("closes on admin-entered holidays and on the country's public holidays (date-holidays)", () => {
    const withHoliday = makeCalendar("Europe/Berlin", weekdays("09:00", "17:00"), ["2026-11-30"], null);
    expect(addBusinessMs(withHoliday, new Date("2026-11-27T15:00:00Z"), 2 * H).toISOString()).toBe("2026-12-01T09:00:00.000Z");
    const german = makeCalendar("Europe/Berlin", weekdays("09:00", "17:00"), [], "DE");
    // 24 Dec 2026 is a Thursday (a "bank" day in DE, open here); 25 and 26 Dec are public holidays, then the weekend.
    expect(addBusinessMs(german, new Date("2026-12-24T15:00:00Z"), 2 * H).toISOString()).toBe("2026-12-28T09:00:00.000Z");
  });

  it("refuses unknown zones, empty weeks and backwards windows", () => {
    expect(calendarProblem("Mars/Olympus", weekdays("09:00", "17:00"))?.field).toBe("timeZone");
    expect(calendarProblem("UTC", [])?.field).toBe("weeklyHours");
    expect(calendarProblem("UTC", [{ weekday: 1, start: "17:00", end: "09:00" }])?.field).toBe("weeklyHours");
    expect(calendarProblem("UTC", weekdays("09:00", "24:00"))).toBeNull();
  });
});

describe("SLA clock moves", () => {
  const t0 = new Date("2026-11-23T09:00:00Z"); // a Monday
  const at = (hours: number) => new Date(t0.getTime() + hours * H);

  it("pauses without spending time and resumes with the time it had left", () => {
    const c = newClock(4 * H, 0.75);
    startClock(c, null, t0);
    pauseClock(c, null, at(1));
    expect(c.dueAt).toBeNull();
    expect(timeLeftMs(c, null, at(10))).toBe(3 * H);
    resumeClock(c, null, at(10));
    expect(c.dueAt?.toISOString()).toBe(at(13).toISOString());
  });

  it("re-targets on a priority change and keeps the time already spent", () => {
    const c = newClock(8 * H, 0.75);
    startClock(c, null, t0);
    retargetClock(c, null, at(3), 4 * H, 0.75);
    expect(c.spentMs).toBe(3 * H);
    expect(c.dueAt?.toISOString()).toBe(at(4).toISOString());
  });

  it("records a breach at the instant it fell due, even when noticed later", () => {
    const c = newClock(2 * H, 0.5);
    startClock(c, null, t0);
    expect(recordDue(c, at(5))).toEqual({ warned: true, breached: true });
    expect(c.breachedAt?.toISOString()).toBe(at(2).toISOString());
    expect(c.warnedAt?.toISOString()).toBe(at(1).toISOString());
    expect(c.breachRecordedAt?.toISOString()).toBe(at(5).toISOString());
    stopClock(c, null, at(6));
    expect(recordDue(c, at(7))).toEqual({ warned: false, breached: false });
  });
});
