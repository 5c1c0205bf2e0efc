import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { Allow, assertAllowed } from "../../platform/auth/policy";
import { Role } from "../../platform/auth/roles";
import type { QuellContext } from "../../platform/graphql/context";
import { MlModel, ModelKind, TrainingRun } from "./model.entity";
import { TRAINING_PROGRESS, TrainingProgress } from "./model.events";

const MODEL_READERS = [Role.admin, Role.analyst];

@Resolver(() => MlModel)
export class ModelResolver {
  @Allow(...MODEL_READERS)
  @Query(() => [MlModel], { description: "The model registry, newest first: versions, training windows, holdout metrics, which is active." })
  models(
    @Ctx() ctx: QuellContext,
    @Arg("kind", () => ModelKind, { nullable: true }) kind?: ModelKind,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first?: number,
  ): Promise<MlModel[]> {
    return ctx.services.models.listModels(kind, first);
  }

  @Allow(...MODEL_READERS)
  @Query(() => [TrainingRun], { description: "Training runs, newest first, with progress and per-kind outcomes (including cold-start reasons)." })
  trainingRuns(@Ctx() ctx: QuellContext, @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first?: number): Promise<TrainingRun[]> {
    return ctx.services.models.listRuns(first);
  }

  @Allow(...MODEL_READERS)
  @Query(() => TrainingRun)
  trainingRun(@Arg("id", () => ID) id: string, @Ctx() ctx: QuellContext): Promise<TrainingRun> {
    return ctx.services.models.getRun(id);
  }

  @Allow(Role.admin)
  @Mutation(() => TrainingRun, { description: "Queues a retraining now; follow it with trainingProgress or trainingRun." })
  retrainModels(@Ctx() ctx: QuellContext): Promise<TrainingRun> {
    return ctx.services.models.requestRetrain(ctx.principal!, "manual");
  }

  @Allow(...MODEL_READERS)
  @Subscription(() => TrainingProgress, {
    description: "Percent and stage of running trainings (or of one run).",
    subscribe: ({ context, args }) => {
      assertAllowed(context as QuellContext, MODEL_READERS);
      return (context as QuellContext).services.pubsub.subscribeWhere(TRAINING_PROGRESS, "runId", args.runId as string | undefined);
    },
  })
  trainingProgress(@Root() payload: TrainingProgress, @Arg("runId", () => ID, { nullable: true }) _runId?: string): TrainingProgress {
    return payload;
  }
}
