import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { Allow, ANY_ROLE, assertAllowed } from "../../platform/auth/policy";
import { Role } from "../../platform/auth/roles";
import { badInput } from "../../platform/errors";
import type { QuellContext } from "../../platform/graphql/context";
import { ChangeAnalysis } from "./change.analysis";
import { Change } from "./change.entity";
import { CHANGE_CHANGED, ChangeEvent, type ChangeChangedPayload } from "./change.events";
import { ChangeFilter, CreateChangeInput, DecideChangeInput, ReviewChangeInput, TransitionChangeInput, UpdateChangeInput } from "./change.inputs";
import { approvalsInbox, changeCalendar, listChanges, type ChangePage } from "./change.query";
import { parseChangeNumber } from "./change.rules";
import { ChangeCalendar, ChangeConflict, ChangeConnection } from "./change.types";

/** Raise, propose and move changes: everyone who works incidents. Analysts read. */
export const CHANGE_WRITERS: Role[] = [Role.agent, Role.problem_manager, Role.change_manager, Role.admin];
/** Approve, and manage templates, freezes and risk rules. */
export const CHANGE_APPROVERS: Role[] = [Role.change_manager, Role.admin];

@Resolver(() => Change)
export class ChangeResolver {
  @Allow(...ANY_ROLE)
  @Query(() => ChangeConnection, { description: "Changes, newest first, as a Relay connection." })
  changes(
    @Ctx() ctx: QuellContext,
    @Arg("filter", () => ChangeFilter, { nullable: true }) filter?: ChangeFilter,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ): Promise<ChangePage> {
    return listChanges(ctx.dataSource, { filter, first, after });
  }

  @Allow(...ANY_ROLE)
  @Query(() => Change, { description: "One change by id or by number (CHG-000123 or 123)." })
  change(
    @Ctx() ctx: QuellContext,
    @Arg("id", () => ID, { nullable: true }) id?: string,
    @Arg("number", () => String, { nullable: true }) number?: string,
  ): Promise<Change> {
    if (id) return ctx.services.changes.getById(id);
    if (number) {
      const parsed = parseChangeNumber(number);
      if (parsed === null) throw badInput("number", "use the form CHG-000123 or 123");
      return ctx.services.changes.getByNumber(parsed);
    }
    throw badInput("id", "give either id or number");
  }

  @Allow(...ANY_ROLE)
  @Query(() => ChangeCalendar, { description: "Changes whose window meets [from, to), freeze occurrences in it, and the conflicts among live changes." })
  changeCalendar(@Arg("from", () => Date) from: Date, @Arg("to", () => Date) to: Date, @Ctx() ctx: QuellContext): Promise<ChangeCalendar> {
    return changeCalendar(ctx.dataSource, { start: from, end: to });
  }

  @Allow(...ANY_ROLE)
  @Query(() => [ChangeConflict], { description: "Overlapping changes on the same or dependent services, and freezes over its window." })
  async changeConflicts(@Arg("id", () => ID) id: string, @Ctx() ctx: QuellContext): Promise<ChangeConflict[]> {
    const change = await ctx.services.changes.getById(id);
    return conflictsOf(ctx, change);
  }

  @Allow(...CHANGE_APPROVERS)
  @Query(() => [Change], { description: "Changes awaiting my decision (not my own, not yet decided this round)." })
  changeApprovalsInbox(@Ctx() ctx: QuellContext): Promise<Change[]> {
    return approvalsInbox(ctx.dataSource, ctx.principal!.userId);
  }

  @Allow(...CHANGE_WRITERS)
  @Mutation(() => Change, { description: "Raises a change (a draft). With templateId it is a pre-approved standard change. Read `conflicts` for warnings." })
  createChange(@Arg("input", () => CreateChangeInput) input: CreateChangeInput, @Ctx() ctx: QuellContext): Promise<Change> {
    return ctx.services.changes.create(ctx.principal!, input);
  }

  @Allow(...CHANGE_WRITERS)
  @Mutation(() => Change, { description: "Edits a draft. Read `conflicts` for warnings." })
  updateChange(@Arg("input", () => UpdateChangeInput) input: UpdateChangeInput, @Ctx() ctx: QuellContext): Promise<Change> {
    return ctx.services.changes.update(ctx.principal!, input);
  }

  @Allow(...CHANGE_WRITERS)
  @Mutation(() => Change, { description: "Moves a change; a move the lifecycle forbids gets INVALID_TRANSITION naming the allowed ones. Submitting (to assessing) computes risk." })
  transitionChange(@Arg("input", () => TransitionChangeInput) input: TransitionChangeInput, @Ctx() ctx: QuellContext): Promise<Change> {
    return ctx.services.changes.transition(ctx.principal!, input);
  }

  @Allow(...CHANGE_APPROVERS)
  @Mutation(() => Change, { description: "Approves; the approval that completes the quorum (or the emergency approval) authorizes the change. Conflicts block it unless overrideReason is given." })
  approveChange(@Arg("input", () => DecideChangeInput) input: DecideChangeInput, @Ctx() ctx: QuellContext): Promise<Change> {
    return ctx.services.changes.approve(ctx.principal!, input);
  }

  @Allow(...CHANGE_APPROVERS)
  @Mutation(() => Change, { description: "Rejects with a comment; one rejection stops the change." })
  rejectChange(@Arg("input", () => DecideChangeInput) input: DecideChangeInput, @Ctx() ctx: QuellContext): Promise<Change> {
    return ctx.services.changes.reject(ctx.principal!, input);
  }

  @Allow(...CHANGE_WRITERS)
  @Mutation(() => Change, { description: "Records the post-implementation review (while reviewing)." })
  reviewChange(@Arg("input", () => ReviewChangeInput) input: ReviewChangeInput, @Ctx() ctx: QuellContext): Promise<Change> {
    return ctx.services.changes.review(ctx.principal!, input);
  }

  @Allow(...ANY_ROLE)
  @Subscription(() => ChangeEvent, {
    description: "Every change to changes (or to one change), pushed over graphql-ws.",
    subscribe: ({ context, args }) => {
      assertAllowed(context as QuellContext, ANY_ROLE);
      return (context as QuellContext).services.pubsub.subscribeWhere(CHANGE_CHANGED, "changeId", args.changeId as string | undefined);
    },
  })
  changeChanged(@Root() payload: ChangeChangedPayload, @Arg("changeId", () => ID, { nullable: true }) _changeId?: string): ChangeEvent {
    return payload;
  }
}

export async function conflictsOf(ctx: QuellContext, change: Change): Promise<ChangeConflict[]> {
  const serviceIds = await ctx.loaders.changeServiceIds.load(change.id);
  const found = await new ChangeAnalysis(ctx.dataSource.manager).conflicts(change, serviceIds);
  return found.map((c) => ({ kind: c.kind, message: c.message, otherChangeId: c.changeId, freezeWindowId: c.freezeWindowId, start: c.window.start, end: c.window.end, viaDependency: c.viaDependency, serviceIds: c.serviceIds }));
}
