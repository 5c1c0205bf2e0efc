import { registerEnumType } from "type-graphql";
import { TransitionTable, type TransitionCheck } from "../../platform/lifecycle/transition-table";
import { Stage, TERMINAL } from "./incident.lifecycle";

/** Why an incident is waiting on someone outside the team; service-level clocks pause while it is set. */
export enum PendingReason {
  awaiting_requester = "awaiting_requester",
  awaiting_vendor = "awaiting_vendor",
}
registerEnumType(PendingReason, { name: "PendingReason", description: "What an on-hold incident waits for (SLA clocks pause meanwhile)." });

/** The hold state as a lifecycle: `working` is "no pending reason". */
export type HoldState = "working" | PendingReason;

export interface HoldSubject {
  stage: Stage;
}

/** Only incidents still being worked can wait: once recovered the resolution clock has stopped anyway. */
const stillOpen = (s: HoldSubject) =>
  TERMINAL.includes(s.stage) || s.stage === Stage.recovered || s.stage === Stage.reviewed ? `the incident is ${s.stage}` : null;

const HOLD_TABLE = new TransitionTable<HoldState, HoldSubject>(
  [
    { from: "working", to: PendingReason.awaiting_requester, note: "waiting for the requester's answer", guard: stillOpen },
    { from: "working", to: PendingReason.awaiting_vendor, note: "waiting for a vendor", guard: stillOpen },
    { from: PendingReason.awaiting_requester, to: PendingReason.awaiting_vendor, note: "now waiting for a vendor", guard: stillOpen },
    { from: PendingReason.awaiting_vendor, to: PendingReason.awaiting_requester, note: "now waiting for the requester", guard: stillOpen },
    { from: PendingReason.awaiting_requester, to: "working", note: "the requester answered" },
    { from: PendingReason.awaiting_vendor, to: "working", note: "the vendor answered" },
  ],
  "An incident's hold",
);

export function holdState(reason: PendingReason | null): HoldState {
  return reason ?? "working";
}

export function checkHold(from: PendingReason | null, to: PendingReason | null, subject: HoldSubject): TransitionCheck<HoldState, HoldSubject> {
  return HOLD_TABLE.check(holdState(from), holdState(to), subject);
}
