import { addBusinessMs, businessMsBetween, type BusinessCalendar } from "./sla.calendar";

/**
 * A service-level clock as plain data, and the moves on it. Time spent is counted in business
 * milliseconds of the clock's calendar; while it runs, `runningSince` marks where the current
 * stretch began, so a pause, a re-target or a stop folds that stretch into `spentMs` and nothing
 * already spent is lost. `dueAt`/`warnAt` are wall-clock instants computed at each move, so the
 * scheduler and the sweep only compare times.
 */
export interface ClockState {
  targetMs: number;
  /** Share of the target at which the warning fires (0.75 = 75 %). */
  warnShare: number;
  spentMs: number;
  runningSince: Date | null;
  pausedAt: Date | null;
  stoppedAt: Date | null;
  dueAt: Date | null;
  warnAt: Date | null;
  warnedAt: Date | null;
  /** When the target was exceeded (the due instant), however late it was noticed. */
  breachedAt: Date | null;
  /** When the breach was noticed and recorded (later than breachedAt if the workers were down). */
  breachRecordedAt: Date | null;
}

export type Calendarish = BusinessCalendar | null;

export function newClock(targetMs: number, warnShare: number): ClockState {
  return { targetMs, warnShare, spentMs: 0, runningSince: null, pausedAt: null, stoppedAt: null, dueAt: null, warnAt: null, warnedAt: null, breachedAt: null, breachRecordedAt: null };
}

function schedule(c: ClockState, cal: Calendarish): void {
  if (!c.runningSince) {
    c.dueAt = null;
    c.warnAt = null;
    return;
  }
  c.dueAt = addBusinessMs(cal, c.runningSince, c.targetMs - c.spentMs);
  c.warnAt = addBusinessMs(cal, c.runningSince, c.targetMs * c.warnShare - c.spentMs);
}

/** Folds the running stretch up to `at` into spentMs and restarts the stretch at `at`. */
function fold(c: ClockState, cal: Calendarish, at: Date): void {
  if (!c.runningSince) return;
  c.spentMs += businessMsBetween(cal, c.runningSince, at);
  c.runningSince = at;
}

export function startClock(c: ClockState, cal: Calendarish, at: Date): void {
  if (c.stoppedAt || c.runningSince) return;
  c.runningSince = at;
  c.pausedAt = null;
  schedule(c, cal);
}

export function pauseClock(c: ClockState, cal: Calendarish, at: Date): void {
  if (!c.runningSince) return;
  recordDue(c, at);
  fold(c, cal, at);
  c.runningSince = null;
  c.pausedAt = at;
  schedule(c, cal);
}

export function resumeClock(c: ClockState, cal: Calendarish, at: Date): void {
  if (!c.pausedAt || c.stoppedAt) return;
  c.pausedAt = null;
  c.runningSince = at;
  schedule(c, cal);
}

/** A new target (the priority changed): the time already spent counts against it. */
export function retargetClock(c: ClockState, cal: Calendarish, at: Date, targetMs: number, warnShare: number): void {
  recordDue(c, at);
  fold(c, cal, at);
  c.targetMs = targetMs;
  c.warnShare = warnShare;
  schedule(c, cal);
}

/** The clock's goal was reached (responded, resolved): it stops for good unless restarted. */
export function stopClock(c: ClockState, cal: Calendarish, at: Date): void {
  if (c.stoppedAt) return;
  recordDue(c, at);
  fold(c, cal, at);
  c.runningSince = null;
  c.pausedAt = null;
  c.stoppedAt = at;
  schedule(c, cal);
}

/** A reopened incident's resolution clock runs again from where it stopped. */
export function restartClock(c: ClockState, cal: Calendarish, at: Date): void {
  if (!c.stoppedAt) return;
  c.stoppedAt = null;
  c.runningSince = at;
  schedule(c, cal);
}

/**
 * Records the warning and the breach that are due by `now`, at the instants they fell due (not
 * when they were noticed). Returns what was newly recorded.
 */
export function recordDue(c: ClockState, now: Date): { warned: boolean; breached: boolean } {
  const out = { warned: false, breached: false };
  if (!c.runningSince) return out;
  if (c.warnAt && !c.warnedAt && c.warnAt.getTime() <= now.getTime()) {
    c.warnedAt = c.warnAt;
    out.warned = true;
  }
  if (c.dueAt && !c.breachedAt && c.dueAt.getTime() <= now.getTime()) {
    c.breachedAt = c.dueAt;
    c.breachRecordedAt = now;
    out.breached = true;
  }
  return out;
}

/** Business time left at `now` (negative once breached). */
export function timeLeftMs(c: ClockState, cal: Calendarish, now: Date): number {
  const running = c.runningSince ? (c.runningSince.getTime() <= now.getTime() ? businessMsBetween(cal, c.runningSince, now) : 0) : 0;
  return c.targetMs - c.spentMs - running;
}

/** The next instant the clock needs looking at (warning or breach), or null when none is pending. */
export function nextCheckAt(c: ClockState): Date | null {
  if (!c.runningSince) return null;
  if (c.warnAt && !c.warnedAt) return c.warnAt;
  if (c.dueAt && !c.breachedAt) return c.dueAt;
  return null;
}
