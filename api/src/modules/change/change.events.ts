import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export const CHANGE_CHANGED = "changeChanged";

export enum ChangeChangeKind {
  created = "created",
  updated = "updated",
  stage_changed = "stage_changed",
  decided = "decided",
  reviewed = "reviewed",
  linked = "linked",
}
registerEnumType(ChangeChangeKind, { name: "ChangeChangeKind" });

/** Ids only through pub/sub: subscribers re-read the change. */
export interface ChangeChangedPayload {
  changeId: string;
  kind: ChangeChangeKind;
  actorId: string | null;
}

@ObjectType()
export class ChangeEvent {
  @Field(() => ID) changeId!: string;
  @Field(() => ChangeChangeKind) kind!: ChangeChangeKind;
  @Field(() => ID, { nullable: true }) actorId!: string | null;
}
