import { Initial1795871639462 } from "./1795871639462-Initial";
import { TriageAndModelRegistry1795872637640 } from "./1795872637640-TriageAndModelRegistry";
import { AccountSessions1795979833888 } from "./1795979833888-AccountSessions";

/** Every migration, oldest first. Reviewed by hand; never edited once merged. */
export const MIGRATIONS: Function[] = [Initial1795871639462, TriageAndModelRegistry1795872637640, AccountSessions1795979833888];
