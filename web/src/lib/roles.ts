/**
 * Roles that may change incidents and decide suggestions: the API's INCIDENT_WRITERS. Analysts
 * read; the web app shows them no control the API would refuse.
 */
const INCIDENT_WRITER_ROLES: readonly string[] = ["agent", "problem_manager", "change_manager", "admin"];

export function canWriteIncidents(role: string | null | undefined): boolean {
  return !!role && INCIDENT_WRITER_ROLES.includes(role);
}
