import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, ANY_ROLE } from "../../platform/auth/policy";
import type { QuellContext } from "../../platform/graphql/context";
import { Incident } from "../incident/incident.entity";
import { ChangeAnalysis } from "./change.analysis";
import { Change } from "./change.entity";
import { SetIncidentCauseInput } from "./change.inputs";
import { CHANGE_WRITERS } from "./change.resolver";
import { RecentChange } from "./change.types";

/** The change side of incidents: "what changed?" and "caused by this change". */
@Resolver(() => Incident)
export class IncidentChangeResolver {
  @Allow(...ANY_ROLE)
  @Query(() => [RecentChange], { description: "What changed? Changes on the incident's service and the services it depends on, in the hours before it opened, ranked with a reason each." })
  async recentChanges(@Arg("incidentId", () => ID) incidentId: string, @Ctx() ctx: QuellContext): Promise<RecentChange[]> {
    const incident = await ctx.services.incidents.getById(incidentId);
    const [ranked, causeId] = await Promise.all([new ChangeAnalysis(ctx.dataSource.manager).recentChanges(incident), ctx.loaders.incidentCause.load(incident.id)]);
    return ranked.map((r) => ({ change: r.change, score: r.score, hoursBefore: r.hoursBefore, reason: r.reason, isCause: r.change.id === causeId }));
  }

  @Allow(...CHANGE_WRITERS)
  @Mutation(() => Incident, { description: "Records the change that caused an incident (changeId null clears it); takes the incident's version." })
  setIncidentCause(@Arg("input", () => SetIncidentCauseInput) input: SetIncidentCauseInput, @Ctx() ctx: QuellContext): Promise<Incident> {
    return ctx.services.changes.setIncidentCause(ctx.principal!, input);
  }

  @FieldResolver(() => Change, { nullable: true, description: "The change recorded as this incident's cause." })
  async causedByChange(@Root() incident: Incident, @Ctx() ctx: QuellContext): Promise<Change | null> {
    const changeId = await ctx.loaders.incidentCause.load(incident.id);
    return changeId ? ctx.loaders.change.load(changeId) : null;
  }
}
