import { Initial1795871639462 } from "./1795871639462-Initial";
import { TriageAndModelRegistry1795872637640 } from "./1795872637640-TriageAndModelRegistry";
import { AccountSessions1795979833888 } from "./1795979833888-AccountSessions";
import { ProblemManagement1795979876603 } from "./1795979876603-ProblemManagement";
import { IncidentClosureCode1795979954419 } from "./1795979954419-IncidentClosureCode";
import { ChangeManagement1795980010074 } from "./1795980010074-ChangeManagement";
import { OutboxCompletion1795980314767 } from "./1795980314767-OutboxCompletion";
import { ChangeFixesProblems1795980918409 } from "./1795980918409-ChangeFixesProblems";
import { ProblemCandidates1795981056939 } from "./1795981056939-ProblemCandidates";
import { IncidentMetricsRollup1795990000000 } from "./1795990000000-IncidentMetricsRollup";
import { OpenQueueIndex1795990560453 } from "./1795990560453-OpenQueueIndex";
import { ServiceLevels1795990183105 } from "./1795990183105-ServiceLevels";
import { Notifications1795991278452 } from "./1795991278452-Notifications";
import { EventManagement1795990031352 } from "./1795990031352-EventManagement";
import { AuditStreams1795992000000 } from "./1795992000000-AuditStreams";
import { IncidentRollupShards1795992100000 } from "./1795992100000-IncidentRollupShards";
import { SlaTimelineAndPausedSort1795992200000 } from "./1795992200000-SlaTimelineAndPausedSort";
import { AlertEventRetry1795992300000 } from "./1795992300000-AlertEventRetry";
import { IncidentStageCounts1795992400000 } from "./1795992400000-IncidentStageCounts";
import { AlertEventDead1795992600000 } from "./1795992600000-AlertEventDead";
import { AuditSettlesAtXid1795992600001 } from "./1795992600001-AuditSettlesAtXid";

/** Every migration, oldest first. Reviewed by hand; never edited once merged. */
export const MIGRATIONS: Function[] = [
  Initial1795871639462,
  TriageAndModelRegistry1795872637640,
  AccountSessions1795979833888,
  ProblemManagement1795979876603,
  IncidentClosureCode1795979954419,
  ChangeManagement1795980010074,
  OutboxCompletion1795980314767,
  ChangeFixesProblems1795980918409,
  ProblemCandidates1795981056939,
  IncidentMetricsRollup1795990000000,
  EventManagement1795990031352,
  ServiceLevels1795990183105,
  OpenQueueIndex1795990560453,
  Notifications1795991278452,
  AuditStreams1795992000000,
  IncidentRollupShards1795992100000,
  SlaTimelineAndPausedSort1795992200000,
  AlertEventRetry1795992300000,
  IncidentStageCounts1795992400000,
  AlertEventDead1795992600000,
  AuditSettlesAtXid1795992600001,
];
