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
import { ModelService } from "../../modules/model/model.service";

/** The composition root of domain services; the API and the workers build the same set. */
export function createServices(deps: { dataSource: DataSource; pubsub: QuellPubSub; issuer: TokenIssuer; config: QuellConfig; loginThrottle: LoginThrottle; jobs?: JobQueue }) {
  const incidents = new IncidentService(deps.dataSource, deps.pubsub);
  return {
    ...deps,
    jobs: deps.jobs ?? createJobQueue(deps.config),
    incidents,
    suggestions: new SuggestionService(deps.dataSource, deps.pubsub, incidents),
    models: new ModelService(deps.dataSource, deps.pubsub),
    users: new UserService(deps.dataSource, new SessionService(deps.dataSource, deps.issuer, deps.config.refreshTtlSeconds), deps.loginThrottle),
    catalog: new CatalogService(deps.dataSource),
    userAdmin: new UserAdministration(deps.dataSource),
  };
}

export type Services = ReturnType<typeof createServices>;
