import { In, type EntityManager } from "typeorm";
import { Service } from "../catalog/catalog.entity";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";
import type { Incident } from "./incident.entity";
import type { TransitionSubject } from "./incident.lifecycle";
import { referencedIds, type FieldChange, type TimelineNames } from "./incident.timeline";

/**
 * What the lifecycle's guards need to know about each incident (open tasks, report shared), in
 * two queries however many incidents: used by IncidentService.transition and by the
 * allowedTransitions field, so what is listed is what would succeed.
 */
export async function transitionSubjects(manager: EntityManager, incidents: readonly Incident[]): Promise<Map<string, TransitionSubject>> {
  const ids = incidents.map((i) => i.id);
  // One after the other: a transaction's connection runs one query at a time.
  const open = (await manager.query(
    `SELECT incident_id, count(*)::int AS n FROM follow_up_task WHERE incident_id = ANY($1::uuid[]) AND completed_at IS NULL GROUP BY incident_id`,
    [ids],
  )) as Array<{ incident_id: string; n: number }>;
  const reports = (await manager.query(`SELECT incident_id FROM incident_report WHERE incident_id = ANY($1::uuid[]) AND published_at IS NOT NULL`, [ids])) as Array<{
    incident_id: string;
  }>;
  const openCount = new Map(open.map((r) => [r.incident_id, Number(r.n)]));
  const published = new Set(reports.map((r) => r.incident_id));
  return new Map(
    incidents.map((i) => [i.id, { priority: i.priority, isMajor: i.isMajor, openTaskCount: openCount.get(i.id) ?? 0, reportPublished: published.has(i.id) }]),
  );
}

/** The names of the people, teams and services a set of changes points at, for the timeline. */
export async function timelineNames(manager: EntityManager, changes: readonly FieldChange[]): Promise<TimelineNames> {
  const ids = referencedIds(changes);
  const users = ids.users.length ? await manager.find(User, { where: { id: In(ids.users) }, select: { id: true, name: true } }) : [];
  const teams = ids.teams.length ? await manager.find(Team, { where: { id: In(ids.teams) }, select: { id: true, name: true } }) : [];
  const services = ids.services.length ? await manager.find(Service, { where: { id: In(ids.services) }, select: { id: true, name: true } }) : [];
  const byId = (rows: Array<{ id: string; name: string }>) => new Map(rows.map((r) => [r.id, r.name]));
  return { users: byId(users), teams: byId(teams), services: byId(services) };
}
