import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { Allow, ANY_ROLE } from "../../platform/auth/policy";
import { Role } from "../../platform/auth/roles";
import type { QuellContext } from "../../platform/graphql/context";
import { AlertIntegration, CorrelationRule, MaintenanceWindow } from "./alert.entity";
import { AlertIntegrationInput, CorrelationRuleInput, MaintenanceWindowInput } from "./alert.inputs";
import { AlertIntegrationWithToken, FailingAlertEvent } from "./alert.types";

/** Integrations are admins' (they hold tokens); maintenance windows are also change managers'. */
const MAINTENANCE_EDITORS = [Role.admin, Role.change_manager];

@Resolver()
export class AlertAdminResolver {
  @Allow(Role.admin)
  @Query(() => [AlertIntegration], { description: "Monitoring integrations (tokens are never shown again; only their prefix)." })
  alertIntegrations(@Ctx() ctx: QuellContext): Promise<AlertIntegration[]> {
    return ctx.dataSource.getRepository(AlertIntegration).find({ order: { name: "ASC" } });
  }

  @Allow(Role.admin)
  @Mutation(() => AlertIntegrationWithToken, { description: "Creates an integration (its token is in the answer, once) or edits one (id + version)." })
  saveAlertIntegration(@Arg("input", () => AlertIntegrationInput) input: AlertIntegrationInput, @Ctx() ctx: QuellContext): Promise<AlertIntegrationWithToken> {
    return ctx.services.alertAdmin.saveIntegration(ctx.principal!, input);
  }

  @Allow(Role.admin)
  @Mutation(() => AlertIntegrationWithToken, { description: "Replaces an integration's token; the old one stops working." })
  rotateAlertIntegrationToken(@Arg("id", () => ID) id: string, @Arg("version", () => Int) version: number, @Ctx() ctx: QuellContext): Promise<AlertIntegrationWithToken> {
    return ctx.services.alertAdmin.rotateIntegrationToken(ctx.principal!, id, version);
  }

  @Allow(Role.admin)
  @Mutation(() => AlertIntegration, { description: "Revokes an integration: disabled, its token stops working at once; its alerts stay." })
  revokeAlertIntegration(@Arg("id", () => ID) id: string, @Arg("version", () => Int) version: number, @Ctx() ctx: QuellContext): Promise<AlertIntegration> {
    return ctx.services.alertAdmin.revokeIntegration(ctx.principal!, id, version);
  }

  @Allow(...ANY_ROLE)
  @Query(() => [CorrelationRule], { description: "How alerts are grouped into incidents, in the order they are tried." })
  correlationRules(@Ctx() ctx: QuellContext): Promise<CorrelationRule[]> {
    return ctx.dataSource.getRepository(CorrelationRule).find({ order: { position: "ASC", name: "ASC" } });
  }

  @Allow(Role.admin)
  @Mutation(() => CorrelationRule, { description: "Creates a correlation rule, or edits one (id + version)." })
  saveCorrelationRule(@Arg("input", () => CorrelationRuleInput) input: CorrelationRuleInput, @Ctx() ctx: QuellContext): Promise<CorrelationRule> {
    return ctx.services.alertAdmin.saveRule(ctx.principal!, input);
  }

  @Allow(Role.admin)
  @Mutation(() => CorrelationRule, { description: "Deletes a correlation rule; returns it as it was." })
  deleteCorrelationRule(@Arg("id", () => ID) id: string, @Arg("version", () => Int) version: number, @Ctx() ctx: QuellContext): Promise<CorrelationRule> {
    return ctx.services.alertAdmin.deleteRule(ctx.principal!, id, version);
  }

  @Allow(...ANY_ROLE)
  @Query(() => [MaintenanceWindow], { description: "Maintenance windows: alerts on their services are suppressed while they last." })
  maintenanceWindows(@Ctx() ctx: QuellContext): Promise<MaintenanceWindow[]> {
    return ctx.dataSource.getRepository(MaintenanceWindow).find({ order: { startsAt: "DESC" }, take: 500 });
  }

  @Allow(...MAINTENANCE_EDITORS)
  @Mutation(() => MaintenanceWindow, { description: "Creates a maintenance window, or edits one (id + version)." })
  saveMaintenanceWindow(@Arg("input", () => MaintenanceWindowInput) input: MaintenanceWindowInput, @Ctx() ctx: QuellContext): Promise<MaintenanceWindow> {
    return ctx.services.alertAdmin.saveMaintenanceWindow(ctx.principal!, input);
  }

  @Allow(...MAINTENANCE_EDITORS)
  @Mutation(() => MaintenanceWindow, { description: "Deletes a maintenance window; returns it as it was." })
  deleteMaintenanceWindow(@Arg("id", () => ID) id: string, @Arg("version", () => Int) version: number, @Ctx() ctx: QuellContext): Promise<MaintenanceWindow> {
    return ctx.services.alertAdmin.deleteMaintenanceWindow(ctx.principal!, id, version);
  }

  @Allow(Role.admin)
  @Query(() => [FailingAlertEvent], { description: "Alert events correlation could not apply: put off for a retry, or given up on (dead); newest first." })
  failingAlertEvents(@Arg("limit", () => Int, { defaultValue: 200 }) limit: number, @Ctx() ctx: QuellContext): Promise<FailingAlertEvent[]> {
    return ctx.services.alertAdmin.failingEvents(limit);
  }

  @Allow(Role.admin)
  @Mutation(() => FailingAlertEvent, { description: "Tries a failing alert event again now (a dead one too). Audited." })
  retryAlertEvent(@Arg("id", () => ID) id: string, @Ctx() ctx: QuellContext): Promise<FailingAlertEvent> {
    return ctx.services.alertAdmin.retryEvent(ctx.principal!, id);
  }

  @Allow(Role.admin)
  @Mutation(() => FailingAlertEvent, { description: "Gives up on a failing alert event: kept, never tried again. Audited." })
  discardAlertEvent(@Arg("id", () => ID) id: string, @Ctx() ctx: QuellContext): Promise<FailingAlertEvent> {
    return ctx.services.alertAdmin.discardEvent(ctx.principal!, id);
  }
}
