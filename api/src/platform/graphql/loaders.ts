import DataLoader from "dataloader";
import { In, type DataSource, type EntityTarget, type ObjectLiteral } from "typeorm";
import { Service } from "../../modules/catalog/catalog.entity";
import { Team } from "../../modules/team/team.entity";
import { User } from "../../modules/user/user.entity";
import { Incident } from "../../modules/incident/incident.entity";
import { TimelineEntry } from "../../modules/incident/timeline.entity";
import { createChangeLoaders } from "../../modules/change/change.loaders";
import { createSlaLoaders } from "../../modules/sla/sla.loaders";
import type { SlaService } from "../../modules/sla/sla.service";

/** One batched SELECT per entity type per tick, whatever the page size. */
function byId<T extends ObjectLiteral & { id: string }>(dataSource: DataSource, entity: EntityTarget<T>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await dataSource.getRepository(entity).find({ where: { id: In([...ids]) } as never });
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** The newest timeline entry of each incident, in one DISTINCT ON query. */
function latestTimelineEntry(dataSource: DataSource) {
  return new DataLoader<string, TimelineEntry | null>(async (incidentIds) => {
    const rows = await dataSource
      .getRepository(TimelineEntry)
      .createQueryBuilder("t")
      .distinctOn(["t.incidentId"])
      .where("t.incidentId IN (:...ids)", { ids: [...incidentIds] })
      .orderBy("t.incidentId")
      .addOrderBy("t.createdAt", "DESC")
      .getMany();
    const found = new Map(rows.map((row) => [row.incidentId, row]));
    return incidentIds.map((id) => found.get(id) ?? null);
  });
}

export function createLoaders(dataSource: DataSource, services: { sla: SlaService }) {
  return {
    user: byId(dataSource, User),
    team: byId(dataSource, Team),
    service: byId(dataSource, Service),
    incident: byId(dataSource, Incident),
    latestTimelineEntry: latestTimelineEntry(dataSource),
    ...createChangeLoaders(dataSource),
    ...createSlaLoaders(services.sla),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
