import type { DependencyGraph } from "../catalog/service-dependency.rules";
import { FreezeRecurrence } from "./change-config.entity";

export interface TimeWindow {
  start: Date;
  end: Date;
}

/** Half-open windows: one ending at 10:00 and one starting at 10:00 touch but do not overlap. */
export function windowsOverlap(a: TimeWindow, b: TimeWindow): boolean {
  return a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();
}

export interface ChangeSlot {
  id: string;
  label: string;
  window: TimeWindow;
  serviceIds: readonly string[];
}

export enum ConflictKindValue {
  overlap = "overlap",
  freeze = "freeze",
}

export interface SlotConflict {
  kind: ConflictKindValue;
  /** The other change, for overlaps. */
  changeId: string | null;
  /** The freeze window, for freezes. */
  freezeWindowId: string | null;
  window: TimeWindow;
  /** The services of the subject change involved. */
  serviceIds: string[];
  /** True when the services meet only through a dependency. */
  viaDependency: boolean;
  message: string;
}

/**
 * Overlapping windows on the same services, or on services that depend on one another
 * (in either direction, transitively): both changes can break the same thing at once.
 */
export function findChangeConflicts(
  subject: ChangeSlot,
  others: readonly ChangeSlot[],
  graph: DependencyGraph,
  serviceName: (id: string) => string,
): SlotConflict[] {
  const own = new Set(subject.serviceIds);
  const related = new Set([...graph.dependentsOf(own), ...graph.dependenciesOf(own)]);
  const conflicts: SlotConflict[] = [];
  for (const other of others) {
    if (other.id === subject.id || !windowsOverlap(subject.window, other.window)) continue;
    const same = other.serviceIds.filter((s) => own.has(s));
    if (same.length) {
      conflicts.push({
        kind: ConflictKindValue.overlap,
        changeId: other.id,
        freezeWindowId: null,
        window: other.window,
        serviceIds: same,
        viaDependency: false,
        message: `${other.label} overlaps this window on ${same.map(serviceName).join(", ")}`,
      });
      continue;
    }
    const linked = other.serviceIds.filter((s) => related.has(s));
    if (linked.length) {
      conflicts.push({
        kind: ConflictKindValue.overlap,
        changeId: other.id,
        freezeWindowId: null,
        window: other.window,
        serviceIds: [...own],
        viaDependency: true,
        message: `${other.label} overlaps this window on ${linked.map(serviceName).join(", ")}, which depends on or is a dependency of ${[...own].map(serviceName).join(", ")}`,
      });
    }
  }
  return conflicts;
}

export interface FreezeData {
  id: string;
  name: string;
  startsAt: Date;
  endsAt: Date;
  recurrence: FreezeRecurrence;
  repeatUntil: Date | null;
  serviceIds: readonly string[];
}

const WEEK_MS = 7 * 24 * 3_600_000;

/** Every occurrence of a freeze that overlaps [from, to): one for a one-off, one per week for weekly. */
export function freezeOccurrences(freeze: FreezeData, range: TimeWindow): TimeWindow[] {
  const length = freeze.endsAt.getTime() - freeze.startsAt.getTime();
  if (freeze.recurrence === FreezeRecurrence.once) {
    const only = { start: freeze.startsAt, end: freeze.endsAt };
    return windowsOverlap(only, range) ? [only] : [];
  }
  // First week whose occurrence could still reach into the range (an occurrence may span a week boundary).
  const firstWeek = Math.max(0, Math.floor((range.start.getTime() - freeze.endsAt.getTime()) / WEEK_MS));
  const out: TimeWindow[] = [];
  for (let week = firstWeek; ; week++) {
    const start = freeze.startsAt.getTime() + week * WEEK_MS;
    if (start >= range.end.getTime()) break;
    if (freeze.repeatUntil && start > freeze.repeatUntil.getTime()) break;
    const occurrence = { start: new Date(start), end: new Date(start + length) };
    if (windowsOverlap(occurrence, range)) out.push(occurrence);
  }
  return out;
}

/** Freeze occurrences over the change's window that cover one of its services (or every service). */
export function findFreezeConflicts(subject: ChangeSlot, freezes: readonly FreezeData[], serviceName: (id: string) => string): SlotConflict[] {
  const conflicts: SlotConflict[] = [];
  for (const freeze of freezes) {
    const covered = freeze.serviceIds.length === 0 ? [...subject.serviceIds] : subject.serviceIds.filter((s) => freeze.serviceIds.includes(s));
    if (freeze.serviceIds.length > 0 && covered.length === 0) continue;
    for (const occurrence of freezeOccurrences(freeze, subject.window)) {
      const scope = freeze.serviceIds.length === 0 ? "all services" : covered.map(serviceName).join(", ");
      conflicts.push({
        kind: ConflictKindValue.freeze,
        changeId: null,
        freezeWindowId: freeze.id,
        window: occurrence,
        serviceIds: covered,
        viaDependency: false,
        message: `inside the freeze "${freeze.name}" (${occurrence.start.toISOString()} to ${occurrence.end.toISOString()}, ${scope})`,
      });
    }
  }
  return conflicts;
}
