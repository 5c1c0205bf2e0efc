import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Connection } from "../../platform/graphql/connection";
import { User } from "../user/user.entity";
import { FreezeWindow } from "./change-config.entity";
import { ConflictKindValue } from "./change.conflicts";
import { Change, ChangeApproval } from "./change.entity";

registerEnumType(ConflictKindValue, { name: "ConflictKind", description: "overlap: another change on the same or a dependent service; freeze: a blackout window." });

@ObjectType()
export class ChangeConnection extends Connection(Change) {}

@ObjectType({ description: "A warning while drafting, a blocker at authorization unless an approver overrides it." })
export class ChangeConflict {
  @Field(() => ConflictKindValue) kind!: ConflictKindValue;
  @Field(() => String) message!: string;
  @Field(() => ID, { nullable: true }) otherChangeId!: string | null;
  @Field(() => ID, { nullable: true }) freezeWindowId!: string | null;
  @Field(() => Date) start!: Date;
  @Field(() => Date) end!: Date;
  @Field(() => Boolean, { description: "The services meet only through a dependency." }) viaDependency!: boolean;
  @Field(() => [ID]) serviceIds!: string[];
}

@ObjectType({ description: "Who has decided and who has not, in the current approval round." })
export class ApprovalState {
  @Field(() => Int) round!: number;
  @Field(() => Int, { description: "Approvals this change needs (the CAB quorum, 1 for emergency, 0 for standard)." }) required!: number;
  @Field(() => Int) stillNeeded!: number;
  @Field(() => Boolean) complete!: boolean;
  @Field(() => Boolean) rejected!: boolean;
  @Field(() => [ChangeApproval]) decisions!: ChangeApproval[];
  @Field(() => [User], { description: "Who may still decide in this round: active change managers and admins, except the requester and owner and those who have decided." }) pending!: User[];
}

@ObjectType()
export class RecentChange {
  @Field(() => Change) change!: Change;
  @Field(() => Float, { description: "0-1: closeness in time, then risk, then same service." }) score!: number;
  @Field(() => Float, { description: "Hours between the change's end and the incident (0 while it ran)." }) hoursBefore!: number;
  @Field(() => String) reason!: string;
  @Field(() => Boolean, { description: "This change is recorded as the incident's cause." }) isCause!: boolean;
}

@ObjectType()
export class FreezeOccurrence {
  @Field(() => FreezeWindow) freezeWindow!: FreezeWindow;
  @Field(() => Date) start!: Date;
  @Field(() => Date) end!: Date;
}

@ObjectType()
export class CalendarConflict {
  @Field(() => ID) changeId!: string;
  @Field(() => ID, { nullable: true }) otherChangeId!: string | null;
  @Field(() => ID, { nullable: true }) freezeWindowId!: string | null;
  @Field(() => String) message!: string;
}

@ObjectType()
export class ChangeCalendar {
  @Field(() => [Change]) changes!: Change[];
  @Field(() => [FreezeOccurrence]) freezes!: FreezeOccurrence[];
  @Field(() => [CalendarConflict]) conflicts!: CalendarConflict[];
}

