import type { DataSource } from "typeorm";
import type { TokenIssuer } from "../auth/auth.service";
import type { LoginThrottle } from "../auth/login-throttle";
import type { QuellConfig } from "../config";
import type { QuellPubSub } from "../pubsub";
import { IncidentService } from "../../modules/incident/incident.service";
import { UserService } from "../../modules/user/user.service";
import { SessionService } from "../../modules/user/session.service";
import { UserAdministration } from "../../modules/user/user.admin";
import { CatalogService } from "../../modules/catalog/catalog.service";
import { createJobQueue, type JobQueue } from "../queue";
import { SuggestionService } from "../../modules/suggestion/suggestion.service";
import { SuggestionKind } from "../../modules/suggestion/suggestion.entity";
import { ModelService } from "../../modules/model/model.service";
import { ProblemService } from "../../modules/problem/problem.service";
import { ProblemWorkService } from "../../modules/problem/problem-work.service";
import { RecurrenceService } from "../../modules/problem/recurrence.service";
import { systemClock, type Clock } from "../clock";
import { ChangeService } from "../../modules/change/change.service";
import { ChangeProblems } from "../../modules/change/change.problems";
import { ChangeAdminService } from "../../modules/change/change.admin.service";
import { ServiceDependencyService } from "../../modules/catalog/service-dependency.service";
import { SlaService } from "../../modules/sla/sla.service";
import { NotificationService } from "../../modules/notification/notification.service";
import { WebhookService } from "../../modules/notification/notification.webhooks";
import type { Redis } from "ioredis";
import { AlertService } from "../../modules/alert/alert.service";
import { AlertAdminService } from "../../modules/alert/alert.admin.service";
import { AlertIngestion } from "../../modules/alert/alert.ingest";

/** The composition root of domain services; the API and the workers build the same set. */
export function createServices(deps: { dataSource: DataSource; pubsub: QuellPubSub; issuer: TokenIssuer; config: QuellConfig; loginThrottle: LoginThrottle; jobs?: JobQueue; clock?: Clock; redis?: Redis }) {
  const incidents = new IncidentService(deps.dataSource, deps.pubsub);
  const clock = deps.clock ?? systemClock;
  const problems = new ProblemService(deps.dataSource, deps.pubsub, incidents, { quietPeriodDays: deps.config.problemQuietPeriodDays, clock });
  const suggestions = new SuggestionService(deps.dataSource, deps.pubsub, incidents);
  suggestions.onAccept(SuggestionKind.problem, (actor, s, work) => problems.linkSuggested(actor, s, work));
  const changeProblems = new ChangeProblems(deps.dataSource, deps.pubsub, problems);
  const jobs = deps.jobs ?? createJobQueue(deps.config);
  const sla = new SlaService(deps.dataSource, clock, () => jobs, incidents);
  const alertIngestion = new AlertIngestion(deps.dataSource, {
    perSecond: deps.config.alertEventsPerSecond,
    keyPrefix: deps.config.alertRateLimitPrefix,
    redis: deps.redis,
    groupCommit: { windowMs: deps.config.alertCommitWindowMs, maxEvents: deps.config.alertCommitMaxEvents, inFlight: deps.config.alertCommitsInFlight },
  });
  return {
    ...deps,
    jobs,
    sla,
    notifications: new NotificationService(deps.dataSource, deps.config, incidents, sla, deps.pubsub),
    webhooks: new WebhookService(deps.dataSource, deps.config),
    incidents,
    problems,
    problemWork: new ProblemWorkService(deps.dataSource, deps.pubsub, { clock }),
    recurrence: new RecurrenceService(deps.dataSource, deps.pubsub, problems, { minIncidents: deps.config.recurrenceMinIncidents, clock }),
    suggestions,
    models: new ModelService(deps.dataSource, deps.pubsub),
    users: new UserService(deps.dataSource, new SessionService(deps.dataSource, deps.issuer, deps.config.refreshTtlSeconds), deps.loginThrottle),
    catalog: new CatalogService(deps.dataSource),
    changes: new ChangeService(deps.dataSource, deps.pubsub, changeProblems),
    changeProblems,
    changeAdmin: new ChangeAdminService(deps.dataSource),
    serviceDependencies: new ServiceDependencyService(deps.dataSource),
    userAdmin: new UserAdministration(deps.dataSource),
    alertIngestion,
    alerts: new AlertService(deps.dataSource, incidents, { clock, flap: { windowMs: deps.config.alertFlapWindowSeconds * 1000, threshold: deps.config.alertFlapThreshold }, maxEventAttempts: deps.config.alertEventMaxAttempts }),
    alertAdmin: new AlertAdminService(deps.dataSource, () => alertIngestion.forgetTokens()),
  };
}

export type Services = ReturnType<typeof createServices>;
