import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { QuellContext } from "../../platform/graphql/context";
import { Service } from "../catalog/catalog.entity";
import { Incident } from "../incident/incident.entity";
import { Problem } from "../problem/problem.entity";
import { In } from "typeorm";
import { User } from "../user/user.entity";
import { ChangeTemplate } from "./change-config.entity";
import { Change, ChangeReview, ChangeTransition, IncidentCause } from "./change.entity";
import { APPROVAL_ONLY_TARGETS, CHANGE_LIVE_STAGES, CHANGE_TERMINAL, ChangeStage, ChangeType, changeMovesForKind } from "./change.lifecycle";
import { conflictsOf } from "./change.resolver";
import { CHANGE_APPROVER_ROLES } from "./change.service";
import { approvalStatus, formatChangeNumber, requiredApprovals } from "./change.rules";
import { ApprovalState, ChangeConflict } from "./change.types";

const present = <T>(rows: Array<T | null | Error>): T[] => rows.filter((r): r is T => !!r && !(r instanceof Error));

@Resolver(() => Change)
export class ChangeFieldsResolver {
  @FieldResolver(() => String, { description: "CHG-000123" })
  key(@Root() change: Change): string {
    return formatChangeNumber(change.number);
  }

  @FieldResolver(() => [Service])
  async services(@Root() change: Change, @Ctx() ctx: QuellContext): Promise<Service[]> {
    return present(await ctx.loaders.service.loadMany(await ctx.loaders.changeServiceIds.load(change.id)));
  }

  @FieldResolver(() => User, { nullable: true })
  requester(@Root() change: Change, @Ctx() ctx: QuellContext) {
    return change.requesterId ? ctx.loaders.user.load(change.requesterId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  owner(@Root() change: Change, @Ctx() ctx: QuellContext) {
    return change.ownerId ? ctx.loaders.user.load(change.ownerId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  implementer(@Root() change: Change, @Ctx() ctx: QuellContext) {
    return change.implementerId ? ctx.loaders.user.load(change.implementerId) : null;
  }

  @FieldResolver(() => ChangeTemplate, { nullable: true })
  template(@Root() change: Change, @Ctx() ctx: QuellContext) {
    return change.templateId ? ctx.dataSource.getRepository(ChangeTemplate).findOne({ where: { id: change.templateId } }) : null;
  }

  @FieldResolver(() => [ChangeStage], {
    description:
      "Moves transitionChange may make for a change of this type (standard from a template, normal, emergency); guards about missing data (window, plans, approvals, review) may still refuse, saying what is missing. Authorized and rejected come from approvals.",
  })
  allowedTransitions(@Root() change: Change): ChangeStage[] {
    if (CHANGE_TERMINAL.includes(change.stage)) return [];
    return changeMovesForKind(change.stage, { type: change.type, fromTemplate: !!change.templateId }).filter((s) => !APPROVAL_ONLY_TARGETS.includes(s));
  }

  @FieldResolver(() => [ChangeTransition], { description: "Every stage change with its time and author." })
  transitions(@Root() change: Change, @Ctx() ctx: QuellContext): Promise<ChangeTransition[]> {
    return ctx.dataSource.getRepository(ChangeTransition).find({ where: { changeId: change.id }, order: { at: "ASC" } });
  }

  @FieldResolver(() => ApprovalState)
  async approvals(@Root() change: Change, @Ctx() ctx: QuellContext): Promise<ApprovalState> {
    const [all, policy] = await Promise.all([ctx.loaders.changeApprovals.load(change.id), ctx.loaders.changePolicy.load(1)]);
    const decisions = all.filter((a) => a.round === change.approvalRound);
    const status = approvalStatus(change.type, policy.cabQuorum, decisions);
    // Whoever approveChange accepts: change managers and admins, for normal and emergency changes alike
    // (an admin's inbox lists normal changes too; leaving admins out here read "not yet decided: nobody").
    const roles = change.type === ChangeType.standard ? [] : CHANGE_APPROVER_ROLES;
    const eligible = (await Promise.all(roles.map((r) => ctx.loaders.activeUsersByRole.load(r)))).flat();
    const decided = new Set(decisions.map((d) => d.approverId));
    const pending =
      change.stage === ChangeStage.assessing ? eligible.filter((u) => !decided.has(u.id) && u.id !== change.requesterId && u.id !== change.ownerId) : [];
    return {
      round: change.approvalRound,
      required: requiredApprovals(change.type, policy.cabQuorum),
      stillNeeded: status.needed,
      complete: status.complete,
      rejected: status.rejected,
      decisions,
      pending,
    };
  }

  @FieldResolver(() => [ChangeConflict], { description: "Warnings now; blockers at authorization unless an approver overrides them." })
  conflicts(@Root() change: Change, @Ctx() ctx: QuellContext): Promise<ChangeConflict[]> {
    if (!CHANGE_LIVE_STAGES.includes(change.stage)) return Promise.resolve([]);
    return conflictsOf(ctx, change);
  }

  @FieldResolver(() => ChangeReview, { nullable: true, description: "The post-implementation review." })
  review(@Root() change: Change, @Ctx() ctx: QuellContext) {
    return ctx.loaders.changeReview.load(change.id);
  }

  @FieldResolver(() => [Problem], { description: "Problems this change fixes." })
  async problems(@Root() change: Change, @Ctx() ctx: QuellContext): Promise<Problem[]> {
    const ids = await ctx.loaders.changeProblemIds.load(change.id);
    return ids.length ? ctx.dataSource.getRepository(Problem).find({ where: { id: In(ids) }, order: { number: "ASC" } }) : [];
  }

  @FieldResolver(() => [Incident], { description: "Incidents recorded as caused by this change." })
  async causedIncidents(@Root() change: Change, @Ctx() ctx: QuellContext): Promise<Incident[]> {
    const causes = await ctx.dataSource.getRepository(IncidentCause).find({ where: { changeId: change.id }, order: { linkedAt: "ASC" } });
    return present(await ctx.loaders.incident.loadMany(causes.map((c) => c.incidentId)));
  }
}


