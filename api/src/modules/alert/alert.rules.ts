import { createHash } from "node:crypto";
import { Severity } from "../incident/incident.entity";
import { allowedTransitions, type Stage, type TransitionSubject } from "../incident/incident.lifecycle";
import type { AlertStatus } from "./alert.entity";
import { valueAt, type NormalizedAlert } from "./alert.sources";

/** Pure rules of event management: fingerprints, flapping, severity, grouping, suppression, recovery paths. */

/**
 * The fingerprint repeats are recognised by. With dedupFields, the values at those paths of the
 * normalised alert (e.g. `labels.alertname`, `dedupKey`, `title`); without, the source's own dedup
 * key, else its labels (sorted, so label order never matters).
 */
export function fingerprintOf(alert: NormalizedAlert, dedupFields: readonly string[]): string {
  let basis: string;
  if (dedupFields.length) basis = "f:" + JSON.stringify(dedupFields.map((f) => valueAt(alert, f) ?? null));
  else if (alert.dedupKey) basis = "k:" + alert.dedupKey;
  else basis = "l:" + JSON.stringify(Object.entries(alert.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash("sha256").update(basis).digest("hex").slice(0, 40);
}

const SEVERITY_WORDS: Array<[Severity, RegExp]> = [
  [Severity.SEV1, /^(critical|crit|fatal|emergency|emerg|disaster|page|p1|sev1|1)$/],
  [Severity.SEV2, /^(error|err|major|high|p2|sev2|2)$/],
  [Severity.SEV3, /^(warning|warn|minor|medium|average|p3|sev3|3)$/],
];

/** A source's severity word as an incident severity; unknown or missing is the mildest. */
export function severityFrom(sourceSeverity: string | null): Severity {
  const word = (sourceSeverity ?? "").trim().toLowerCase();
  return SEVERITY_WORDS.find(([, re]) => re.test(word))?.[0] ?? Severity.SEV4;
}

/** Impact and urgency an alert-opened incident starts with (the priority matrix turns them into a priority). */
export function impactUrgencyFor(severity: Severity): { impact: number; urgency: number } {
  switch (severity) {
    case Severity.SEV1:
      return { impact: 1, urgency: 1 };
    case Severity.SEV2:
      return { impact: 2, urgency: 1 };
    case Severity.SEV3:
      return { impact: 2, urgency: 2 };
    case Severity.SEV4:
      return { impact: 3, urgency: 3 };
  }
}

export interface FlapSettings {
  /** State changes counted within this window. */
  windowMs: number;
  /** This many firing/resolved changes within the window make an alert flap. */
  threshold: number;
}

export interface FlapState {
  status: AlertStatus;
  stateChanges: number;
  stateChangesSince: Date;
}

/** Counts a firing↔resolved change towards flapping; the count restarts when its window has passed. */
export function nextFlapState(prev: FlapState, next: AlertStatus, at: Date, settings: FlapSettings): { stateChanges: number; stateChangesSince: Date; flapping: boolean } {
  const expired = at.getTime() - prev.stateChangesSince.getTime() > settings.windowMs;
  let stateChanges = expired ? 0 : prev.stateChanges;
  const stateChangesSince = expired ? at : prev.stateChangesSince;
  if (prev.status !== next) stateChanges++;
  return { stateChanges, stateChangesSince, flapping: stateChanges >= settings.threshold };
}

export interface RuleLike {
  id: string;
  enabled: boolean;
  position: number;
  matchLabels: Record<string, string>;
  sameService: boolean;
  groupLabels: string[];
}

/** The first enabled rule (by position) whose matchLabels the alert carries. */
export function matchingRule<R extends RuleLike>(rules: readonly R[], labels: Record<string, string>): R | null {
  const ordered = [...rules].filter((r) => r.enabled).sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
  return ordered.find((r) => Object.entries(r.matchLabels).every(([k, v]) => labels[k] === v)) ?? null;
}

/** Alerts with the same key (rule, service, group label values) within the rule's window share an incident. */
export function correlationKeyOf(rule: RuleLike, serviceId: string | null, labels: Record<string, string>, alertId: string): string {
  const parts = [rule.id];
  // "Same service" cannot hold for an alert on no known service: it groups with nothing else.
  if (rule.sameService) parts.push(serviceId ? `s=${serviceId}` : `a=${alertId}`);
  for (const label of [...rule.groupLabels].sort()) parts.push(`${label}=${labels[label] ?? ""}`);
  const key = parts.join("|");
  // Long label values are hashed so the key fits its column and its index.
  return key.length <= 300 ? key : `${rule.id}|h=${createHash("sha256").update(key).digest("hex")}`;
}

export interface QuietWindow {
  label: string;
  start: Date;
  end: Date;
  /** Empty: every service. */
  serviceIds: readonly string[];
}

/** The first window covering this service at this time (why the alert is suppressed), or null. */
export function suppressingWindow(windows: readonly QuietWindow[], serviceId: string | null, at: Date): QuietWindow | null {
  const t = at.getTime();
  return (
    windows.find(
      (w) => w.start.getTime() <= t && t < w.end.getTime() && (w.serviceIds.length === 0 || (serviceId !== null && w.serviceIds.includes(serviceId))),
    ) ?? null
  );
}

/**
 * The shortest series of moves the incident lifecycle allows from `from` to `to` for this
 * incident (guards evaluated), e.g. identified → classified → assessed → contained → recovered;
 * empty when already there, null when the table offers no way.
 */
export function stagePath(from: Stage, to: Stage, subject: TransitionSubject): Stage[] | null {
  if (from === to) return [];
  const previous = new Map<Stage, Stage>([[from, from]]);
  const queue: Stage[] = [from];
  while (queue.length) {
    const stage = queue.shift()!;
    for (const next of allowedTransitions(stage, subject)) {
      if (previous.has(next)) continue;
      previous.set(next, stage);
      if (next === to) {
        const path: Stage[] = [to];
        let cur = stage;
        while (cur !== from) {
          path.unshift(cur);
          cur = previous.get(cur)!;
        }
        return path;
      }
      queue.push(next);
    }
  }
  return null;
}
