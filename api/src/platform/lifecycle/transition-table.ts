/**
 * A lifecycle as data: the allowed moves between stages, each with an optional guard.
 * Domains (incidents, changes, ...) declare their table; this checks a move against it.
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

export function nextStagesIn<S extends string, Subject>(table: readonly TransitionRule<S, Subject>[], from: S): S[] {
  return table.filter((t) => t.from === from).map((t) => t.to);
}

/**
 * Checks one move. `noun` names the record in messages ("An incident", "A change");
 * `whenNone` says what to do when nothing may follow `from`.
 */
export function checkTransitionIn<S extends string, Subject>(
  table: readonly TransitionRule<S, Subject>[],
  from: S,
  to: S,
  subject: Subject,
  words: { noun: string; whenNone: string },
): TransitionCheck<S, Subject> {
  const allowed = nextStagesIn(table, from);
  const rule = table.find((t) => t.from === from && t.to === to);
  if (!rule) {
    const options = allowed.length ? allowed.join(", ") : words.whenNone;
    return { ok: false, reason: `${words.noun} cannot move from ${from} to ${to}. Allowed next stages: ${options}.`, allowed };
  }
  const refusal = rule.guard?.(subject);
  if (refusal) return { ok: false, reason: `Cannot move from ${from} to ${to}: ${refusal}.`, allowed };
  return { ok: true, rule };
}
