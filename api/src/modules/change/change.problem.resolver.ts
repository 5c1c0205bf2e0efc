import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { In } from "typeorm";
import { Allow } from "../../platform/auth/policy";
import type { QuellContext } from "../../platform/graphql/context";
import { Problem } from "../problem/problem.entity";
import { Change } from "./change.entity";
import { LinkChangeProblemsInput } from "./change.inputs";
import { CHANGE_WRITERS } from "./change.resolver";

/** A change fixes problems: links both ways, and Problem.fixingChanges. */
@Resolver(() => Problem)
export class ProblemChangeResolver {
  @Allow(...CHANGE_WRITERS)
  @Mutation(() => Change, { description: "Records that this change fixes these problems; when it closes successfully, those awaiting a fix resolve with it as their fix." })
  linkChangeProblems(@Arg("input", () => LinkChangeProblemsInput) input: LinkChangeProblemsInput, @Ctx() ctx: QuellContext): Promise<Change> {
    return ctx.services.changeProblems.link(ctx.principal!, input);
  }

  @Allow(...CHANGE_WRITERS)
  @Mutation(() => Change)
  unlinkChangeProblems(@Arg("input", () => LinkChangeProblemsInput) input: LinkChangeProblemsInput, @Ctx() ctx: QuellContext): Promise<Change> {
    return ctx.services.changeProblems.unlink(ctx.principal!, input);
  }

  @FieldResolver(() => [Change], { description: "Changes that fix this problem (the fix a resolved problem names)." })
  async fixingChanges(@Root() problem: Problem, @Ctx() ctx: QuellContext): Promise<Change[]> {
    const ids = await ctx.loaders.problemChangeIds.load(problem.id);
    return ids.length ? ctx.dataSource.getRepository(Change).find({ where: { id: In(ids) }, order: { number: "ASC" } }) : [];
  }
}
