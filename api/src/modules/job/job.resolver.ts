import { Arg, Ctx, Int, Mutation, Query, Resolver } from "type-graphql";
import { Allow } from "../../platform/auth/policy";
import { Role } from "../../platform/auth/roles";
import type { QuellContext } from "../../platform/graphql/context";
import { JobAdminService } from "./job.service";
import { FailedJobInfo } from "./job.types";

const admin = (ctx: QuellContext) => new JobAdminService(ctx.dataSource, ctx.services.jobs);

@Resolver(() => FailedJobInfo)
export class JobResolver {
  @Allow(Role.admin)
  @Query(() => [FailedJobInfo], { description: "Jobs that used up their retries (or hit bad data), newest first." })
  failedJobs(
    @Ctx() ctx: QuellContext,
    @Arg("queue", () => String, { nullable: true }) queue?: string,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first?: number,
  ): Promise<FailedJobInfo[]> {
    return admin(ctx).failed(queue, first);
  }

  @Allow(Role.admin)
  @Mutation(() => Boolean, { description: "Runs a failed job again, with its attempts reset." })
  retryJob(@Arg("queue", () => String) queue: string, @Arg("id", () => String, { description: "The queue's job id (not a record id)." }) id: string, @Ctx() ctx: QuellContext): Promise<boolean> {
    return admin(ctx).retry(ctx.principal!, queue, id);
  }
}
