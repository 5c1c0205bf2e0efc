import { In, type DataSource } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import { inTransaction } from "../../platform/database/transaction";
import { badInput, notFound } from "../../platform/errors";
import { appendAudit } from "../audit/audit.service";
import { Service } from "./catalog.entity";
import { ServiceDependency } from "./service-dependency.entity";
import { DependencyGraph } from "./service-dependency.rules";

/** Which service depends on which: feeds change risk, conflicts and "what changed?". */
export class ServiceDependencyService {
  constructor(private readonly dataSource: DataSource) {}

  async graph(): Promise<DependencyGraph> {
    return new DependencyGraph(await this.dataSource.getRepository(ServiceDependency).find());
  }

  add(actor: Principal, serviceId: string, dependsOnId: string): Promise<ServiceDependency> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      // One writer at a time, so two concurrent additions can't close a cycle between them.
      await manager.query("LOCK TABLE service_dependency IN SHARE ROW EXCLUSIVE MODE");
      const found = await manager.find(Service, { where: { id: In([serviceId, dependsOnId]) }, select: { id: true } });
      for (const id of [serviceId, dependsOnId]) if (!found.some((s) => s.id === id)) throw notFound("Service", id);
      const graph = new DependencyGraph(await manager.find(ServiceDependency));
      if (graph.wouldCycle(serviceId, dependsOnId)) throw badInput("dependsOnId", "that dependency would make a cycle (a service would depend on itself)");
      const existing = await manager.findOne(ServiceDependency, { where: { serviceId, dependsOnId } });
      if (existing) return existing;
      const saved = await manager.save(manager.create(ServiceDependency, { serviceId, dependsOnId }));
      await appendAudit(manager, actor, { action: "service_dependency.add", entityType: "service", entityId: serviceId, after: saved });
      return saved;
    });
  }

  remove(actor: Principal, serviceId: string, dependsOnId: string): Promise<ServiceDependency> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const existing = await manager.findOne(ServiceDependency, { where: { serviceId, dependsOnId } });
      if (!existing) throw notFound("ServiceDependency", `${serviceId} -> ${dependsOnId}`);
      await manager.delete(ServiceDependency, { serviceId, dependsOnId });
      await appendAudit(manager, actor, { action: "service_dependency.remove", entityType: "service", entityId: serviceId, before: existing, after: null });
      return existing;
    });
  }
}
