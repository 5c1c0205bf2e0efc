import { Initial1795871639462 } from "./1795871639462-Initial";
import { TriageAndModelRegistry1795872637640 } from "./1795872637640-TriageAndModelRegistry";
import { ProblemManagement1795979876603 } from "./1795979876603-ProblemManagement";
import { IncidentClosureCode1795979954419 } from "./1795979954419-IncidentClosureCode";
import { OutboxCompletion1795980314767 } from "./1795980314767-OutboxCompletion";

/** Every migration, oldest first. Reviewed by hand; never edited once merged. */
export const MIGRATIONS: Function[] = [
  Initial1795871639462,
  TriageAndModelRegistry1795872637640,
  ProblemManagement1795979876603,
  IncidentClosureCode1795979954419,
  OutboxCompletion1795980314767,
];
