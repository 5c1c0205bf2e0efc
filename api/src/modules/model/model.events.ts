import { Field, Float, ID, ObjectType } from "type-graphql";
import { TrainingStatus } from "./model.entity";

export const TRAINING_PROGRESS = "trainingProgress";

/** Pushed while a training run moves; ids and figures only. */
@ObjectType()
export class TrainingProgress {
  @Field(() => ID) runId!: string;
  @Field(() => TrainingStatus) status!: TrainingStatus;
  @Field(() => Float, { description: "0-100" }) percent!: number;
  @Field(() => String) stage!: string;
}
