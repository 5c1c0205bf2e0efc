import { Field, Int, ObjectType } from "type-graphql";
import { Connection } from "../../platform/graphql/connection";
import { Problem } from "./problem.entity";

@ObjectType()
export class ProblemConnection extends Connection(Problem) {}

@ObjectType({ description: "Linked incidents identified in one week (Monday 00:00 UTC)." })
export class WeeklyIncidentCount {
  @Field(() => Date) weekStart!: Date;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: "A problem linked to some of an incident's similar past incidents, and how many of them." })
export class SimilarIncidentProblem {
  @Field(() => Problem) problem!: Problem;
  @Field(() => Int, { description: "How many of the similar incidents are linked to it." }) similarIncidents!: number;
}
