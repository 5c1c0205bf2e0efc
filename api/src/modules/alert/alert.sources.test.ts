import { describe, expect, it } from "vitest";
import { ALERTMANAGER_EXAMPLE, PAGERDUTY_EXAMPLE } from "../../../test/support/alert-payloads";
import { parseAlertmanager, parseGeneric, parsePagerDuty, PayloadError } from "./alert.sources";

const at = new Date("2026-11-29T12:00:00Z");

describe("alert sources", () => {
  it("reads the documented Alertmanager v4 example into one alert per grouped alert", () => {
    const alerts = parseAlertmanager(ALERTMANAGER_EXAMPLE, at);
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toMatchObject({ action: "trigger", title: "BlackBox Probe Failure: https://server.example.org", sourceSeverity: "critical", dedupKey: null });
    expect(alerts[0].labels.instance).toBe("https://server.example.org");
    expect(alerts[0].occurredAt).toBe("2023-02-06T13:08:45.828Z");
  });

  it("reads a resolved Alertmanager alert as a resolve at its end time", () => {
    const body = structuredClone(ALERTMANAGER_EXAMPLE);
    body.alerts[0].status = "resolved";
    body.alerts[0].endsAt = "2023-02-06T13:20:00Z";
    expect(parseAlertmanager(body, at)[0]).toMatchObject({ action: "resolve", occurredAt: "2023-02-06T13:20:00.000Z" });
  });

  it("refuses Alertmanager payloads of another version, without alerts or with wrongly typed labels", () => {
    expect(() => parseAlertmanager({ ...ALERTMANAGER_EXAMPLE, version: 4 }, at)).toThrow(/version must be "4"/);
    expect(() => parseAlertmanager({ ...ALERTMANAGER_EXAMPLE, alerts: [] }, at)).toThrow(/non-empty array/);
    const body = structuredClone(ALERTMANAGER_EXAMPLE) as any;
    body.alerts[1].labels.severity = 3;
    expect(() => parseAlertmanager(body, at)).toThrow(PayloadError);
    expect(() => parseAlertmanager(body, at)).toThrow(/alerts\[1\]\.labels\.severity must be a string/);
  });

  it("reads the documented PagerDuty trigger example, its +0000 timestamp included", () => {
    const { alert, routingKey } = parsePagerDuty(PAGERDUTY_EXAMPLE, at);
    expect(routingKey).toBe("e93facc04764012d7bfb002500d5d1a6");
    expect(alert).toMatchObject({ action: "trigger", dedupKey: "srv01/mysql", sourceSeverity: "critical", occurredAt: "2015-07-17T08:42:58.315Z" });
    expect(alert.labels).toEqual({ source: "prod-datapipe03.example.com", component: "mysql", group: "prod-datapipe", class: "disk" });
    expect(alert.details.custom_details).toEqual(PAGERDUTY_EXAMPLE.payload.custom_details);
  });

  it("needs a dedup_key to acknowledge or resolve, and a known severity to trigger", () => {
    expect(() => parsePagerDuty({ event_action: "resolve" }, at)).toThrow(/dedup_key is required/);
    expect(parsePagerDuty({ event_action: "resolve", dedup_key: "srv01/mysql" }, at).alert.action).toBe("resolve");
    expect(() => parsePagerDuty({ ...PAGERDUTY_EXAMPLE, payload: { ...PAGERDUTY_EXAMPLE.payload, severity: "bad" } }, at)).toThrow(/severity must be one of/);
    expect(() => parsePagerDuty({ ...PAGERDUTY_EXAMPLE, event_action: "explode" }, at)).toThrow(/event_action/);
  });

  it("maps a generic body through its field mapping, resolving on the configured values", () => {
    const mapping = { title: "check.name", status: "state", severity: "level", dedupKey: "id", labels: "tags", service: "app" };
    const [fired] = parseGeneric({ check: { name: "Disk full" }, state: "ALERT", level: "warning", id: 42, tags: { host: "db1", port: 5432 }, app: "Billing" }, mapping, at);
    expect(fired).toMatchObject({ action: "trigger", title: "Disk full", sourceSeverity: "warning", dedupKey: "42", labels: { host: "db1", port: "5432", service: "Billing" } });
    const [resolved] = parseGeneric({ check: { name: "Disk full" }, state: "OK", id: 42 }, mapping, at);
    expect(resolved.action).toBe("resolve");
    expect(() => parseGeneric({ state: "ALERT" }, mapping, at)).toThrow(/check\.name is required/);
    expect(() => parseGeneric({ check: { name: { x: 1 } } }, mapping, at)).toThrow(/must be a string/);
  });
});
