import { describe, expect, it } from "vitest";
import { STAGE_ORDER, Stage, TRANSITIONS, allowedTransitions, canReopen, checkTransition, nextStages, stagesAfter, type TransitionSubject } from "./incident.lifecycle";

const subject = (over: Partial<TransitionSubject> = {}): TransitionSubject => ({ priority: 3, isMajor: false, openTaskCount: 0, reportPublished: false, ...over });

describe("incident transition table", () => {
  it("allows every step of the main path in order", () => {
    for (let i = 0; i < STAGE_ORDER.length - 1; i++) {
      const from = STAGE_ORDER[i];
      const to = STAGE_ORDER[i + 1];
      const verdict = checkTransition(from, to, subject({ reportPublished: true }));
      expect(verdict.ok, `${from} → ${to}`).toBe(true);
    }
  });

  it("refuses going backwards and names the allowed next stages", () => {
    const verdict = checkTransition(Stage.contained, Stage.assessed, subject());
    expect(verdict).toMatchObject({ ok: false, allowed: [Stage.eradicated, Stage.recovered] });
    if (!verdict.ok) expect(verdict.reason).toContain("Allowed next stages: eradicated, recovered");
  });

  it("refuses skipping classification", () => {
    expect(checkTransition(Stage.identified, Stage.assessed, subject()).ok).toBe(false);
  });

  it("lets only P4 and P5 skip containment and eradication", () => {
    expect(checkTransition(Stage.assessed, Stage.recovered, subject({ priority: 4 })).ok).toBe(true);
    expect(checkTransition(Stage.assessed, Stage.recovered, subject({ priority: 5 })).ok).toBe(true);
    const p3 = checkTransition(Stage.assessed, Stage.recovered, subject({ priority: 3 }));
    expect(p3.ok).toBe(false);
    if (!p3.ok) expect(p3.reason).toMatch(/P3/);
  });

  it("lets a contained incident recover without a separate eradication", () => {
    expect(checkTransition(Stage.contained, Stage.recovered, subject({ priority: 1 })).ok).toBe(true);
  });

  it("requires review for major and P1/P2 incidents but not for minor ones", () => {
    expect(checkTransition(Stage.recovered, Stage.closed, subject({ priority: 3 })).ok).toBe(true);
    expect(checkTransition(Stage.recovered, Stage.closed, subject({ priority: 2 })).ok).toBe(false);
    expect(checkTransition(Stage.recovered, Stage.closed, subject({ priority: 4, isMajor: true })).ok).toBe(false);
  });

  it("refuses closing with open follow-up tasks, on either path", () => {
    const direct = checkTransition(Stage.recovered, Stage.closed, subject({ priority: 4, openTaskCount: 2 }));
    const reviewed = checkTransition(Stage.reviewed, Stage.closed, subject({ reportPublished: true, openTaskCount: 1 }));
    expect(direct.ok).toBe(false);
    expect(reviewed.ok).toBe(false);
    if (!reviewed.ok) expect(reviewed.reason).toMatch(/1 follow-up task/);
  });

  it("refuses closing a reviewed incident until its report is shared", () => {
    expect(checkTransition(Stage.reviewed, Stage.closed, subject({ reportPublished: false })).ok).toBe(false);
    expect(checkTransition(Stage.reviewed, Stage.closed, subject({ reportPublished: true })).ok).toBe(true);
  });

  it("has no way out of closed or cancelled except reopening", () => {
    expect(nextStages(Stage.closed)).toEqual([]);
    expect(nextStages(Stage.cancelled)).toEqual([]);
    expect(canReopen(Stage.closed)).toBe(true);
    expect(canReopen(Stage.recovered)).toBe(true);
    expect(canReopen(Stage.reviewed)).toBe(true);
    expect(canReopen(Stage.contained)).toBe(false);
    expect(canReopen(Stage.cancelled)).toBe(false);
  });

  it("only ever moves forward in the stage order", () => {
    for (const t of TRANSITIONS) expect(STAGE_ORDER.indexOf(t.to), `${t.from} → ${t.to}`).toBeGreaterThan(STAGE_ORDER.indexOf(t.from));
  });

  it("lists the stages after a stage, for clearing stamps on reopen", () => {
    expect(stagesAfter(Stage.assessed)).toEqual([Stage.contained, Stage.eradicated, Stage.recovered, Stage.reviewed, Stage.closed]);
  });

  it("lists only the moves its guards would let through for this incident now", () => {
    expect(allowedTransitions(Stage.assessed, subject({ priority: 2 }))).toEqual([Stage.contained]);
    expect(allowedTransitions(Stage.assessed, subject({ priority: 4 }))).toEqual([Stage.contained, Stage.recovered]);
    expect(allowedTransitions(Stage.recovered, subject({ priority: 2 }))).toEqual([Stage.reviewed]);
    expect(allowedTransitions(Stage.reviewed, subject({ reportPublished: false }))).toEqual([]);
    expect(allowedTransitions(Stage.reviewed, subject({ reportPublished: true, openTaskCount: 1 }))).toEqual([]);
    expect(allowedTransitions(Stage.closed, subject({ reportPublished: true }))).toEqual([]);
  });

  it("agrees with checkTransition on every move for every kind of incident", () => {
    const subjects = [1, 2, 3, 4, 5].flatMap((priority) =>
      [false, true].flatMap((isMajor) => [0, 1].flatMap((openTaskCount) => [false, true].map((reportPublished) => subject({ priority, isMajor, openTaskCount, reportPublished })))),
    );
    const stages = Object.values(Stage);
    for (const s of subjects) {
      for (const from of stages) {
        const listed = allowedTransitions(from, s);
        for (const to of stages) expect(checkTransition(from, to, s).ok, `${from} → ${to} ${JSON.stringify(s)}`).toBe(listed.includes(to));
      }
    }
  });

  it("names only the moves that would succeed when it refuses one", () => {
    const verdict = checkTransition(Stage.assessed, Stage.recovered, subject({ priority: 2 }));
    expect(verdict).toMatchObject({ ok: false, allowed: [Stage.contained] });
  });
});
