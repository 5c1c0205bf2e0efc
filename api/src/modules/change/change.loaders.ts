import DataLoader from "dataloader";
import { In, type DataSource } from "typeorm";
import { Role } from "../../platform/auth/roles";
import { ServiceDependency } from "../catalog/service-dependency.entity";
import { User } from "../user/user.entity";
import { ChangePolicy } from "./change-config.entity";
import { Change, ChangeApproval, ChangeProblemLink, ChangeReview, ChangeServiceLink, IncidentCause } from "./change.entity";

function groupBy<K, T>(keys: readonly K[], rows: T[], keyOf: (row: T) => K): T[][] {
  const map = new Map<K, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) map.get(keyOf(row))?.push(row);
  return keys.map((k) => map.get(k)!);
}

/** Per-request batching for changes: a page of 50 changes costs one query per relation. */
export function createChangeLoaders(dataSource: DataSource) {
  return {
    change: new DataLoader<string, Change | null>(async (ids) => {
      const rows = await dataSource.getRepository(Change).find({ where: { id: In([...ids]) } });
      return ids.map((id) => rows.find((r) => r.id === id) ?? null);
    }),
    changeServiceIds: new DataLoader<string, string[]>(async (changeIds) => {
      const rows = await dataSource.getRepository(ChangeServiceLink).find({ where: { changeId: In([...changeIds]) } });
      return groupBy(changeIds, rows, (r) => r.changeId).map((links) => links.map((l) => l.serviceId));
    }),
    changeProblemIds: new DataLoader<string, string[]>(async (changeIds) => {
      const rows = await dataSource.getRepository(ChangeProblemLink).find({ where: { changeId: In([...changeIds]) } });
      return groupBy(changeIds, rows, (r) => r.changeId).map((links) => links.map((l) => l.problemId));
    }),
    problemChangeIds: new DataLoader<string, string[]>(async (problemIds) => {
      const rows = await dataSource.getRepository(ChangeProblemLink).find({ where: { problemId: In([...problemIds]) } });
      return groupBy(problemIds, rows, (r) => r.problemId).map((links) => links.map((l) => l.changeId));
    }),
    changeApprovals: new DataLoader<string, ChangeApproval[]>(async (changeIds) => {
      const rows = await dataSource.getRepository(ChangeApproval).find({ where: { changeId: In([...changeIds]) }, order: { decidedAt: "ASC" } });
      return groupBy(changeIds, rows, (r) => r.changeId);
    }),
    changeReview: new DataLoader<string, ChangeReview | null>(async (changeIds) => {
      const rows = await dataSource.getRepository(ChangeReview).find({ where: { changeId: In([...changeIds]) } });
      return groupBy(changeIds, rows, (r) => r.changeId).map((list) => list[0] ?? null);
    }),
    incidentCause: new DataLoader<string, string | null>(async (incidentIds) => {
      const rows = await dataSource.getRepository(IncidentCause).find({ where: { incidentId: In([...incidentIds]) } });
      return groupBy(incidentIds, rows, (r) => r.incidentId).map((list) => list[0]?.changeId ?? null);
    }),
    /** Active users per role (approver lists); one query for all roles asked in a tick. */
    activeUsersByRole: new DataLoader<Role, User[]>(async (roles) => {
      const rows = await dataSource.getRepository(User).find({ where: { role: In([...roles]), active: true }, order: { name: "ASC" } });
      return groupBy(roles, rows, (r) => r.role);
    }),
    /** The change policy, read once per request. */
    changePolicy: new DataLoader<number, ChangePolicy>(async (ids) => {
      const rows = await dataSource.getRepository(ChangePolicy).find({ where: { id: In([...ids]) } });
      return ids.map((id) => rows.find((r) => r.id === id) ?? new Error(`change policy ${id} is missing`));
    }),
    serviceDependsOn: new DataLoader<string, string[]>(async (serviceIds) => {
      const rows = await dataSource.getRepository(ServiceDependency).find({ where: { serviceId: In([...serviceIds]) } });
      return groupBy(serviceIds, rows, (r) => r.serviceId).map((list) => list.map((d) => d.dependsOnId));
    }),
  };
}
