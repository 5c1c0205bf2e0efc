import DataLoader from "dataloader";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { In } from "typeorm";
import { Allow, ANY_ROLE, INCIDENT_WRITERS_LIST } from "../../platform/auth/policy";
import type { QuellContext } from "../../platform/graphql/context";
import { notFound } from "../../platform/errors";
import { Service } from "../catalog/catalog.entity";
import { Incident } from "../incident/incident.entity";
import { Alert, AlertIncident, AlertIntegration } from "./alert.entity";
import { AlertFilter, AlertRef, MergeAlertsInput, MoveAlertsInput } from "./alert.inputs";
import { listAlerts, type AlertPage } from "./alert.query";
import { AlertConnection } from "./alert.types";

/** Per-request loaders of this module (the platform's set knows no domain beyond its own). */
const requestLoaders = new WeakMap<QuellContext, { integration: DataLoader<string, AlertIntegration | null>; origin: DataLoader<string, AlertIncident | null> }>();
function loadersOf(ctx: QuellContext) {
  let loaders = requestLoaders.get(ctx);
  if (!loaders) {
    loaders = {
      integration: new DataLoader(async (ids) => {
        const rows = await ctx.dataSource.getRepository(AlertIntegration).find({ where: { id: In([...ids]) } });
        return ids.map((id) => rows.find((r) => r.id === id) ?? null);
      }),
      origin: new DataLoader(async (ids) => {
        const rows = await ctx.dataSource.getRepository(AlertIncident).find({ where: { incidentId: In([...ids]) } });
        return ids.map((id) => rows.find((r) => r.incidentId === id) ?? null);
      }),
    };
    requestLoaders.set(ctx, loaders);
  }
  return loaders;
}

@Resolver(() => Alert)
export class AlertResolver {
  @Allow(...ANY_ROLE)
  @Query(() => AlertConnection, { description: "Alerts, most recently seen first (keyset cursors)." })
  alerts(
    @Ctx() ctx: QuellContext,
    @Arg("filter", () => AlertFilter, { nullable: true }) filter?: AlertFilter,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ): Promise<AlertPage> {
    return listAlerts(ctx.dataSource, { filter, first, after });
  }

  @Allow(...ANY_ROLE)
  @Query(() => Alert)
  async alert(@Ctx() ctx: QuellContext, @Arg("id", () => ID) id: string): Promise<Alert> {
    const alert = await ctx.dataSource.getRepository(Alert).findOne({ where: { id } });
    if (!alert) throw notFound("Alert", id);
    return alert;
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => [Alert], { description: "Moves alerts to another incident; recorded on each alert (placedBy agent) and audited." })
  moveAlerts(@Arg("input", () => MoveAlertsInput) input: MoveAlertsInput, @Ctx() ctx: QuellContext): Promise<Alert[]> {
    return ctx.services.alerts.moveAlerts(ctx.principal!, input);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => [Alert], { description: "Puts alerts together in the open incident of the first one that has one." })
  mergeAlerts(@Arg("input", () => MergeAlertsInput) input: MergeAlertsInput, @Ctx() ctx: QuellContext): Promise<Alert[]> {
    return ctx.services.alerts.mergeAlerts(ctx.principal!, input.alerts);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => Alert, { description: "Splits an alert off into a new incident of its own." })
  splitAlert(@Arg("input", () => AlertRef) input: AlertRef, @Ctx() ctx: QuellContext): Promise<Alert> {
    return ctx.services.alerts.splitAlert(ctx.principal!, input);
  }

  @FieldResolver(() => Incident, { nullable: true })
  incident(@Root() alert: Alert, @Ctx() ctx: QuellContext): Promise<Incident | null> | null {
    return alert.incidentId ? ctx.loaders.incident.load(alert.incidentId) : null;
  }

  @FieldResolver(() => Service, { nullable: true })
  service(@Root() alert: Alert, @Ctx() ctx: QuellContext): Promise<Service | null> | null {
    return alert.serviceId ? ctx.loaders.service.load(alert.serviceId) : null;
  }

  @FieldResolver(() => String, { description: "The integration it came through." })
  async integrationName(@Root() alert: Alert, @Ctx() ctx: QuellContext): Promise<string> {
    return (await loadersOf(ctx).integration.load(alert.integrationId))?.name ?? "";
  }
}

/** The alert side of incidents: their alerts, and whether an alert opened them. */
@Resolver(() => Incident)
export class IncidentAlertResolver {
  @FieldResolver(() => [Alert], { description: "Alerts in this incident, most recently seen first (at most 200)." })
  alerts(@Root() incident: Incident, @Ctx() ctx: QuellContext): Promise<Alert[]> {
    return ctx.dataSource.getRepository(Alert).find({ where: { incidentId: incident.id }, order: { lastSeenAt: "DESC", id: "DESC" }, take: 200 });
  }

  @FieldResolver(() => AlertIncident, { nullable: true, description: "Set when an alert opened this incident (by correlation or an agent's split)." })
  alertOrigin(@Root() incident: Incident, @Ctx() ctx: QuellContext): Promise<AlertIncident | null> {
    return loadersOf(ctx).origin.load(incident.id);
  }
}
