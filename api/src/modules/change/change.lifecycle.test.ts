import { describe, expect, it } from "vitest";
import { CHANGE_TRANSITIONS, ChangeStage, ChangeType, changeMovesForKind, checkChangeTransition, nextChangeStages, type ChangeTransitionSubject } from "./change.lifecycle";
import { approvalStatus, decisionRefusal } from "./change.rules";
import { ApprovalDecision } from "./change.entity";

const ready: ChangeTransitionSubject = {
  type: ChangeType.normal,
  fromTemplate: false,
  hasWindow: true,
  hasImplementationPlan: true,
  hasBackoutPlan: true,
  serviceCount: 1,
  approvalsComplete: false,
  rejected: false,
  wentWrong: false,
  reviewRecorded: false,
};

describe("change transition table", () => {
  it("walks the main path draft → assessing → authorized → scheduled → implementing → reviewing → closed", () => {
    const path = [ChangeStage.draft, ChangeStage.assessing, ChangeStage.authorized, ChangeStage.scheduled, ChangeStage.implementing, ChangeStage.reviewing, ChangeStage.closed];
    for (let i = 0; i < path.length - 1; i++) {
      expect(checkChangeTransition(path[i], path[i + 1], { ...ready, approvalsComplete: true }).ok).toBe(true);
    }
  });

  it("refuses a move the table lacks with INVALID_TRANSITION-style reason naming the allowed stages", () => {
    const verdict = checkChangeTransition(ChangeStage.draft, ChangeStage.implementing, ready);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.allowed).toEqual([ChangeStage.assessing, ChangeStage.scheduled, ChangeStage.cancelled]);
      expect(verdict.reason).toContain("Allowed next stages: assessing, scheduled, cancelled");
    }
  });

  it("refuses submitting a change without window, services or plans, naming what is missing", () => {
    const verdict = checkChangeTransition(ChangeStage.draft, ChangeStage.assessing, { ...ready, hasWindow: false, hasBackoutPlan: false, serviceCount: 0 });
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(/planned window.*affected service.*backout plan/);
  });

  it("lets only a standard change from a template skip straight to scheduled", () => {
    expect(checkChangeTransition(ChangeStage.draft, ChangeStage.scheduled, { ...ready, type: ChangeType.standard, fromTemplate: true }).ok).toBe(true);
    expect(checkChangeTransition(ChangeStage.draft, ChangeStage.scheduled, ready).ok).toBe(false);
    expect(checkChangeTransition(ChangeStage.draft, ChangeStage.assessing, { ...ready, type: ChangeType.standard, fromTemplate: true }).ok).toBe(false);
  });

  it("offers each kind of change only the moves its kind can ever take, leaving missing data to the refusal", () => {
    const normal = { type: ChangeType.normal, fromTemplate: false };
    const standard = { type: ChangeType.standard, fromTemplate: true };
    const emergency = { type: ChangeType.emergency, fromTemplate: false };
    // A normal draft is submitted (even while its plans are missing: the refusal names them), never scheduled directly.
    expect(changeMovesForKind(ChangeStage.draft, normal)).toEqual([ChangeStage.assessing, ChangeStage.cancelled]);
    expect(changeMovesForKind(ChangeStage.draft, standard)).toEqual([ChangeStage.scheduled, ChangeStage.cancelled]);
    expect(changeMovesForKind(ChangeStage.authorized, normal)).not.toContain(ChangeStage.implementing);
    expect(changeMovesForKind(ChangeStage.authorized, emergency)).toContain(ChangeStage.implementing);
    // Every move offered is one the table would take once the record is complete.
    for (const kind of [normal, standard, emergency]) {
      for (const from of Object.values(ChangeStage)) {
        for (const to of changeMovesForKind(from, kind)) expect(nextChangeStages(from)).toContain(to);
      }
    }
  });

  it("authorizes only when approvals are complete", () => {
    expect(checkChangeTransition(ChangeStage.assessing, ChangeStage.authorized, ready).ok).toBe(false);
    expect(checkChangeTransition(ChangeStage.assessing, ChangeStage.authorized, { ...ready, approvalsComplete: true }).ok).toBe(true);
  });

  it("lets an emergency change implement without scheduling, and needs its retrospective review before closing", () => {
    const emergency = { ...ready, type: ChangeType.emergency, approvalsComplete: true };
    expect(checkChangeTransition(ChangeStage.authorized, ChangeStage.implementing, emergency).ok).toBe(true);
    expect(checkChangeTransition(ChangeStage.authorized, ChangeStage.implementing, { ...ready, approvalsComplete: true }).ok).toBe(false);
    const closing = checkChangeTransition(ChangeStage.reviewing, ChangeStage.closed, emergency);
    expect(closing.ok).toBe(false);
    if (!closing.ok) expect(closing.reason).toContain("emergency change needs its post-implementation review");
    expect(checkChangeTransition(ChangeStage.reviewing, ChangeStage.closed, { ...emergency, reviewRecorded: true }).ok).toBe(true);
  });

  it("needs a review before closing a failed or rolled-back change, not a successful normal one", () => {
    expect(checkChangeTransition(ChangeStage.reviewing, ChangeStage.closed, { ...ready, wentWrong: true }).ok).toBe(false);
    expect(checkChangeTransition(ChangeStage.reviewing, ChangeStage.closed, { ...ready, wentWrong: true, reviewRecorded: true }).ok).toBe(true);
    expect(checkChangeTransition(ChangeStage.reviewing, ChangeStage.closed, ready).ok).toBe(true);
  });

  it("has nothing after closed, rejected or cancelled, and every stage is reachable", () => {
    for (const s of [ChangeStage.closed, ChangeStage.rejected, ChangeStage.cancelled]) expect(nextChangeStages(s)).toEqual([]);
    const reachable = new Set([ChangeStage.draft, ...CHANGE_TRANSITIONS.map((t) => t.to)]);
    expect([...reachable].sort()).toEqual(Object.values(ChangeStage).sort());
  });
});

describe("CAB approvals", () => {
  const d = (approverId: string, decision = ApprovalDecision.approved) => ({ approverId, decision });

  it("completes a normal change at the quorum, not before", () => {
    expect(approvalStatus(ChangeType.normal, 2, [d("a")])).toMatchObject({ complete: false, needed: 1 });
    expect(approvalStatus(ChangeType.normal, 2, [d("a"), d("b")])).toMatchObject({ complete: true, needed: 0 });
    expect(approvalStatus(ChangeType.normal, 3, [d("a"), d("b")]).complete).toBe(false);
  });

  it("stops on any rejection even after the quorum", () => {
    expect(approvalStatus(ChangeType.normal, 2, [d("a"), d("b"), d("c", ApprovalDecision.rejected)])).toMatchObject({ complete: false, rejected: true });
  });

  it("needs exactly one emergency approver for an emergency change", () => {
    expect(approvalStatus(ChangeType.emergency, 5, [d("a")]).complete).toBe(true);
    expect(approvalStatus(ChangeType.emergency, 5, []).complete).toBe(false);
  });

  it("refuses self-approval by the requester or owner, and a second decision by the same approver", () => {
    const change = { requesterId: "req", ownerId: "own", stage: ChangeStage.assessing, type: ChangeType.normal };
    expect(decisionRefusal(change, "req", [])).toContain("your own change");
    expect(decisionRefusal(change, "own", [])).toContain("your own change");
    expect(decisionRefusal(change, "cab1", [d("cab1")])).toContain("already decided");
    expect(decisionRefusal(change, "cab1", [])).toBeNull();
    expect(decisionRefusal({ ...change, stage: ChangeStage.draft }, "cab1", [])).toContain("while the change is assessing");
  });
});
