import type { DataSource } from "typeorm";
import type { TokenIssuer } from "../auth/auth.service";
import type { QuellConfig } from "../config";
import type { QuellPubSub } from "../pubsub";
import { IncidentService } from "../../modules/incident/incident.service";
import { UserService } from "../../modules/user/user.service";
import { CatalogService } from "../../modules/catalog/catalog.service";
import { createJobQueue, type JobQueue } from "../queue";
import { SuggestionService } from "../../modules/suggestion/suggestion.service";
import { ModelService } from "../../modules/model/model.service";
import { ChangeService } from "../../modules/change/change.service";
import { ChangeAdminService } from "../../modules/change/change.admin.service";
import { ServiceDependencyService } from "../../modules/catalog/service-dependency.service";

/** The composition root of domain services; the API and the workers build the same set. */
export function createServices(deps: { dataSource: DataSource; pubsub: QuellPubSub; issuer: TokenIssuer; config: QuellConfig; jobs?: JobQueue }) {
  const incidents = new IncidentService(deps.dataSource, deps.pubsub);
  return {
    ...deps,
    jobs: deps.jobs ?? createJobQueue(deps.config),
    incidents,
    suggestions: new SuggestionService(deps.dataSource, deps.pubsub, incidents),
    models: new ModelService(deps.dataSource, deps.pubsub),
    users: new UserService(deps.dataSource, deps.issuer),
    catalog: new CatalogService(deps.dataSource),
    changes: new ChangeService(deps.dataSource, deps.pubsub),
    changeAdmin: new ChangeAdminService(deps.dataSource),
    serviceDependencies: new ServiceDependencyService(deps.dataSource),
  };
}

export type Services = ReturnType<typeof createServices>;
