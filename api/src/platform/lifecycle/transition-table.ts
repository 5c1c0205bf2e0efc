/**
 * A lifecycle as data: the allowed moves between stages, each with an optional guard. Domain
 * lifecycles (incidents, problems) declare their table; this checks a move against it and says,
 * in words, why a move is refused and which ones are allowed.
 */

/** A guard returns why the move is refused, or null when it is allowed. */
export type Guard<Subject> = (subject: Subject) => string | null;

export interface TransitionRule<S extends string, Subject> {
  from: S;
  to: S;
  /** Why this move exists; shown in docs and in INVALID_TRANSITION messages. */
  note: string;
  guard?: Guard<Subject>;
}

export type TransitionCheck<S extends string, Subject> =
  | { ok: true; rule: TransitionRule<S, Subject> }
  | { ok: false; reason: string; allowed: S[] };

/** Runs guards in order and returns the first refusal. */
export function allOf<Subject>(...guards: Array<Guard<Subject>>): Guard<Subject> {
  return (subject) => {
    for (const guard of guards) {
      const refusal = guard(subject);
      if (refusal) return refusal;
    }
    return null;
  };
}

export class TransitionTable<S extends string, Subject> {
  constructor(
    readonly rules: ReadonlyArray<TransitionRule<S, Subject>>,
    /** How a refusal names the record, e.g. "An incident". */
    private readonly subjectNoun: string,
    /** What to say when a stage has no way out. */
    private readonly noMoveHint = "none",
  ) {}

  nextStages(from: S): S[] {
    return this.rules.filter((t) => t.from === from).map((t) => t.to);
  }

  check(from: S, to: S, subject: Subject): TransitionCheck<S, Subject> {
    const allowed = this.nextStages(from);
    const rule = this.rules.find((t) => t.from === from && t.to === to);
    if (!rule) {
      const options = allowed.length ? allowed.join(", ") : this.noMoveHint;
      return { ok: false, reason: `${this.subjectNoun} cannot move from ${from} to ${to}. Allowed next stages: ${options}.`, allowed };
    }
    const refusal = rule.guard?.(subject);
    if (refusal) return { ok: false, reason: `Cannot move from ${from} to ${to}: ${refusal}.`, allowed };
    return { ok: true, rule };
  }
}
