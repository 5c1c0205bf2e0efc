import { In, type DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import { inTransaction } from "../../platform/database/transaction";
import { loadForEdit } from "../../platform/database/load-for-edit";
import { ErrorCode, QuellError, badInput, conflict, notFound } from "../../platform/errors";
import { appendAudit } from "../audit/audit.service";
import { Service } from "../catalog/catalog.entity";
import { ChangePolicy, ChangeTemplate, FreezeRecurrence, FreezeWindow, RiskRule } from "./change-config.entity";
import type { ChangePolicyInput, ChangeTemplateInput, FreezeWindowInput, SetRiskRuleWeightInput } from "./change.inputs";

const WEEK_MS = 7 * 86_400_000;

/** What change managers and admins tune: templates, freezes, risk weights and the policy. */
export class ChangeAdminService {
  constructor(private readonly dataSource: DataSource) {}

  saveTemplate(actor: Principal, input: ChangeTemplateInput): Promise<ChangeTemplate> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      await assertServices(manager, input.serviceIds);
      const template = await loadForEdit(manager, ChangeTemplate, "ChangeTemplate", input.id, input.version);
      const before = template ? { ...template } : null;
      const clash = await manager.findOne(ChangeTemplate, { where: { name: input.name } });
      if (clash && clash.id !== template?.id) throw new QuellError(ErrorCode.Conflict, `A template named "${input.name}" already exists.`, { field: "name" });
      const saved = await manager.save(
        Object.assign(template ?? manager.create(ChangeTemplate), {
          name: input.name.trim(),
          description: input.description ?? "",
          implementationPlan: input.implementationPlan,
          backoutPlan: input.backoutPlan,
          testPlan: input.testPlan ?? "",
          durationMinutes: input.durationMinutes,
          serviceIds: [...new Set(input.serviceIds)],
          active: input.active,
        }),
      );
      await appendAudit(manager, actor, { action: template ? "change_template.update" : "change_template.create", entityType: "change_template", entityId: saved.id, before, after: saved });
      return saved;
    });
  }

  saveFreeze(actor: Principal, input: FreezeWindowInput): Promise<FreezeWindow> {
    if (input.endsAt.getTime() <= input.startsAt.getTime()) throw badInput("endsAt", "must be after startsAt");
    if (input.recurrence === FreezeRecurrence.weekly && input.endsAt.getTime() - input.startsAt.getTime() >= WEEK_MS) {
      throw badInput("endsAt", "a weekly freeze must be shorter than a week (or it never ends)");
    }
    if (input.repeatUntil && input.recurrence !== FreezeRecurrence.weekly) throw badInput("repeatUntil", "only weekly freezes repeat");
    return inTransaction(this.dataSource, async ({ manager }) => {
      await assertServices(manager, input.serviceIds);
      const freeze = await loadForEdit(manager, FreezeWindow, "FreezeWindow", input.id, input.version);
      const before = freeze ? { ...freeze } : null;
      const saved = await manager.save(
        Object.assign(freeze ?? manager.create(FreezeWindow), {
          name: input.name.trim(),
          reason: input.reason ?? "",
          startsAt: input.startsAt,
          endsAt: input.endsAt,
          recurrence: input.recurrence,
          repeatUntil: input.repeatUntil ?? null,
          serviceIds: [...new Set(input.serviceIds)],
        }),
      );
      await appendAudit(manager, actor, { action: freeze ? "freeze_window.update" : "freeze_window.create", entityType: "freeze_window", entityId: saved.id, before, after: saved });
      return saved;
    });
  }

  deleteFreeze(actor: Principal, id: string, version: number): Promise<FreezeWindow> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const freeze = (await loadForEdit(manager, FreezeWindow, "FreezeWindow", id, version))!;
      const before = { ...freeze };
      await manager.delete(FreezeWindow, { id });
      await appendAudit(manager, actor, { action: "freeze_window.delete", entityType: "freeze_window", entityId: id, before, after: null });
      return before as FreezeWindow;
    });
  }

  setRiskRuleWeight(actor: Principal, input: SetRiskRuleWeightInput): Promise<RiskRule> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const rule = (await loadForEdit(manager, RiskRule, "RiskRule", input.id, input.version))!;
      const before = { ...rule };
      rule.weight = input.weight;
      const saved = await manager.save(rule);
      await appendAudit(manager, actor, { action: "risk_rule.set_weight", entityType: "risk_rule", entityId: rule.id, before, after: saved });
      return saved;
    });
  }

  setPolicy(actor: Principal, input: ChangePolicyInput): Promise<ChangePolicy> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const policy = await manager.findOne(ChangePolicy, { where: { id: 1 }, lock: { mode: "pessimistic_write" } });
      if (!policy) throw notFound("ChangePolicy", 1);
      if (policy.version !== input.version) throw conflict("ChangePolicy", "1", input.version, policy.version);
      const before = { ...policy };
      for (const key of ["cabQuorum", "recentChangesHours", "riskLookbackDays", "riskMediumFrom", "riskHighFrom", "businessStartHour", "businessEndHour"] as const) {
        if (input[key] !== undefined && input[key] !== null) policy[key] = input[key]!;
      }
      if (policy.riskHighFrom < policy.riskMediumFrom) throw badInput("riskHighFrom", "must not be below riskMediumFrom");
      if (policy.businessEndHour <= policy.businessStartHour) throw badInput("businessEndHour", "must be after businessStartHour");
      const saved = await manager.save(policy);
      await appendAudit(manager, actor, { action: "change_policy.set", entityType: "change_policy", entityId: "1", before, after: saved });
      return saved;
    });
  }
}


export async function assertServices(manager: EntityManager, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const found = await manager.find(Service, { where: { id: In(ids) }, select: { id: true } });
  const missing = ids.find((s) => !found.some((f) => f.id === s));
  if (missing) throw notFound("Service", missing);
}
