import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import { ErrorCode, QuellError, notFound } from "../../platform/errors";
import { inTransaction } from "../../platform/database/transaction";
import { appendAudit } from "../audit/audit.service";
import { Team } from "../team/team.entity";
import { Service } from "./catalog.entity";
import type { CreateServiceInput, CreateTeamInput } from "./catalog.inputs";

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
}

async function assertNameFree<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, name: string): Promise<void> {
  if (await manager.exists(entity, { where: { name } as never })) {
    throw new QuellError(ErrorCode.Conflict, `The name "${name}" is already taken.`, { field: "name" });
  }
}
