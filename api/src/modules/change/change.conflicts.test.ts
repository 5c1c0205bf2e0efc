import { describe, expect, it } from "vitest";
import { DependencyGraph } from "../catalog/service-dependency.rules";
import { FreezeRecurrence } from "./change-config.entity";
import { findChangeConflicts, findFreezeConflicts, freezeOccurrences, windowsOverlap, type ChangeSlot, type FreezeData } from "./change.conflicts";

const at = (iso: string) => new Date(iso);
const slot = (id: string, start: string, end: string, serviceIds: string[]): ChangeSlot => ({ id, label: id, window: { start: at(start), end: at(end) }, serviceIds });
const name = (id: string) => id.toUpperCase();
const noDeps = new DependencyGraph([]);

describe("change conflicts", () => {
  it("finds two changes on the same service whose windows overlap", () => {
    const a = slot("a", "2026-06-01T10:00:00Z", "2026-06-01T12:00:00Z", ["db"]);
    const b = slot("b", "2026-06-01T11:00:00Z", "2026-06-01T13:00:00Z", ["db"]);
    const found = findChangeConflicts(a, [b], noDeps, name);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ changeId: "b", viaDependency: false, serviceIds: ["db"] });
    expect(found[0].message).toBe("b overlaps this window on DB");
  });

  it("does not count touching windows (one ends as the other starts) as overlapping", () => {
    const a = slot("a", "2026-06-01T10:00:00Z", "2026-06-01T12:00:00Z", ["db"]);
    const b = slot("b", "2026-06-01T12:00:00Z", "2026-06-01T13:00:00Z", ["db"]);
    expect(windowsOverlap(a.window, b.window)).toBe(false);
    expect(findChangeConflicts(a, [b], noDeps, name)).toEqual([]);
  });

  it("finds an overlap on a dependent service, in either direction, and ignores unrelated services", () => {
    const graph = new DependencyGraph([
      { serviceId: "api", dependsOnId: "db" },
      { serviceId: "web", dependsOnId: "api" },
    ]);
    const onDb = slot("a", "2026-06-01T10:00:00Z", "2026-06-01T12:00:00Z", ["db"]);
    const onWeb = slot("b", "2026-06-01T11:00:00Z", "2026-06-01T13:00:00Z", ["web"]);
    const onMail = slot("c", "2026-06-01T11:00:00Z", "2026-06-01T13:00:00Z", ["mail"]);
    const found = findChangeConflicts(onDb, [onWeb, onMail], graph, name);
    expect(found.map((c) => [c.changeId, c.viaDependency])).toEqual([["b", true]]);
    expect(findChangeConflicts(onWeb, [onDb], graph, name).map((c) => c.changeId)).toEqual(["a"]);
  });

  it("finds a change inside a one-off freeze on its service, or on all services", () => {
    const change = slot("a", "2026-12-24T10:00:00Z", "2026-12-24T11:00:00Z", ["shop"]);
    const freeze: FreezeData = { id: "f", name: "Christmas", startsAt: at("2026-12-20T00:00:00Z"), endsAt: at("2027-01-02T00:00:00Z"), recurrence: FreezeRecurrence.once, repeatUntil: null, serviceIds: [] };
    expect(findFreezeConflicts(change, [freeze], name).map((c) => c.freezeWindowId)).toEqual(["f"]);
    expect(findFreezeConflicts(change, [{ ...freeze, serviceIds: ["payroll"] }], name)).toEqual([]);
    expect(findFreezeConflicts(change, [{ ...freeze, serviceIds: ["shop"] }], name)[0].message).toContain('inside the freeze "Christmas"');
    const after = slot("b", "2027-01-02T00:00:00Z", "2027-01-02T01:00:00Z", ["shop"]);
    expect(findFreezeConflicts(after, [freeze], name)).toEqual([]);
  });

  it("repeats a weekly freeze that spans the week boundary (Saturday 22:00 to Monday 06:00)", () => {
    // 2026-06-06 is a Saturday.
    const weekend: FreezeData = { id: "w", name: "Weekend batch", startsAt: at("2026-06-06T22:00:00Z"), endsAt: at("2026-06-08T06:00:00Z"), recurrence: FreezeRecurrence.weekly, repeatUntil: null, serviceIds: ["erp"] };
    // Three weeks later, early Monday morning: inside the occurrence that began on Saturday.
    const mondayEarly = slot("a", "2026-06-29T05:00:00Z", "2026-06-29T07:00:00Z", ["erp"]);
    const found = findFreezeConflicts(mondayEarly, [weekend], name);
    expect(found).toHaveLength(1);
    expect(found[0].window).toEqual({ start: at("2026-06-27T22:00:00Z"), end: at("2026-06-29T06:00:00Z") });
    // The same Monday after 06:00, and a Wednesday, are free.
    expect(findFreezeConflicts(slot("b", "2026-06-29T06:00:00Z", "2026-06-29T08:00:00Z", ["erp"]), [weekend], name)).toEqual([]);
    expect(findFreezeConflicts(slot("c", "2026-07-01T10:00:00Z", "2026-07-01T12:00:00Z", ["erp"]), [weekend], name)).toEqual([]);
    // Before the first occurrence there is none; after repeatUntil none either.
    expect(freezeOccurrences(weekend, { start: at("2026-06-01T00:00:00Z"), end: at("2026-06-06T12:00:00Z") })).toEqual([]);
    expect(freezeOccurrences({ ...weekend, repeatUntil: at("2026-06-14T00:00:00Z") }, { start: at("2026-06-27T00:00:00Z"), end: at("2026-06-30T00:00:00Z") })).toEqual([]);
  });

  it("lists each weekly occurrence a long range meets", () => {
    const weekly: FreezeData = { id: "w", name: "Sunday", startsAt: at("2026-06-07T00:00:00Z"), endsAt: at("2026-06-07T06:00:00Z"), recurrence: FreezeRecurrence.weekly, repeatUntil: null, serviceIds: [] };
    expect(freezeOccurrences(weekly, { start: at("2026-06-01T00:00:00Z"), end: at("2026-06-30T00:00:00Z") }).map((o) => o.start.toISOString().slice(0, 10))).toEqual([
      "2026-06-07",
      "2026-06-14",
      "2026-06-21",
      "2026-06-28",
    ]);
  });
});
