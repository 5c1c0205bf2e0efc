import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export const PROBLEM_CANDIDATE_CHANGED = "problemCandidateChanged";

export enum CandidateChangeKind {
  /** A new candidate (or a dismissed one that came back): what the inbox listens for. */
  created = "created",
  updated = "updated",
  decided = "decided",
  gone = "gone",
}
registerEnumType(CandidateChangeKind, { name: "CandidateChangeKind" });

export interface CandidateChangedPayload {
  candidateId: string;
  kind: CandidateChangeKind;
  actorId: string | null;
}

@ObjectType()
export class CandidateChange {
  @Field(() => ID) candidateId!: string;
  @Field(() => CandidateChangeKind) kind!: CandidateChangeKind;
  @Field(() => ID, { nullable: true }) actorId!: string | null;
}
