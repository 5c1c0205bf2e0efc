import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, ANY_ROLE } from "../../platform/auth/policy";
import { Role } from "../../platform/auth/roles";
import type { QuellContext } from "../../platform/graphql/context";
import { Incident } from "../incident/incident.entity";
import { SlaCalendar, SlaPolicy } from "./sla.entity";
import { SaveSlaCalendarInput, SaveSlaPolicyInput } from "./sla.inputs";
import { IncidentSla } from "./sla.types";

/** SLA policies and calendars (read by all, managed by admins) and each incident's SLA state. */
@Resolver(() => Incident)
export class SlaResolver {
  @Allow(...ANY_ROLE)
  @Query(() => [SlaPolicy], { description: "Service-level targets per priority." })
  slaPolicies(@Ctx() ctx: QuellContext): Promise<SlaPolicy[]> {
    return ctx.services.sla.policies();
  }

  @Allow(...ANY_ROLE)
  @Query(() => [SlaCalendar], { description: "Business-hours calendars with their holidays." })
  slaCalendars(@Ctx() ctx: QuellContext): Promise<SlaCalendar[]> {
    return ctx.services.sla.calendars();
  }

  @Allow(Role.admin)
  @Mutation(() => SlaCalendar, { description: "Creates a calendar, or edits one (id + version)." })
  saveSlaCalendar(@Arg("input", () => SaveSlaCalendarInput) input: SaveSlaCalendarInput, @Ctx() ctx: QuellContext): Promise<SlaCalendar> {
    return ctx.services.sla.saveCalendar(ctx.principal!, input);
  }

  @Allow(Role.admin)
  @Mutation(() => SlaPolicy, { description: "Creates a policy, or edits one (id + version); applies to clocks started or re-targeted afterwards." })
  saveSlaPolicy(@Arg("input", () => SaveSlaPolicyInput) input: SaveSlaPolicyInput, @Ctx() ctx: QuellContext): Promise<SlaPolicy> {
    return ctx.services.sla.savePolicy(ctx.principal!, input);
  }

  @Allow(Role.admin)
  @Mutation(() => SlaPolicy, { description: "Deletes a policy; returns it as it was. Running clocks keep their targets." })
  deleteSlaPolicy(@Arg("id", () => ID) id: string, @Arg("version", () => Int) version: number, @Ctx() ctx: QuellContext): Promise<SlaPolicy> {
    return ctx.services.sla.deletePolicy(ctx.principal!, id, version);
  }

  @FieldResolver(() => IncidentSla, { nullable: true, description: "Service-level state as of now: time left, paused, warning, breached (null when no policy covers it)." })
  sla(@Root() incident: Incident, @Ctx() ctx: QuellContext): Promise<IncidentSla | null> {
    return ctx.loaders.incidentSla.load(incident.id);
  }
}
