import Holidays from "date-holidays";
import { DateTime, IANAZone } from "luxon";

/** One opening window of a weekday, in the calendar's time zone ("HH:mm"; end may be "24:00"). */
export interface WeeklyWindow {
  /** ISO weekday: 1 = Monday … 7 = Sunday (luxon's numbering). */
  weekday: number;
  start: string;
  end: string;
}

/** What business-time arithmetic needs; `null` as a calendar means around the clock (24×7). */
export interface BusinessCalendar {
  timeZone: string;
  weekly: readonly WeeklyWindow[];
  /** Closed days ("yyyy-MM-dd" in the calendar's zone): admin-entered plus the country's public holidays. */
  isHoliday(isoDate: string): boolean;
}

/** Ten years of days: the search for open hours gives up there (a calendar with no open hours at all is refused on save). */
const MAX_DAYS_SCANNED = 3_660;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** Why a weekly schedule or zone is unusable, or null. */
export function calendarProblem(timeZone: string, weekly: readonly WeeklyWindow[]): { field: string; message: string } | null {
  if (!IANAZone.isValidZone(timeZone)) return { field: "timeZone", message: `"${timeZone}" is not an IANA time zone (e.g. Europe/Berlin)` };
  if (weekly.length === 0) return { field: "weeklyHours", message: "needs at least one opening window" };
  for (const w of weekly) {
    if (!Number.isInteger(w.weekday) || w.weekday < 1 || w.weekday > 7) return { field: "weeklyHours", message: "weekday must be 1 (Monday) to 7 (Sunday)" };
    if (!HHMM.test(w.start) || !HHMM.test(w.end) || w.start === "24:00") return { field: "weeklyHours", message: "start and end are HH:mm (end may be 24:00)" };
    if (w.end <= w.start) return { field: "weeklyHours", message: `the window ${w.start}-${w.end} ends before it starts` };
  }
  return null;
}

/** The country's public holidays through `date-holidays`, one set per country and year. */
const holidayCache = new Map<string, Set<string>>();
export function countryHolidays(country: string, year: number): Set<string> {
  const key = `${country}:${year}`;
  let days = holidayCache.get(key);
  if (!days) {
    const list = new Holidays(country).getHolidays(year) || [];
    days = new Set(list.filter((h) => h.type === "public").map((h) => h.date.slice(0, 10)));
    holidayCache.set(key, days);
  }
  return days;
}

export function isKnownCountry(country: string): boolean {
  return !!new Holidays().getCountries()[country.toUpperCase()];
}

export function makeCalendar(timeZone: string, weekly: readonly WeeklyWindow[], holidays: readonly string[], country: string | null): BusinessCalendar {
  const admin = new Set(holidays);
  return {
    timeZone,
    weekly,
    isHoliday: (date) => admin.has(date) || (!!country && countryHolidays(country, Number(date.slice(0, 4))).has(date)),
  };
}

function at(day: DateTime, hhmm: string): DateTime {
  if (hhmm === "24:00") return day.plus({ days: 1 }).startOf("day");
  const [hour, minute] = hhmm.split(":").map(Number);
  // set() keeps the wall time across a DST change (a time skipped by spring-forward moves to the next valid one).
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

/** The open windows of one calendar day, as epoch-ms pairs, in order. */
function openWindows(calendar: BusinessCalendar, day: DateTime): Array<[number, number]> {
  if (calendar.isHoliday(day.toISODate()!)) return [];
  return calendar.weekly
    .filter((w) => w.weekday === day.weekday)
    .map((w): [number, number] => [at(day, w.start).toMillis(), at(day, w.end).toMillis()])
    .sort((a, b) => a[0] - b[0]);
}

function* daysFrom(calendar: BusinessCalendar, fromMs: number): Generator<DateTime> {
  let day = DateTime.fromMillis(fromMs, { zone: calendar.timeZone }).startOf("day");
  for (let i = 0; i < MAX_DAYS_SCANNED; i++) {
    yield day;
    day = day.plus({ days: 1 });
  }
}

/** Business milliseconds between two instants (0 when `to` is not after `from`). */
export function businessMsBetween(calendar: BusinessCalendar | null, from: Date, to: Date): number {
  const start = from.getTime();
  const end = to.getTime();
  if (end <= start) return 0;
  if (!calendar) return end - start;
  let total = 0;
  for (const day of daysFrom(calendar, start)) {
    if (day.toMillis() >= end) break;
    for (const [open, close] of openWindows(calendar, day)) total += Math.max(0, Math.min(close, end) - Math.max(open, start));
  }
  return total;
}

/** The instant at which `ms` business milliseconds after `from` have passed. */
export function addBusinessMs(calendar: BusinessCalendar | null, from: Date, ms: number): Date {
  const start = from.getTime();
  if (!calendar) return new Date(start + Math.max(0, ms));
  let left = Math.max(0, ms);
  for (const day of daysFrom(calendar, start)) {
    for (const [open, close] of openWindows(calendar, day)) {
      const begin = Math.max(open, start);
      if (close <= begin) continue;
      if (left <= close - begin) return new Date(begin + left);
      left -= close - begin;
    }
  }
  throw new Error("the calendar has no open hours in the next ten years");
}
