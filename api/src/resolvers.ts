import type { NonEmptyArray } from "type-graphql";
import { AuditResolver } from "./modules/audit/audit.resolver";
import { ServiceResolver, TeamResolver } from "./modules/catalog/catalog.resolver";
import { IncidentResolver } from "./modules/incident/incident.resolver";
import { UserResolver } from "./modules/user/user.resolver";
import { IncidentSuggestionsResolver, SuggestionResolver } from "./modules/suggestion/suggestion.resolver";
import { ModelResolver } from "./modules/model/model.resolver";
import { JobResolver } from "./modules/job/job.resolver";
import { MetricsResolver } from "./modules/metrics/metrics.resolver";
import { ProblemResolver } from "./modules/problem/problem.resolver";
import { IncidentProblemResolver, ProblemTaskResolver, SuggestionProblemResolver } from "./modules/problem/problem-links.resolver";
import { ChangeResolver } from "./modules/change/change.resolver";
import { ChangeFieldsResolver } from "./modules/change/change.fields";
import { ChangeAdminResolver } from "./modules/change/change.admin.resolver";
import { IncidentChangeResolver } from "./modules/change/change.incident.resolver";
import { ProblemChangeResolver } from "./modules/change/change.problem.resolver";
import { ProblemCandidateResolver } from "./modules/problem/problem-candidate.resolver";
import { ServiceDependencyResolver } from "./modules/catalog/service-dependency.resolver";
import { SlaResolver } from "./modules/sla/sla.resolver";
import { NotificationResolver } from "./modules/notification/notification.resolver";
import { AlertResolver, IncidentAlertResolver } from "./modules/alert/alert.resolver";
import { AlertAdminResolver } from "./modules/alert/alert.admin.resolver";

/** Every resolver class in the API; the schema is built from exactly these. */
export const RESOLVERS: NonEmptyArray<Function> = [IncidentResolver, UserResolver, TeamResolver, ServiceResolver, AuditResolver, IncidentSuggestionsResolver, SuggestionResolver, ModelResolver, JobResolver, MetricsResolver, ProblemResolver, IncidentProblemResolver, SuggestionProblemResolver, ProblemTaskResolver,
  ChangeResolver, ChangeFieldsResolver, ChangeAdminResolver, IncidentChangeResolver, ProblemChangeResolver, ServiceDependencyResolver, ProblemCandidateResolver,
  SlaResolver, NotificationResolver,
  AlertResolver, IncidentAlertResolver, AlertAdminResolver];
