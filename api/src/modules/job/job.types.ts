import { Field, ID, Int, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";

@ObjectType()
export class FailedJobInfo {
  @Field(() => String) queue!: string;
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => GraphQLJSONObject, { description: "Ids only." }) payload!: Record<string, unknown>;
  @Field(() => Int) attemptsMade!: number;
  @Field(() => String) failedReason!: string;
  @Field(() => Date, { nullable: true }) failedAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
}
