import type { DataSource, EntityManager } from "typeorm";
import { inTransaction } from "../../platform/database/transaction";
import { QueueName } from "../../platform/queue/queues";
import { appendAudit, SYSTEM_ACTOR } from "../audit/audit.service";
import { Criticality, Service, ServiceKind } from "../catalog/catalog.entity";
import type { CatalogService } from "../catalog/catalog.service";
import { Incident, IncidentTransition, Severity } from "../incident/incident.entity";
import { Stage } from "../incident/incident.lifecycle";
import { PriorityRule } from "../incident/priority-rule.entity";
import { priorityFor, type PriorityMatrix } from "../incident/priority.rules";
import { enqueueInTransaction } from "../outbox/outbox.service";
import type { IncidentRow } from "@quell/ml";
import { Team } from "../team/team.entity";
import { catalogName, impactUrgencyFor, mapSeverity } from "./import.rules";

/** One CSV row as @quell/ml's parser hands it over. */
export type ImportRow = IncidentRow;

export interface LineMessage {
  line: number;
  message: string;
}

export interface ImportReport {
  rows: number;
  imported: number;
  /** Rows whose id was imported before: left as they are (import is idempotent on id). */
  alreadyImported: number;
  teamsCreated: string[];
  servicesCreated: string[];
  /** Rows kept with a cell ignored (unknown severity, unknown duplicate_of...). */
  warnings: LineMessage[];
}

/** The owner of services that arrive without a team. */
export const IMPORT_TEAM = "Imported";

/**
 * Bulk import of historical incidents. Rows are inserted in batches, each batch with its stage
 * history, one audit record, and (for unresolved incidents only) a triage job; resolved history
 * is training data, not work to triage. Teams and services are found by name, case-insensitively,
 * and created through the catalog when missing.
 */
export class IncidentImporter {
  private teams = new Map<string, string>();
  private services = new Map<string, string>();
  private matrix: PriorityMatrix = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
  ) {}

  async import(rows: ImportRow[], onProgress?: (done: number, total: number) => void, batchSize = 500): Promise<ImportReport> {
    const report: ImportReport = { rows: rows.length, imported: 0, alreadyImported: 0, teamsCreated: [], servicesCreated: [], warnings: [] };
    await this.loadCatalog();
    this.matrix = await this.dataSource.getRepository(PriorityRule).find();
    onProgress?.(0, rows.length);
    for (let i = 0; i < rows.length; i += batchSize) {
      const batch = rows.slice(i, i + batchSize);
      const existing = new Set(
        ((await this.dataSource.query(`SELECT external_id FROM incident WHERE external_id = ANY($1::varchar[])`, [batch.map((r) => r.id)])) as Array<{ external_id: string }>).map((r) => r.external_id),
      );
      const fresh = batch.filter((r) => !existing.has(r.id));
      report.alreadyImported += batch.length - fresh.length;
      for (const row of fresh) {
        if (row.team) await this.teamId(row.team, report);
        if (row.service) await this.serviceId(row.service, row.team, report);
      }
      if (fresh.length) report.imported += await this.insertBatch(fresh, report);
      onProgress?.(Math.min(i + batchSize, rows.length), rows.length);
    }
    await this.linkDuplicates(rows, report);
    return report;
  }

  private async loadCatalog(): Promise<void> {
    for (const t of await this.dataSource.getRepository(Team).find({ select: { id: true, name: true } })) this.teams.set(t.name.toLowerCase(), t.id);
    for (const s of await this.dataSource.getRepository(Service).find({ select: { id: true, name: true } })) this.services.set(s.name.toLowerCase(), s.id);
  }

  private async teamId(raw: string, report: ImportReport): Promise<string | null> {
    const name = catalogName(raw);
    if (!name) return null;
    let id = this.teams.get(name.toLowerCase());
    if (!id) {
      id = (await this.catalog.createTeam(SYSTEM_ACTOR, { name })).id;
      this.teams.set(name.toLowerCase(), id);
      report.teamsCreated.push(name);
    }
    return id;
  }

  private async serviceId(raw: string, team: string, report: ImportReport): Promise<string | null> {
    const name = catalogName(raw);
    if (!name) return null;
    let id = this.services.get(name.toLowerCase());
    if (!id) {
      const ownerTeamId = (await this.teamId(team, report)) ?? (await this.teamId(IMPORT_TEAM, report))!;
      id = (await this.catalog.createService(SYSTEM_ACTOR, { name, kind: ServiceKind.business_service, criticality: Criticality.medium, ownerTeamId })).id;
      this.services.set(name.toLowerCase(), id);
      report.servicesCreated.push(name);
    }
    return id;
  }

  private async insertBatch(rows: ImportRow[], report: ImportReport): Promise<number> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const now = new Date();
      const values = rows.map((row) => {
        let severity = mapSeverity(row.severity);
        if (severity === undefined) {
          report.warnings.push({ line: row.line, message: `severity "${row.severity}" is not one we know (SEV1-SEV4, P1-P5, blocker, critical, major, minor...); imported without one` });
          severity = null;
        }
        const { impact, urgency } = impactUrgencyFor(severity);
        const createdAt = row.createdAt ?? now;
        const closedAt = row.resolvedAt;
        const serviceId = row.service ? (this.services.get(catalogName(row.service).toLowerCase()) ?? null) : null;
        const teamId = row.team ? (this.teams.get(catalogName(row.team).toLowerCase()) ?? null) : null;
        return {
          externalId: row.id.slice(0, 200),
          title: row.title.slice(0, 300),
          description: row.description,
          category: row.category ? row.category.slice(0, 120) : null,
          severity: severity as Severity | null,
          impact,
          urgency,
          priority: priorityFor(this.matrix, impact, urgency),
          serviceId,
          teamId,
          stage: closedAt ? Stage.closed : Stage.identified,
          createdAt,
          updatedAt: closedAt ?? createdAt,
          identifiedAt: createdAt,
          recoveredAt: closedAt,
          closedAt,
          acknowledgedAt: closedAt ? createdAt : null,
        };
      });
      const inserted = (await manager.createQueryBuilder().insert().into(Incident).values(values).orIgnore().returning("id, external_id, stage, created_at, closed_at").execute())
        .raw as Array<{ id: string; external_id: string; stage: Stage; created_at: Date; closed_at: Date | null }>;
      await this.recordHistory(manager, inserted);
      await appendAudit(manager, SYSTEM_ACTOR, {
        action: "incident.import",
        entityType: "incident_import",
        entityId: `lines ${rows[0].line}-${rows[rows.length - 1].line}`,
        after: { count: inserted.length, externalIds: inserted.map((r) => r.external_id) },
      });
      return inserted.length;
    });
  }

  private async recordHistory(manager: EntityManager, inserted: Array<{ id: string; stage: Stage; created_at: Date; closed_at: Date | null }>): Promise<void> {
    if (inserted.length === 0) return;
    const transitions = inserted.flatMap((r) => [
      { incidentId: r.id, fromStage: null, toStage: Stage.identified, at: new Date(r.created_at), actorId: null, reason: "imported" },
      ...(r.closed_at ? [{ incidentId: r.id, fromStage: Stage.identified, toStage: Stage.closed, at: new Date(r.closed_at), actorId: null, reason: "imported as resolved" }] : []),
    ]);
    await manager.insert(IncidentTransition, transitions);
    for (const r of inserted.filter((x) => !x.closed_at)) {
      await enqueueInTransaction(manager, QueueName.Triage, "triage", { incidentId: r.id, reason: "created" });
    }
  }

  /** duplicate_of names another row's id; linked once both are in (the original may come later in the file). */
  private async linkDuplicates(rows: ImportRow[], report: ImportReport): Promise<void> {
    const dups = rows.filter((r) => r.duplicateOf);
    for (let i = 0; i < dups.length; i += 500) {
      const batch = dups.slice(i, i + 500);
      await this.dataSource.query(
        `UPDATE incident d SET duplicate_of_id = o.id
           FROM unnest($1::varchar[], $2::varchar[]) AS p(dup, orig)
           JOIN incident o ON o.external_id = p.orig
          WHERE d.external_id = p.dup AND d.duplicate_of_id IS DISTINCT FROM o.id AND d.id <> o.id`,
        [batch.map((r) => r.id), batch.map((r) => r.duplicateOf)],
      );
      const known = new Set(
        ((await this.dataSource.query(`SELECT external_id FROM incident WHERE external_id = ANY($1::varchar[])`, [batch.map((r) => r.duplicateOf)])) as Array<{ external_id: string }>).map((r) => r.external_id),
      );
      for (const r of batch) if (!known.has(r.duplicateOf!)) report.warnings.push({ line: r.line, message: `duplicate_of ${r.duplicateOf} is not an imported id; not linked` });
    }
  }
}
