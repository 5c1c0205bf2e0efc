import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import { ErrorCode, QuellError, conflict, notFound } from "../../platform/errors";
import { inTransaction } from "../../platform/database/transaction";
import { appendAudit } from "../audit/audit.service";
import { Team } from "../team/team.entity";
import { Service } from "./catalog.entity";
import type { CreateServiceInput, CreateTeamInput, UpdateServiceInput, UpdateTeamInput } from "./catalog.inputs";

/** Teams (assignment groups) and services (business services and CIs). */
export class CatalogService {
  constructor(private readonly dataSource: DataSource) {}

  createTeam(actor: Principal | null, input: CreateTeamInput): Promise<Team> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      await assertNameFree(manager, Team, input.name);
      const team = await manager.save(manager.create(Team, { name: input.name, description: input.description ?? null, contactEmail: input.contactEmail ?? null }));
      await appendAudit(manager, actor, { action: "team.create", entityType: "team", entityId: team.id, after: team });
      return team;
    });
  }

  createService(actor: Principal | null, input: CreateServiceInput): Promise<Service> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      await assertNameFree(manager, Service, input.name);
      if (!(await manager.exists(Team, { where: { id: input.ownerTeamId } }))) throw notFound("Team", input.ownerTeamId);
      const service = await manager.save(
        manager.create(Service, { name: input.name, kind: input.kind, criticality: input.criticality, ownerTeamId: input.ownerTeamId, description: input.description ?? null }),
      );
      await appendAudit(manager, actor, { action: "service.create", entityType: "service", entityId: service.id, after: service });
      return service;
    });
  }

  updateTeam(actor: Principal, input: UpdateTeamInput): Promise<Team> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const team = await lockVersioned(manager, Team, "Team", input.id, input.version);
      const before = { ...team };
      if (input.name !== undefined && input.name !== null) {
        await assertNameFree(manager, Team, input.name, team.id);
        team.name = input.name;
      }
      if (input.description !== undefined) team.description = input.description ?? null;
      if (input.contactEmail !== undefined) team.contactEmail = input.contactEmail ?? null;
      await manager.save(team);
      await appendAudit(manager, actor, { action: "team.update", entityType: "team", entityId: team.id, before, after: team });
      return team;
    });
  }

  deleteTeam(actor: Principal, id: string, version: number): Promise<boolean> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const team = await lockVersioned(manager, Team, "Team", id, version);
      const [counts] = (await manager.query(
        `SELECT (SELECT count(*) FROM service WHERE owner_team_id = $1)::int AS services, (SELECT count(*) FROM app_user WHERE team_id = $1)::int AS users, (SELECT count(*) FROM incident WHERE team_id = $1)::int AS incidents`,
        [id],
      )) as Array<Record<string, number>>;
      assertUnused("Team", team.name, counts!);
      await manager.delete(Team, { id });
      await appendAudit(manager, actor, { action: "team.delete", entityType: "team", entityId: id, before: team });
      return true;
    });
  }

  updateService(actor: Principal, input: UpdateServiceInput): Promise<Service> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const service = await lockVersioned(manager, Service, "Service", input.id, input.version);
      const before = { ...service };
      if (input.name !== undefined && input.name !== null) {
        await assertNameFree(manager, Service, input.name, service.id);
        service.name = input.name;
      }
      if (input.ownerTeamId) {
        if (!(await manager.exists(Team, { where: { id: input.ownerTeamId } }))) throw notFound("Team", input.ownerTeamId);
        service.ownerTeamId = input.ownerTeamId;
      }
      if (input.kind) service.kind = input.kind;
      if (input.criticality) service.criticality = input.criticality;
      if (input.description !== undefined) service.description = input.description ?? null;
      await manager.save(service);
      await appendAudit(manager, actor, { action: "service.update", entityType: "service", entityId: service.id, before, after: service });
      return service;
    });
  }

  deleteService(actor: Principal, id: string, version: number): Promise<boolean> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const service = await lockVersioned(manager, Service, "Service", id, version);
      const [counts] = (await manager.query(`SELECT count(*)::int AS incidents FROM incident WHERE service_id = $1`, [id])) as Array<Record<string, number>>;
      assertUnused("Service", service.name, counts!);
      await manager.delete(Service, { id });
      await appendAudit(manager, actor, { action: "service.delete", entityType: "service", entityId: id, before: service });
      return true;
    });
  }
}

/** Lock the row and check the version the caller saw: a stale one gets CONFLICT, never a silent overwrite. */
async function lockVersioned<T extends Team | Service>(manager: EntityManager, entity: EntityTarget<T>, label: string, id: string, version: number): Promise<T> {
  const row = await manager.findOne(entity, { where: { id } as never, lock: { mode: "pessimistic_write" } });
  if (!row) throw notFound(label, id);
  if (row.version !== version) throw conflict(label, id, version, row.version);
  return row;
}

/** Deleting a record still in use would silently detach incidents (their FKs SET NULL): refuse and say what uses it. */
function assertUnused(label: string, name: string, references: Record<string, number>): void {
  const used = Object.entries(references).filter(([, n]) => n > 0);
  if (used.length === 0) return;
  throw new QuellError(ErrorCode.Conflict, `${label} "${name}" is still used by ${used.map(([what, n]) => `${n} ${what}`).join(", ")}; move them elsewhere first.`, {
    reason: "IN_USE",
    references,
  });
}

async function assertNameFree<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, name: string, exceptId?: string): Promise<void> {
  const taken = await manager.findOne(entity, { where: { name } as never });
  if (taken && taken.id !== exceptId) {
    throw new QuellError(ErrorCode.Conflict, `The name "${name}" is already taken.`, { field: "name" });
  }
}
