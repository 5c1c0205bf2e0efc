import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { QuellContext } from "../../platform/graphql/context";
import { Incident } from "../incident/incident.entity";
import { Suggestion, SuggestionKind } from "../suggestion/suggestion.entity";
import { User } from "../user/user.entity";
import { Problem } from "./problem.entity";
import { problemLoaders } from "./problem.loaders";
import { SimilarIncidentProblem } from "./problem.types";
import { ProblemTask } from "./problem-work.entity";

/** Incident.problem and the problems behind its similar incidents (merged into the Incident type). */
@Resolver(() => Incident)
export class IncidentProblemResolver {
  @FieldResolver(() => Problem, { nullable: true, description: "The problem this incident is linked to." })
  async problem(@Root() incident: Incident, @Ctx() ctx: QuellContext): Promise<Problem | null> {
    const loaders = problemLoaders(ctx);
    const problemId = await loaders.problemIdOfIncident.load(incident.id);
    return problemId ? loaders.problem.load(problemId) : null;
  }

  @FieldResolver(() => [SimilarIncidentProblem], { description: "Problems linked to this incident's similar past incidents, most similar incidents first." })
  async similarIncidentProblems(@Root() incident: Incident, @Ctx() ctx: QuellContext): Promise<SimilarIncidentProblem[]> {
    const loaders = problemLoaders(ctx);
    const counts = await loaders.similarProblems.load(incident.id);
    const problems = await Promise.all(counts.map((c) => loaders.problem.load(c.problemId)));
    return counts.flatMap((c, i) => (problems[i] ? [{ problem: problems[i]!, similarIncidents: c.count }] : []));
  }
}

/** Suggestion.problem: the matching problem of a `problem` suggestion, with its workaround. */
@Resolver(() => Suggestion)
export class SuggestionProblemResolver {
  @FieldResolver(() => Problem, { nullable: true, description: "Problem suggestions: the matching open problem or known error (its workaround is on it)." })
  problem(@Root() s: Suggestion, @Ctx() ctx: QuellContext) {
    return s.kind === SuggestionKind.problem && s.value ? problemLoaders(ctx).problem.load(s.value) : null;
  }

  @FieldResolver(() => [String], { description: "Problem suggestions: the linked incidents (INC numbers) the new one resembles." })
  matchedIncidents(@Root() s: Suggestion): string[] {
    return Array.isArray(s.reasons.matchedIncidents) ? (s.reasons.matchedIncidents as string[]) : [];
  }
}

@Resolver(() => ProblemTask)
export class ProblemTaskResolver {
  @FieldResolver(() => User, { nullable: true })
  owner(@Root() task: ProblemTask, @Ctx() ctx: QuellContext) {
    return ctx.loaders.user.load(task.ownerId);
  }
}
