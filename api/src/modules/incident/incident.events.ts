import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export const INCIDENT_CHANGED = "incidentChanged";

export enum IncidentChangeKind {
  created = "created",
  updated = "updated",
  stage_changed = "stage_changed",
  assigned = "assigned",
  timeline_appended = "timeline_appended",
  task_changed = "task_changed",
  report_changed = "report_changed",
  suggestions_changed = "suggestions_changed",
}
registerEnumType(IncidentChangeKind, { name: "IncidentChangeKind" });

/** What travels through pub/sub: ids only, the subscription re-reads the incident. */
export interface IncidentChangedPayload {
  incidentId: string;
  kind: IncidentChangeKind;
  actorId: string | null;
}

@ObjectType()
export class IncidentChange {
  @Field(() => ID) incidentId!: string;
  @Field(() => IncidentChangeKind) kind!: IncidentChangeKind;
  @Field(() => ID, { nullable: true }) actorId!: string | null;
}
