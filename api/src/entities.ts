import { AuditRecord } from "./modules/audit/audit.entity";
import { Service } from "./modules/catalog/catalog.entity";
import { Incident, IncidentTransition } from "./modules/incident/incident.entity";
import { PriorityRule } from "./modules/incident/priority-rule.entity";
import { IncidentReport } from "./modules/incident/report.entity";
import { FollowUpTask } from "./modules/incident/task.entity";
import { TimelineEntry } from "./modules/incident/timeline.entity";
import { OutboxMessage } from "./modules/outbox/outbox.entity";
import { IncidentEmbedding, MlModel, TrainingRun } from "./modules/model/model.entity";
import { Suggestion } from "./modules/suggestion/suggestion.entity";
import { Team } from "./modules/team/team.entity";
import { Problem, ProblemIncidentLink, ProblemTransition } from "./modules/problem/problem.entity";
import { ProblemTask, ProblemTimelineEntry } from "./modules/problem/problem-work.entity";
import { ProblemCandidate } from "./modules/problem/problem-candidate.entity";
import { ApiToken, User } from "./modules/user/user.entity";
import { ServiceDependency } from "./modules/catalog/service-dependency.entity";
import { Change, ChangeApproval, ChangeProblemLink, ChangeReview, ChangeServiceLink, ChangeTransition, IncidentCause } from "./modules/change/change.entity";
import { ChangePolicy, ChangeTemplate, FreezeWindow, RiskRule } from "./modules/change/change-config.entity";
import { PasswordReset, Session } from "./modules/user/session.entity";
import { SlaCalendar, SlaClock, SlaPolicy } from "./modules/sla/sla.entity";
import { Notification, NotificationSubscription, Webhook, WebhookDelivery } from "./modules/notification/notification.entity";
import { Alert, AlertEvent, AlertIncident, AlertIntegration, CorrelationRule, MaintenanceWindow } from "./modules/alert/alert.entity";

/** Every table TypeORM maps; migrations must agree with this list (`npm run migration:check`). */
export const ENTITIES = [
  Team,
  User,
  ApiToken,
  Service,
  Incident,
  IncidentTransition,
  TimelineEntry,
  FollowUpTask,
  IncidentReport,
  PriorityRule,
  AuditRecord,
  OutboxMessage,
  MlModel,
  TrainingRun,
  IncidentEmbedding,
  Suggestion,
  Problem,
  ProblemTransition,
  ProblemIncidentLink,
  ProblemTimelineEntry,
  ProblemTask,
  ServiceDependency,
  Change,
  ChangeServiceLink,
  ChangeTransition,
  ChangeApproval,
  ChangeReview,
  IncidentCause,
  ChangeProblemLink,
  ChangeTemplate,
  FreezeWindow,
  RiskRule,
  ChangePolicy,
  Session,
  PasswordReset,
  ProblemCandidate,
  SlaCalendar,
  SlaPolicy,
  SlaClock,
  Webhook,
  WebhookDelivery,
  NotificationSubscription,
  Notification,
  AlertIntegration,
  AlertEvent,
  Alert,
  CorrelationRule,
  MaintenanceWindow,
  AlertIncident,
];
