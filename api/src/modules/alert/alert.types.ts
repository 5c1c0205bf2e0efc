import { Field, ObjectType } from "type-graphql";
import { Connection } from "../../platform/graphql/connection";
import { Alert, AlertIntegration } from "./alert.entity";

@ObjectType()
export class AlertConnection extends Connection(Alert) {}

@ObjectType({ description: "An integration with its token: the token is shown here once and never again." })
export class AlertIntegrationWithToken {
  @Field(() => AlertIntegration) integration!: AlertIntegration;
  @Field(() => String, { nullable: true, description: "The token to configure the sender with (null when an edit kept the old one)." }) token!: string | null;
}
