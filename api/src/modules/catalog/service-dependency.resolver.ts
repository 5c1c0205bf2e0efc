import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import { Allow } from "../../platform/auth/policy";
import { Role } from "../../platform/auth/roles";
import type { QuellContext } from "../../platform/graphql/context";
import { Service } from "./catalog.entity";
import { ServiceDependency } from "./service-dependency.entity";

@Resolver(() => Service)
export class ServiceDependencyResolver {
  @Allow(Role.admin, Role.change_manager)
  @Mutation(() => ServiceDependency, { description: "Records that serviceId depends on dependsOnId (cycles are refused)." })
  addServiceDependency(
    @Arg("serviceId", () => ID) serviceId: string,
    @Arg("dependsOnId", () => ID) dependsOnId: string,
    @Ctx() ctx: QuellContext,
  ): Promise<ServiceDependency> {
    return ctx.services.serviceDependencies.add(ctx.principal!, serviceId, dependsOnId);
  }

  @Allow(Role.admin, Role.change_manager)
  @Mutation(() => ServiceDependency, { description: "Removes a dependency; returns what was removed." })
  removeServiceDependency(
    @Arg("serviceId", () => ID) serviceId: string,
    @Arg("dependsOnId", () => ID) dependsOnId: string,
    @Ctx() ctx: QuellContext,
  ): Promise<ServiceDependency> {
    return ctx.services.serviceDependencies.remove(ctx.principal!, serviceId, dependsOnId);
  }

  @FieldResolver(() => [Service], { description: "Services this one depends on directly." })
  async dependsOn(@Root() service: Service, @Ctx() ctx: QuellContext): Promise<Service[]> {
    const ids = await ctx.loaders.serviceDependsOn.load(service.id);
    return (await ctx.loaders.service.loadMany(ids)).filter((s): s is Service => !!s && !(s instanceof Error));
  }
}
