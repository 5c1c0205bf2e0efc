import { In, type EntityManager } from "typeorm";
import { Service } from "../catalog/catalog.entity";
import { ServiceDependency } from "../catalog/service-dependency.entity";
import { DependencyGraph } from "../catalog/service-dependency.rules";
import type { Incident } from "../incident/incident.entity";
import { ChangePolicy, FreezeWindow, RiskRule } from "./change-config.entity";
import { findChangeConflicts, findFreezeConflicts, type ChangeSlot, type SlotConflict, type TimeWindow } from "./change.conflicts";
import { Change, ChangeServiceLink } from "./change.entity";
import { CHANGE_LIVE_STAGES, ChangeStage } from "./change.lifecycle";
import { rankRecentChanges, type RankedChange, type RecentCandidate } from "./change.recent";
import { assessRisk, mostCritical, type RiskAssessment } from "./change.risk";
import { formatChangeNumber } from "./change.rules";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Stages in which a change has been carried out (or is being). */
const IMPLEMENTED_STAGES: readonly ChangeStage[] = [ChangeStage.implementing, ChangeStage.reviewing, ChangeStage.closed, ChangeStage.failed, ChangeStage.rolled_back];

/** Reads what risk, conflicts and "what changed?" need, and hands it to the pure rules. */
export class ChangeAnalysis {
  constructor(private readonly manager: EntityManager) {}

  policy(): Promise<ChangePolicy> {
    return this.manager.findOneByOrFail(ChangePolicy, { id: 1 });
  }

  async graph(): Promise<DependencyGraph> {
    return new DependencyGraph(await this.manager.find(ServiceDependency, { select: { serviceId: true, dependsOnId: true } }));
  }

  async serviceIdsOf(changeIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(changeIds.map((id) => [id, []]));
    if (!changeIds.length) return out;
    for (const link of await this.manager.find(ChangeServiceLink, { where: { changeId: In(changeIds) } })) out.get(link.changeId)!.push(link.serviceId);
    return out;
  }

  async serviceNames(ids: Iterable<string>): Promise<(id: string) => string> {
    const list = [...new Set(ids)];
    const rows = list.length ? await this.manager.find(Service, { where: { id: In(list) }, select: { id: true, name: true } }) : [];
    const names = new Map(rows.map((s) => [s.id, s.name]));
    return (id) => names.get(id) ?? id;
  }

  async risk(change: Change, serviceIds: string[]): Promise<RiskAssessment> {
    const [policy, graph, rules] = await Promise.all([this.policy(), this.graph(), this.manager.find(RiskRule)]);
    const services = serviceIds.length ? await this.manager.find(Service, { where: { id: In(serviceIds) } }) : [];
    const affected = new Set([...serviceIds, ...graph.dependentsOf(serviceIds)]);
    const since = new Date(Date.now() - policy.riskLookbackDays * DAY_MS);
    let failedChangeCount = 0;
    let causedIncidentCount = 0;
    if (serviceIds.length) {
      const [failed] = await this.manager.query(
        `SELECT count(DISTINCT c.id)::int AS n FROM change_request c JOIN change_service cs ON cs.change_id = c.id
         WHERE cs.service_id = ANY($1) AND c.id <> $2 AND (c.failed_at >= $3 OR c.rolled_back_at >= $3)`,
        [serviceIds, change.id, since],
      );
      const [caused] = await this.manager.query(
        `SELECT count(DISTINCT ic.incident_id)::int AS n FROM incident_cause ic JOIN change_service cs ON cs.change_id = ic.change_id
         WHERE cs.service_id = ANY($1) AND ic.linked_at >= $2`,
        [serviceIds, since],
      );
      failedChangeCount = failed.n;
      causedIncidentCount = caused.n;
    }
    return assessRisk(
      {
        type: change.type,
        mostCritical: mostCritical(services),
        window: windowOf(change),
        affectedServiceCount: affected.size,
        failedChangeCount,
        causedIncidentCount,
      },
      rules,
      { mediumFrom: policy.riskMediumFrom, highFrom: policy.riskHighFrom, businessStartHour: policy.businessStartHour, businessEndHour: policy.businessEndHour, lookbackDays: policy.riskLookbackDays },
    );
  }

  /** Overlaps with live changes on the same or dependent services, and freezes over the window. */
  async conflicts(change: Change, serviceIds: string[]): Promise<SlotConflict[]> {
    const window = windowOf(change);
    if (!window || serviceIds.length === 0) return [];
    const graph = await this.graph();
    const others = await this.manager
      .createQueryBuilder(Change, "c")
      .where("c.id <> :id", { id: change.id })
      .andWhere("c.stage IN (:...stages)", { stages: CHANGE_LIVE_STAGES })
      .andWhere("c.planned_start < :end AND c.planned_end > :start", { start: window.start, end: window.end })
      .getMany();
    const otherServices = await this.serviceIdsOf(others.map((o) => o.id));
    const slots: ChangeSlot[] = others.map((o) => ({ id: o.id, label: `${formatChangeNumber(o.number)} (${o.title})`, window: windowOf(o)!, serviceIds: otherServices.get(o.id)! }));
    const freezes = await this.manager.find(FreezeWindow);
    const names = await this.serviceNames([...serviceIds, ...slots.flatMap((s) => s.serviceIds)]);
    const subject: ChangeSlot = { id: change.id, label: formatChangeNumber(change.number), window, serviceIds };
    return [...findFreezeConflicts(subject, freezes, names), ...findChangeConflicts(subject, slots, graph, names)];
  }

  /** "What changed?": changes on the incident's service and what it depends on, before it opened. */
  async recentChanges(incident: Incident): Promise<Array<RankedChange & { change: Change }>> {
    // An incident without a service has nothing to scope "what changed" to.
    if (!incident.serviceId) return [];
    const policy = await this.policy();
    const at = incident.createdAt;
    const from = new Date(at.getTime() - policy.recentChangesHours * HOUR_MS);
    const graph = await this.graph();
    const scope = [incident.serviceId, ...graph.dependenciesOf([incident.serviceId])];
    const changes = await this.manager
      .createQueryBuilder(Change, "c")
      .where("c.stage IN (:...stages)", { stages: IMPLEMENTED_STAGES })
      .andWhere("c.actual_start < :at AND coalesce(c.actual_end, :at) > :from", { at, from })
      .andWhere("EXISTS (SELECT 1 FROM change_service cs WHERE cs.change_id = c.id AND cs.service_id IN (:...scope))", { scope })
      .getMany();
    const services = await this.serviceIdsOf(changes.map((c) => c.id));
    const names = await this.serviceNames([...services.values()].flat());
    const candidates: RecentCandidate[] = changes.map((c) => {
      const ids = services.get(c.id)!;
      const sameService = ids.includes(incident.serviceId!);
      const where = sameService ? incident.serviceId! : ids.find((s) => scope.includes(s))!;
      return {
        changeId: c.id,
        label: formatChangeNumber(c.number),
        start: c.actualStart!,
        end: c.actualEnd,
        riskLevel: c.riskLevel,
        riskScore: c.riskScore,
        sameService,
        serviceName: names(where),
      };
    });
    const byId = new Map(changes.map((c) => [c.id, c]));
    return rankRecentChanges(at, policy.recentChangesHours, candidates).map((r) => ({ ...r, change: byId.get(r.changeId)! }));
  }
}

export function windowOf(change: Pick<Change, "plannedStart" | "plannedEnd">): TimeWindow | null {
  return change.plannedStart && change.plannedEnd ? { start: change.plannedStart, end: change.plannedEnd } : null;
}
