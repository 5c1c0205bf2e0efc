import type { DataSource } from "typeorm";
import type { TokenIssuer } from "../auth/auth.service";
import type { QuellConfig } from "../config";
import type { QuellPubSub } from "../pubsub";
import { IncidentService } from "../../modules/incident/incident.service";
import { UserService } from "../../modules/user/user.service";
import { CatalogService } from "../../modules/catalog/catalog.service";
import { createJobQueue, type JobQueue } from "../queue";
import { SuggestionService } from "../../modules/suggestion/suggestion.service";
import { SuggestionKind } from "../../modules/suggestion/suggestion.entity";
import { ModelService } from "../../modules/model/model.service";
import { ProblemService } from "../../modules/problem/problem.service";
import { ProblemWorkService } from "../../modules/problem/problem-work.service";
import { RecurrenceService } from "../../modules/problem/recurrence.service";
import { systemClock, type Clock } from "../clock";

/** The composition root of domain services; the API and the workers build the same set. */
export function createServices(deps: { dataSource: DataSource; pubsub: QuellPubSub; issuer: TokenIssuer; config: QuellConfig; jobs?: JobQueue; clock?: Clock }) {
  const incidents = new IncidentService(deps.dataSource, deps.pubsub);
  const clock = deps.clock ?? systemClock;
  const problems = new ProblemService(deps.dataSource, deps.pubsub, incidents, { quietPeriodDays: deps.config.problemQuietPeriodDays, clock });
  const suggestions = new SuggestionService(deps.dataSource, deps.pubsub, incidents);
  suggestions.onAccept(SuggestionKind.problem, (actor, s) => problems.linkSuggested(actor, s));
  return {
    ...deps,
    jobs: deps.jobs ?? createJobQueue(deps.config),
    incidents,
    problems,
    problemWork: new ProblemWorkService(deps.dataSource, deps.pubsub, { clock }),
    recurrence: new RecurrenceService(deps.dataSource, deps.pubsub, problems, { minIncidents: deps.config.recurrenceMinIncidents, clock }),
    suggestions,
    models: new ModelService(deps.dataSource, deps.pubsub),
    users: new UserService(deps.dataSource, deps.issuer),
    catalog: new CatalogService(deps.dataSource),
  };
}

export type Services = ReturnType<typeof createServices>;
