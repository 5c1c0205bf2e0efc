import { Criticality } from "../catalog/catalog.entity";
import { RiskFactor } from "./change-config.entity";
import { RiskLevel, type RiskReason } from "./change.entity";
import type { ChangeType } from "./change.lifecycle";

/** What risk is computed from; gathered from the database by the service, measured here. */
export interface RiskFacts {
  type: ChangeType;
  /** The most critical affected service, with its name for the reason. */
  mostCritical: { name: string; criticality: Criticality } | null;
  window: { start: Date; end: Date } | null;
  /** Affected services plus every service that depends on them. */
  affectedServiceCount: number;
  failedChangeCount: number;
  causedIncidentCount: number;
}

export interface RiskRuleData {
  key: string;
  factor: RiskFactor;
  matchValue: string | null;
  minValue: number | null;
  weight: number;
}

export interface RiskSettings {
  mediumFrom: number;
  highFrom: number;
  businessStartHour: number;
  businessEndHour: number;
  lookbackDays: number;
}

export interface RiskAssessment {
  score: number;
  level: RiskLevel;
  reasons: RiskReason[];
}

const HOUR_MS = 3_600_000;

/** True when [start, end) touches Monday-Friday between the business hours (UTC). */
export function touchesBusinessHours(window: { start: Date; end: Date }, startHour: number, endHour: number): boolean {
  const day = new Date(Date.UTC(window.start.getUTCFullYear(), window.start.getUTCMonth(), window.start.getUTCDate()));
  // A window longer than a week touches a business day whatever it is; stop after 8 days.
  for (let i = 0; i < 8 && day.getTime() < window.end.getTime(); i++, day.setUTCDate(day.getUTCDate() + 1)) {
    const weekday = day.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const open = day.getTime() + startHour * HOUR_MS;
    const close = day.getTime() + endHour * HOUR_MS;
    if (window.start.getTime() < close && open < window.end.getTime()) return true;
  }
  return false;
}

/** The value each factor measures: a category to match, or a number to compare with minValue. */
function measure(facts: RiskFacts, settings: RiskSettings): Record<RiskFactor, { category?: string; amount?: number; describe: string } | null> {
  const hours = facts.window ? (facts.window.end.getTime() - facts.window.start.getTime()) / HOUR_MS : null;
  const business = facts.window ? touchesBusinessHours(facts.window, settings.businessStartHour, settings.businessEndHour) : null;
  const hh = (h: number) => String(h).padStart(2, "0") + ":00";
  return {
    [RiskFactor.service_criticality]: facts.mostCritical
      ? { category: facts.mostCritical.criticality, describe: `${facts.mostCritical.name} has ${facts.mostCritical.criticality} criticality` }
      : null,
    [RiskFactor.change_type]: { category: facts.type, describe: `${facts.type} change` },
    [RiskFactor.window_length]: hours === null ? null : { amount: hours, describe: `the window is ${Math.round(hours * 10) / 10} h long` },
    [RiskFactor.business_hours]:
      business === null
        ? null
        : {
            category: String(business),
            describe: business
              ? `the window falls in business hours (Mon-Fri ${hh(settings.businessStartHour)}-${hh(settings.businessEndHour)} UTC)`
              : "the window is outside business hours",
          },
    [RiskFactor.affected_services]: { amount: facts.affectedServiceCount, describe: `${facts.affectedServiceCount} service(s) affected, counting those that depend on them` },
    [RiskFactor.failed_changes]: {
      amount: facts.failedChangeCount,
      describe: `${facts.failedChangeCount} failed or rolled-back change(s) on these services in ${settings.lookbackDays} days`,
    },
    [RiskFactor.caused_incidents]: {
      amount: facts.causedIncidentCount,
      describe: `${facts.causedIncidentCount} incident(s) caused by changes on these services in ${settings.lookbackDays} days`,
    },
  };
}

/** The rule of one factor that applies: equal category, or the largest minValue not above the amount. */
function ruleFor(rules: readonly RiskRuleData[], factor: RiskFactor, value: { category?: string; amount?: number }): RiskRuleData | null {
  const own = rules.filter((r) => r.factor === factor);
  if (value.category !== undefined) return own.find((r) => r.matchValue === value.category) ?? null;
  let best: RiskRuleData | null = null;
  for (const r of own) {
    if (r.minValue === null || r.minValue > value.amount!) continue;
    if (!best || r.minValue > best.minValue!) best = r;
  }
  return best;
}

/** Sums the weight of the one matching rule per factor; every rule that adds weight is a reason. */
export function assessRisk(facts: RiskFacts, rules: readonly RiskRuleData[], settings: RiskSettings): RiskAssessment {
  const measured = measure(facts, settings);
  const reasons: RiskReason[] = [];
  for (const factor of Object.values(RiskFactor)) {
    const value = measured[factor];
    if (!value) continue;
    const rule = ruleFor(rules, factor, value);
    if (!rule || rule.weight === 0) continue;
    reasons.push({ ruleKey: rule.key, factor, weight: rule.weight, message: value.describe });
  }
  reasons.sort((a, b) => b.weight - a.weight);
  const score = reasons.reduce((sum, r) => sum + r.weight, 0);
  const level = score >= settings.highFrom ? RiskLevel.high : score >= settings.mediumFrom ? RiskLevel.medium : RiskLevel.low;
  return { score, level, reasons };
}

const CRITICALITY_RANK: Record<Criticality, number> = { [Criticality.low]: 0, [Criticality.medium]: 1, [Criticality.high]: 2, [Criticality.critical]: 3 };

export function mostCritical<T extends { name: string; criticality: Criticality }>(services: readonly T[]): T | null {
  let best: T | null = null;
  for (const s of services) if (!best || CRITICALITY_RANK[s.criticality] > CRITICALITY_RANK[best.criticality]) best = s;
  return best;
}
