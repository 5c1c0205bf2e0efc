import { formatRecordKey, parseRecordKey } from "../record/record-key";
import { ApprovalDecision } from "./change.entity";
import type { Change } from "./change.entity";
import { ChangeStage, ChangeType } from "./change.lifecycle";

export const formatChangeNumber = (number: number): string => formatRecordKey("CHG", number);
export const parseChangeNumber = (value: string): number | null => parseRecordKey("CHG", value);

/** The stamp column each stage sets when a change enters it (draft is createdAt). */
export const CHANGE_STAGE_STAMP: Partial<Record<ChangeStage, keyof Change>> = {
  [ChangeStage.assessing]: "assessingAt",
  [ChangeStage.authorized]: "authorizedAt",
  [ChangeStage.scheduled]: "scheduledAt",
  [ChangeStage.implementing]: "actualStart",
  [ChangeStage.reviewing]: "reviewingAt",
  [ChangeStage.closed]: "closedAt",
  [ChangeStage.rejected]: "rejectedAt",
  [ChangeStage.cancelled]: "cancelledAt",
  [ChangeStage.failed]: "failedAt",
  [ChangeStage.rolled_back]: "rolledBackAt",
};

export interface DecisionData {
  approverId: string;
  decision: ApprovalDecision;
}

export interface ApprovalStatus {
  /** Approvals still needed. */
  needed: number;
  approvedBy: string[];
  rejectedBy: string[];
  complete: boolean;
  rejected: boolean;
}

/** Normal changes need the CAB quorum; emergency changes one emergency approver; standard none. */
export function requiredApprovals(type: ChangeType, quorum: number): number {
  return type === ChangeType.normal ? quorum : type === ChangeType.emergency ? 1 : 0;
}

export function approvalStatus(type: ChangeType, quorum: number, decisions: readonly DecisionData[]): ApprovalStatus {
  const approvedBy = decisions.filter((d) => d.decision === ApprovalDecision.approved).map((d) => d.approverId);
  const rejectedBy = decisions.filter((d) => d.decision === ApprovalDecision.rejected).map((d) => d.approverId);
  const required = requiredApprovals(type, quorum);
  const rejected = rejectedBy.length > 0;
  return { needed: Math.max(0, required - approvedBy.length), approvedBy, rejectedBy, complete: !rejected && approvedBy.length >= required, rejected };
}

/** Why this person may not decide on this change, or null. Requesters and owners can't approve their own change. */
export function decisionRefusal(
  change: Pick<Change, "requesterId" | "ownerId" | "stage" | "type">,
  approverId: string,
  earlier: readonly DecisionData[],
): string | null {
  if (change.stage !== ChangeStage.assessing) return `approvals are given while the change is assessing; it is ${change.stage}`;
  if (change.type === ChangeType.standard) return "standard changes are pre-approved by their template";
  if (approverId === change.requesterId || approverId === change.ownerId) return "you cannot approve or reject your own change (you requested or own it)";
  if (earlier.some((d) => d.approverId === approverId)) return "you have already decided on this change in this round";
  return null;
}
