import { Initial1795871639462 } from "./1795871639462-Initial";
import { TriageAndModelRegistry1795872637640 } from "./1795872637640-TriageAndModelRegistry";
import { ProblemManagement1795979876603 } from "./1795979876603-ProblemManagement";
import { ProblemCandidates1795981056939 } from "./1795981056939-ProblemCandidates";

/** Every migration, oldest first. Reviewed by hand; never edited once merged. */
export const MIGRATIONS: Function[] = [Initial1795871639462, TriageAndModelRegistry1795872637640, ProblemManagement1795979876603, ProblemCandidates1795981056939];
