import { createHash } from "node:crypto";
import { AlertSource, type FieldMapping } from "./alert.entity";

/**
 * Reading what monitoring systems send: each source's documented payload is checked and turned
 * into NormalizedAlerts before anything is stored, so a malformed delivery is refused whole
 * (400 with the reason) and touches nothing.
 */

export type AlertAction = "trigger" | "acknowledge" | "resolve";

export interface NormalizedAlert {
  action: AlertAction;
  title: string;
  description: string;
  sourceSeverity: string | null;
  labels: Record<string, string>;
  details: Record<string, unknown>;
  /** The sender's own dedup key, when it has one (PagerDuty's dedup_key, a mapped field). */
  dedupKey: string | null;
  /** When the source says it happened (ISO); the receipt time when it says nothing. */
  occurredAt: string;
}

export class PayloadError extends Error {}

/** The most alerts one delivery may carry (Alertmanager groups; its own max_alerts is unbounded by default). */
export const MAX_ALERTS_PER_EVENT = 1_000;
const MAX_TITLE = 300;
const MAX_TEXT = 10_000;
const MAX_LABELS = 64;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function str(obj: Json, key: string, where: string, opts: { required?: boolean; max?: number } = {}): string | null {
  const v = obj[key];
  if (v === undefined || v === null) {
    if (opts.required) throw new PayloadError(`${where}${key} is required`);
    return null;
  }
  if (typeof v !== "string") throw new PayloadError(`${where}${key} must be a string, not ${Array.isArray(v) ? "an array" : typeof v}`);
  if (opts.required && !v.trim()) throw new PayloadError(`${where}${key} must not be empty`);
  if (opts.max && v.length > opts.max) throw new PayloadError(`${where}${key} is longer than ${opts.max} characters`);
  return v;
}

function stringMap(v: unknown, where: string, coerce = false): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new PayloadError(`${where} must be an object of strings`);
  const entries = Object.entries(v);
  if (entries.length > MAX_LABELS) throw new PayloadError(`${where} has more than ${MAX_LABELS} entries`);
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value === "string") out[key] = value.slice(0, 1_000);
    else if (coerce && (typeof value === "number" || typeof value === "boolean")) out[key] = String(value);
    else throw new PayloadError(`${where}.${key} must be a string`);
  }
  return out;
}

function timestamp(v: string | null, where: string, fallback: Date): string {
  if (v === null) return fallback.toISOString();
  // PagerDuty's documented example writes the offset without a colon (+0000); V8 reads both forms.
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new PayloadError(`${where} is not a date-time (RFC 3339 expected)`);
  return new Date(ms).toISOString();
}

const clip = (text: string, max: number) => (text.length > max ? text.slice(0, max - 1) + "…" : text);

/** Prometheus Alertmanager webhook, version 4: a group of alerts, each firing or resolved. */
export function parseAlertmanager(body: unknown, receivedAt: Date): NormalizedAlert[] {
  if (!isObject(body)) throw new PayloadError("the body must be a JSON object");
  if (body.version !== "4") throw new PayloadError(`version must be "4" (Alertmanager webhook payload version 4), got ${JSON.stringify(body.version ?? null)}`);
  const alerts = body.alerts;
  if (!Array.isArray(alerts) || alerts.length === 0) throw new PayloadError("alerts must be a non-empty array");
  if (alerts.length > MAX_ALERTS_PER_EVENT) throw new PayloadError(`alerts has more than ${MAX_ALERTS_PER_EVENT} entries`);
  const commonLabels = stringMap(body.commonLabels, "commonLabels");
  return alerts.map((a, i): NormalizedAlert => {
    const where = `alerts[${i}].`;
    if (!isObject(a)) throw new PayloadError(`alerts[${i}] must be an object`);
    const status = str(a, "status", where, { required: true });
    if (status !== "firing" && status !== "resolved") throw new PayloadError(`${where}status must be "firing" or "resolved"`);
    const labels = { ...commonLabels, ...stringMap(a.labels, `${where}labels`) };
    if (Object.keys(labels).length === 0) throw new PayloadError(`${where}labels must not be empty`);
    const annotations = stringMap(a.annotations, `${where}annotations`);
    const startsAt = timestamp(str(a, "startsAt", where), `${where}startsAt`, receivedAt);
    const endsAt = str(a, "endsAt", where);
    const generatorURL = str(a, "generatorURL", where);
    const fingerprint = str(a, "fingerprint", where);
    return {
      action: status === "firing" ? "trigger" : "resolve",
      title: clip(annotations.summary || labels.alertname || "Alertmanager alert", MAX_TITLE),
      description: clip(annotations.description ?? "", MAX_TEXT),
      sourceSeverity: labels.severity ?? null,
      labels,
      details: { annotations, ...(generatorURL ? { generatorURL } : {}), ...(fingerprint ? { alertmanagerFingerprint: fingerprint } : {}), ...(endsAt ? { endsAt } : {}) },
      dedupKey: null,
      occurredAt: status === "resolved" && endsAt && !endsAt.startsWith("0001-") ? timestamp(endsAt, `${where}endsAt`, receivedAt) : startsAt,
    };
  });
}

const PD_SEVERITIES = ["critical", "error", "warning", "info"];
const PD_ACTIONS: AlertAction[] = ["trigger", "acknowledge", "resolve"];

/** PagerDuty Events API v2: one event, trigger/acknowledge/resolve, keyed by dedup_key. */
export function parsePagerDuty(body: unknown, receivedAt: Date): { alert: NormalizedAlert; routingKey: string | null } {
  if (!isObject(body)) throw new PayloadError("the body must be a JSON object");
  const routingKey = str(body, "routing_key", "", { max: 200 });
  const action = str(body, "event_action", "", { required: true }) as AlertAction;
  if (!PD_ACTIONS.includes(action)) throw new PayloadError(`event_action must be one of ${PD_ACTIONS.join(", ")}`);
  let dedupKey = str(body, "dedup_key", "", { max: 255 });
  if (action !== "trigger") {
    if (!dedupKey) throw new PayloadError(`dedup_key is required for ${action} events`);
    return { routingKey, alert: { action, title: dedupKey, description: "", sourceSeverity: null, labels: {}, details: {}, dedupKey, occurredAt: receivedAt.toISOString() } };
  }
  if (!isObject(body.payload)) throw new PayloadError("payload must be an object for trigger events");
  const p = body.payload;
  const summary = str(p, "summary", "payload.", { required: true, max: 1024 })!;
  const source = str(p, "source", "payload.", { required: true, max: 255 })!;
  const severity = str(p, "severity", "payload.", { required: true })!;
  if (!PD_SEVERITIES.includes(severity)) throw new PayloadError(`payload.severity must be one of ${PD_SEVERITIES.join(", ")}`);
  const occurredAt = timestamp(str(p, "timestamp", "payload."), "payload.timestamp", receivedAt);
  const labels: Record<string, string> = { source };
  for (const key of ["component", "group", "class"]) {
    const v = str(p, key, "payload.", { max: 255 });
    if (v) labels[key] = v;
  }
  const custom = p.custom_details;
  // Without a dedup_key PagerDuty makes one per event; ours is stable, so identical triggers group.
  dedupKey ??= createHash("sha256").update(`${source}\n${summary}`).digest("hex").slice(0, 32);
  return {
    routingKey,
    alert: {
      action,
      title: clip(summary, MAX_TITLE),
      description: typeof custom === "string" ? clip(custom, MAX_TEXT) : "",
      sourceSeverity: severity,
      labels,
      details: {
        ...(custom !== undefined && custom !== null ? { custom_details: custom } : {}),
        ...(typeof body.client === "string" ? { client: body.client } : {}),
        ...(typeof body.client_url === "string" ? { client_url: body.client_url } : {}),
        ...(Array.isArray(body.links) ? { links: body.links } : {}),
      },
      dedupKey,
      occurredAt,
    },
  };
}

/** A value at a dot path (`a.b.c`); undefined when any step is missing. */
export function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const step of path.split(".")) {
    if (!isObject(cur)) return undefined;
    cur = cur[step];
  }
  return cur;
}

const DEFAULT_RESOLVED_VALUES = ["resolved", "ok"];

/** Any JSON webhook, read through the integration's field mapping. A body may be one alert or an array of them. */
export function parseGeneric(body: unknown, mapping: FieldMapping | null, receivedAt: Date): NormalizedAlert[] {
  if (!mapping) throw new PayloadError("this integration has no field mapping yet; an admin must set one");
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) throw new PayloadError("the body is an empty array");
  if (items.length > MAX_ALERTS_PER_EVENT) throw new PayloadError(`the body has more than ${MAX_ALERTS_PER_EVENT} alerts`);
  return items.map((item, i): NormalizedAlert => {
    const where = Array.isArray(body) ? `[${i}].` : "";
    if (!isObject(item)) throw new PayloadError(`${where || "the body"} must be a JSON object`);
    const text = (path: string | null | undefined, required = false): string | null => {
      if (!path) return null;
      const v = valueAt(item, path);
      if (v === undefined || v === null) {
        if (required) throw new PayloadError(`${where}${path} is required (mapped as the title)`);
        return null;
      }
      if (typeof v === "number" || typeof v === "boolean") return String(v);
      if (typeof v !== "string") throw new PayloadError(`${where}${path} must be a string`);
      if (required && !v.trim()) throw new PayloadError(`${where}${path} must not be empty`);
      return v;
    };
    const title = text(mapping.title, true)!;
    const status = text(mapping.status)?.toLowerCase() ?? null;
    const resolvedValues = (mapping.resolvedValues?.length ? mapping.resolvedValues : DEFAULT_RESOLVED_VALUES).map((v) => v.toLowerCase());
    const labels = mapping.labels ? stringMap(valueAt(item, mapping.labels), `${where}${mapping.labels}`, true) : {};
    const service = text(mapping.service);
    if (service) labels.service ??= service;
    return {
      action: status && resolvedValues.includes(status) ? "resolve" : "trigger",
      title: clip(title, MAX_TITLE),
      description: clip(text(mapping.description) ?? "", MAX_TEXT),
      sourceSeverity: text(mapping.severity)?.slice(0, 40) ?? null,
      labels,
      details: {},
      dedupKey: text(mapping.dedupKey)?.slice(0, 255) ?? null,
      occurredAt: receivedAt.toISOString(),
    };
  });
}

export function parseEvent(source: AlertSource, body: unknown, mapping: FieldMapping | null, receivedAt: Date): NormalizedAlert[] {
  switch (source) {
    case AlertSource.alertmanager:
      return parseAlertmanager(body, receivedAt);
    case AlertSource.pagerduty:
      return [parsePagerDuty(body, receivedAt).alert];
    case AlertSource.generic:
      return parseGeneric(body, mapping, receivedAt);
  }
}
