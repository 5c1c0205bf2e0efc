import { describe, expect, it } from "vitest";
import { Severity } from "../incident/incident.entity";
import { Stage } from "../incident/incident.lifecycle";
import { AlertStatus } from "./alert.entity";
import { correlationKeyOf, fingerprintOf, matchingRule, nextFlapState, severityFrom, stagePath, suppressingWindow } from "./alert.rules";
import type { NormalizedAlert } from "./alert.sources";

const alert = (over: Partial<NormalizedAlert> = {}): NormalizedAlert => ({
  action: "trigger",
  title: "Disk full",
  description: "",
  sourceSeverity: "warning",
  labels: { alertname: "DiskFull", instance: "db1" },
  details: {},
  dedupKey: null,
  occurredAt: "2026-11-29T12:00:00.000Z",
  ...over,
});

describe("alert rules", () => {
  it("fingerprints by dedup key, else by labels in any order, else by the configured fields", () => {
    expect(fingerprintOf(alert({ dedupKey: "k1" }), [])).toBe(fingerprintOf(alert({ dedupKey: "k1", labels: {} }), []));
    expect(fingerprintOf(alert({ labels: { a: "1", b: "2" } }), [])).toBe(fingerprintOf(alert({ labels: { b: "2", a: "1" } }), []));
    expect(fingerprintOf(alert({ labels: { a: "1" } }), [])).not.toBe(fingerprintOf(alert({ labels: { a: "2" } }), []));
    // Only alertname counts: two instances are one alert.
    expect(fingerprintOf(alert({ labels: { alertname: "X", instance: "a" } }), ["labels.alertname"])).toBe(fingerprintOf(alert({ labels: { alertname: "X", instance: "b" } }), ["labels.alertname"]));
  });

  it("maps source severities to incident severities, unknown to the mildest", () => {
    expect(severityFrom("critical")).toBe(Severity.SEV1);
    expect(severityFrom("ERROR")).toBe(Severity.SEV2);
    expect(severityFrom("warning")).toBe(Severity.SEV3);
    expect(severityFrom("info")).toBe(Severity.SEV4);
    expect(severityFrom(null)).toBe(Severity.SEV4);
  });

  it("flags an alert that changes state threshold times within the window, and forgets after it", () => {
    const settings = { windowMs: 60_000, threshold: 3 };
    const t0 = new Date("2026-11-29T12:00:00Z");
    let state = { status: AlertStatus.firing, stateChanges: 0, stateChangesSince: t0 };
    const statuses = [AlertStatus.resolved, AlertStatus.firing, AlertStatus.resolved];
    let flapping = false;
    statuses.forEach((status, i) => {
      const next = nextFlapState(state, status, new Date(t0.getTime() + (i + 1) * 1_000), settings);
      flapping = next.flapping;
      state = { status, stateChanges: next.stateChanges, stateChangesSince: next.stateChangesSince };
    });
    expect(flapping).toBe(true);
    const later = nextFlapState(state, AlertStatus.firing, new Date(t0.getTime() + 120_000), settings);
    expect(later).toMatchObject({ stateChanges: 1, flapping: false });
    // A repeat in the same state is no change.
    expect(nextFlapState({ status: AlertStatus.firing, stateChanges: 0, stateChangesSince: t0 }, AlertStatus.firing, t0, settings).stateChanges).toBe(0);
  });

  it("picks the first enabled rule whose labels match, and keys groups by service and labels", () => {
    const base = { enabled: true, sameService: true, groupLabels: [] as string[] };
    const rules = [
      { ...base, id: "b", position: 2, matchLabels: {} },
      { ...base, id: "a", position: 1, matchLabels: { team: "db" } },
      { ...base, id: "c", position: 0, matchLabels: {}, enabled: false },
    ];
    expect(matchingRule(rules, { team: "db" })?.id).toBe("a");
    expect(matchingRule(rules, { team: "web" })?.id).toBe("b");
    const rule = { ...base, id: "r", position: 0, matchLabels: {}, groupLabels: ["cluster"] };
    expect(correlationKeyOf(rule, "s1", { cluster: "eu" }, "a1")).toBe(correlationKeyOf(rule, "s1", { cluster: "eu", other: "x" }, "a2"));
    expect(correlationKeyOf(rule, "s1", { cluster: "eu" }, "a1")).not.toBe(correlationKeyOf(rule, "s2", { cluster: "eu" }, "a1"));
    // Alerts on no known service never share an incident by "same service".
    expect(correlationKeyOf(rule, null, { cluster: "eu" }, "a1")).not.toBe(correlationKeyOf(rule, null, { cluster: "eu" }, "a2"));
  });

  it("suppresses inside a window on the service (or on every service), not outside it", () => {
    const w = { label: "m", start: new Date("2026-11-29T10:00:00Z"), end: new Date("2026-11-29T11:00:00Z"), serviceIds: ["s1"] };
    expect(suppressingWindow([w], "s1", new Date("2026-11-29T10:30:00Z"))).toBe(w);
    expect(suppressingWindow([w], "s2", new Date("2026-11-29T10:30:00Z"))).toBeNull();
    expect(suppressingWindow([w], "s1", new Date("2026-11-29T11:00:00Z"))).toBeNull();
    expect(suppressingWindow([{ ...w, serviceIds: [] }], null, new Date("2026-11-29T10:30:00Z"))).not.toBeNull();
  });

  it("finds the incident lifecycle's shortest path to recovered, guards included", () => {
    const p1 = { priority: 1, isMajor: false, openTaskCount: 0, reportPublished: false };
    expect(stagePath(Stage.identified, Stage.recovered, p1)).toEqual([Stage.classified, Stage.assessed, Stage.contained, Stage.recovered]);
    // A P4 may skip containment.
    expect(stagePath(Stage.assessed, Stage.recovered, { ...p1, priority: 4 })).toEqual([Stage.recovered]);
    expect(stagePath(Stage.recovered, Stage.recovered, p1)).toEqual([]);
    expect(stagePath(Stage.closed, Stage.recovered, p1)).toBeNull();
  });
});
