import { Field, ID, Int, ObjectType } from "type-graphql";
import { Connection } from "../../platform/graphql/connection";
import { Alert, AlertEventDeadReason, AlertIntegration, AlertSource } from "./alert.entity";

@ObjectType()
export class AlertConnection extends Connection(Alert) {}

@ObjectType({ description: "An integration with its token: the token is shown here once and never again." })
export class AlertIntegrationWithToken {
  @Field(() => AlertIntegration) integration!: AlertIntegration;
  @Field(() => String, { nullable: true, description: "The token to configure the sender with (null when an edit kept the old one)." }) token!: string | null;
}

@ObjectType({ description: "A stored alert event correlation could not apply: put off for a retry, or given up on (dead)." })
export class FailingAlertEvent {
  @Field(() => ID) id!: string;
  @Field(() => ID) integrationId!: string;
  @Field(() => String) integrationName!: string;
  @Field(() => AlertSource) source!: AlertSource;
  @Field(() => Date) receivedAt!: Date;
  @Field(() => Int, { description: "Alerts the event carries." }) alertCount!: number;
  @Field(() => Int, { description: "Failed attempts to apply it." }) attempts!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Date, { nullable: true, description: "Not tried again before this (null when dead)." }) retryAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "When it was given up on; null while it is still retried." }) deadAt!: Date | null;
  @Field(() => AlertEventDeadReason, { nullable: true }) deadReason!: AlertEventDeadReason | null;
}
