import DataLoader from "dataloader";
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, ANY_ROLE, INCIDENT_WRITERS_LIST } from "../../platform/auth/policy";
import type { QuellContext } from "../../platform/graphql/context";
import { QueueName } from "../../platform/queue/queues";
import { Incident } from "../incident/incident.entity";
import { User } from "../user/user.entity";
import { ReasonTerm, Suggestion, SuggestionAlternative, SuggestionKind, SuggestionStatus } from "./suggestion.entity";
import { alternativesOf, suggestsCurrentValue } from "./suggestion.rules";
import { CorrectSuggestionInput, DecideSuggestionInput, SuggestionKindMetrics } from "./suggestion.inputs";

/** One batched query per request for the suggestions of every incident on a page (the triage queue lists 50). */
const loaders = new WeakMap<object, DataLoader<string, Suggestion[]>>();
function suggestionLoader(ctx: QuellContext): DataLoader<string, Suggestion[]> {
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (ids) => {
      const rows = await ctx.services.suggestions.forIncidents([...ids]);
      return ids.map((id) => rows.filter((r) => r.incidentId === id));
    });
    loaders.set(ctx, loader);
  }
  return loader;
}

/** Incident.suggestions (type-graphql merges this with IncidentResolver's fields). */
@Resolver(() => Incident)
export class IncidentSuggestionsResolver {
  @FieldResolver(() => [Suggestion], {
    complexity: 2,
    description:
      "What the triage models suggest, newest set, with the decisions people made; abstained ones say why there is no value (cold start, low confidence). A pending suggestion of the value the incident already has is not listed.",
  })
  async suggestions(@Root() incident: Incident, @Ctx() ctx: QuellContext, @Arg("kind", () => SuggestionKind, { nullable: true }) kind?: SuggestionKind): Promise<Suggestion[]> {
    const all = await suggestionLoader(ctx).load(incident.id);
    // Someone may have set the suggested value by hand since: there is nothing left to decide.
    const offered = all.filter((s) => s.status !== SuggestionStatus.pending || !suggestsCurrentValue(s, incident));
    return kind ? offered.filter((s) => s.kind === kind) : offered;
  }
}

@Resolver(() => Suggestion)
export class SuggestionResolver {
  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => Suggestion, { description: "Takes the suggested value (severity, team, category are set on the incident)." })
  acceptSuggestion(@Arg("input", () => DecideSuggestionInput) input: DecideSuggestionInput, @Ctx() ctx: QuellContext): Promise<Suggestion> {
    return ctx.services.suggestions.accept(ctx.principal!, input.id);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => Suggestion, { description: "Sets the right value instead (on the incident too); the next training learns from it." })
  correctSuggestion(@Arg("input", () => CorrectSuggestionInput) input: CorrectSuggestionInput, @Ctx() ctx: QuellContext): Promise<Suggestion> {
    return ctx.services.suggestions.correct(ctx.principal!, input.id, input.value);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => Suggestion)
  dismissSuggestion(@Arg("input", () => DecideSuggestionInput) input: DecideSuggestionInput, @Ctx() ctx: QuellContext): Promise<Suggestion> {
    return ctx.services.suggestions.dismiss(ctx.principal!, input.id);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => Boolean, { description: "Runs triage again for an incident (e.g. after a retraining)." })
  async retriageIncident(@Arg("id", () => ID) id: string, @Ctx() ctx: QuellContext): Promise<boolean> {
    const incident = await ctx.services.incidents.getById(id);
    await ctx.services.jobs.enqueue(QueueName.Triage, "triage", { incidentId: incident.id, reason: "manual" });
    return true;
  }

  @Allow(...ANY_ROLE)
  // Aggregates over every suggestion and decision.
  @Query(() => [SuggestionKindMetrics], { complexity: 300, description: "Precision and coverage per suggestion kind, measured from people's decisions.",
    deprecationReason: "Use `metrics` with measure suggestionAcceptanceRate grouped by suggestionKind (by week or month too).",
  })
  suggestionMetrics(@Ctx() ctx: QuellContext, @Arg("since", () => Date, { nullable: true }) since?: Date): Promise<SuggestionKindMetrics[]> {
    return ctx.services.suggestions.metrics(since);
  }

  @FieldResolver(() => [ReasonTerm], { description: "Terms that pushed a classifier towards the value, strongest first." })
  reasonTerms(@Root() s: Suggestion): ReasonTerm[] {
    return Array.isArray(s.reasons.terms) ? (s.reasons.terms as ReasonTerm[]) : [];
  }

  @FieldResolver(() => [SuggestionAlternative], {
    description: "Team suggestions: the top 3 teams, most likely first, with calibrated confidences (the first is the suggestion itself). Picking another is a correction the next training learns from.",
  })
  alternatives(@Root() s: Suggestion): SuggestionAlternative[] {
    return s.kind === SuggestionKind.team && !s.abstained ? alternativesOf(s.reasons) : [];
  }

  @FieldResolver(() => [String], { description: "Similar incidents: the words both share, rarest first." })
  sharedTerms(@Root() s: Suggestion): string[] {
    return Array.isArray(s.reasons.sharedTerms) ? (s.reasons.sharedTerms as string[]) : [];
  }

  @FieldResolver(() => Boolean, { nullable: true, description: "Similar incidents: on the same service." })
  sameService(@Root() s: Suggestion): boolean | null {
    return typeof s.reasons.sameService === "boolean" ? s.reasons.sameService : null;
  }

  @FieldResolver(() => Incident, {
    nullable: true,
    description: "Similar incidents: the earlier incident (its resolution is on it). Linked problems come with the problem module.",
  })
  similarIncident(@Root() s: Suggestion, @Ctx() ctx: QuellContext) {
    return s.kind === SuggestionKind.similar && s.value ? ctx.loaders.incident.load(s.value) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  decidedBy(@Root() s: Suggestion, @Ctx() ctx: QuellContext) {
    return s.decidedById ? ctx.loaders.user.load(s.decidedById) : null;
  }
}
