import { Initial1795871639462 } from "./1795871639462-Initial";

/** Every migration, oldest first. Reviewed by hand; never edited once merged. */
export const MIGRATIONS: Function[] = [Initial1795871639462];
