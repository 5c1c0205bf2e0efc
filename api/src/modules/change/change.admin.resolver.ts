import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { Allow, ANY_ROLE } from "../../platform/auth/policy";
import type { QuellContext } from "../../platform/graphql/context";
import { ChangePolicy, ChangeTemplate, FreezeWindow, RiskRule } from "./change-config.entity";
import { ChangePolicyInput, ChangeTemplateInput, FreezeWindowInput, SetRiskRuleWeightInput } from "./change.inputs";
import { CHANGE_APPROVERS } from "./change.resolver";

/** Templates, freezes, risk weights and the change policy: read by all, managed by approvers. */
@Resolver()
export class ChangeAdminResolver {
  @Allow(...ANY_ROLE)
  @Query(() => [ChangeTemplate], { description: "Pre-approved standard change templates." })
  changeTemplates(@Ctx() ctx: QuellContext, @Arg("includeRetired", () => Boolean, { defaultValue: false }) includeRetired: boolean): Promise<ChangeTemplate[]> {
    return ctx.dataSource.getRepository(ChangeTemplate).find({ where: includeRetired ? {} : { active: true }, order: { name: "ASC" } });
  }

  @Allow(...ANY_ROLE)
  @Query(() => [FreezeWindow], { description: "Freeze (blackout) windows." })
  freezeWindows(@Ctx() ctx: QuellContext): Promise<FreezeWindow[]> {
    return ctx.dataSource.getRepository(FreezeWindow).find({ order: { startsAt: "ASC" } });
  }

  @Allow(...ANY_ROLE)
  @Query(() => [RiskRule], { description: "The rules risk is computed from, with their weights." })
  riskRules(@Ctx() ctx: QuellContext): Promise<RiskRule[]> {
    return ctx.dataSource.getRepository(RiskRule).find({ order: { factor: "ASC", key: "ASC" } });
  }

  @Allow(...ANY_ROLE)
  @Query(() => ChangePolicy, { description: "CAB quorum, 'what changed?' look-back, risk thresholds and business hours." })
  changePolicy(@Ctx() ctx: QuellContext): Promise<ChangePolicy> {
    return ctx.dataSource.getRepository(ChangePolicy).findOneByOrFail({ id: 1 });
  }

  @Allow(...CHANGE_APPROVERS)
  @Mutation(() => ChangeTemplate, { description: "Creates a template, or edits one (id + version)." })
  saveChangeTemplate(@Arg("input", () => ChangeTemplateInput) input: ChangeTemplateInput, @Ctx() ctx: QuellContext): Promise<ChangeTemplate> {
    return ctx.services.changeAdmin.saveTemplate(ctx.principal!, input);
  }

  @Allow(...CHANGE_APPROVERS)
  @Mutation(() => FreezeWindow, { description: "Creates a freeze window, or edits one (id + version)." })
  saveFreezeWindow(@Arg("input", () => FreezeWindowInput) input: FreezeWindowInput, @Ctx() ctx: QuellContext): Promise<FreezeWindow> {
    return ctx.services.changeAdmin.saveFreeze(ctx.principal!, input);
  }

  @Allow(...CHANGE_APPROVERS)
  @Mutation(() => FreezeWindow, { description: "Deletes a freeze window; returns it as it was." })
  deleteFreezeWindow(@Arg("id", () => ID) id: string, @Arg("version", () => Int) version: number, @Ctx() ctx: QuellContext): Promise<FreezeWindow> {
    return ctx.services.changeAdmin.deleteFreeze(ctx.principal!, id, version);
  }

  @Allow(...CHANGE_APPROVERS)
  @Mutation(() => RiskRule, { description: "Tunes one risk rule's weight (0 switches it off)." })
  setRiskRuleWeight(@Arg("input", () => SetRiskRuleWeightInput) input: SetRiskRuleWeightInput, @Ctx() ctx: QuellContext): Promise<RiskRule> {
    return ctx.services.changeAdmin.setRiskRuleWeight(ctx.principal!, input);
  }

  @Allow(...CHANGE_APPROVERS)
  @Mutation(() => ChangePolicy)
  setChangePolicy(@Arg("input", () => ChangePolicyInput) input: ChangePolicyInput, @Ctx() ctx: QuellContext): Promise<ChangePolicy> {
    return ctx.services.changeAdmin.setPolicy(ctx.principal!, input);
  }
}
