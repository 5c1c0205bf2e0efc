import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, ANY_ROLE } from "../../platform/auth/policy";
import { Role } from "../../platform/auth/roles";
import type { QuellContext } from "../../platform/graphql/context";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";
import { Service } from "./catalog.entity";
import { CatalogVersionInput, CreateServiceInput, CreateTeamInput, UpdateServiceInput, UpdateTeamInput } from "./catalog.inputs";

@Resolver(() => Service)
export class ServiceResolver {
  @Allow(...ANY_ROLE)
  @Query(() => [Service], { description: "Business services and configuration items." })
  services(@Ctx() ctx: QuellContext): Promise<Service[]> {
    return ctx.dataSource.getRepository(Service).find({ order: { name: "ASC" } });
  }

  @Allow(Role.admin)
  @Mutation(() => Service)
  createService(@Arg("input", () => CreateServiceInput) input: CreateServiceInput, @Ctx() ctx: QuellContext): Promise<Service> {
    return ctx.services.catalog.createService(ctx.principal!, input);
  }

  @Allow(Role.admin)
  @Mutation(() => Service)
  updateService(@Arg("input", () => UpdateServiceInput) input: UpdateServiceInput, @Ctx() ctx: QuellContext): Promise<Service> {
    return ctx.services.catalog.updateService(ctx.principal!, input);
  }

  @Allow(Role.admin)
  @Mutation(() => Boolean, { description: "Deletes a service no incident refers to; one still in use gets CONFLICT (reason IN_USE) with the counts." })
  deleteService(@Arg("input", () => CatalogVersionInput) input: CatalogVersionInput, @Ctx() ctx: QuellContext): Promise<boolean> {
    return ctx.services.catalog.deleteService(ctx.principal!, input.id, input.version);
  }

  @FieldResolver(() => Team)
  ownerTeam(@Root() service: Service, @Ctx() ctx: QuellContext): Promise<Team | null> {
    return ctx.loaders.team.load(service.ownerTeamId);
  }
}

@Resolver(() => Team)
export class TeamResolver {
  @Allow(...ANY_ROLE)
  @Query(() => [Team], { description: "Assignment groups." })
  teams(@Ctx() ctx: QuellContext): Promise<Team[]> {
    return ctx.dataSource.getRepository(Team).find({ order: { name: "ASC" } });
  }

  @Allow(Role.admin)
  @Mutation(() => Team)
  createTeam(@Arg("input", () => CreateTeamInput) input: CreateTeamInput, @Ctx() ctx: QuellContext): Promise<Team> {
    return ctx.services.catalog.createTeam(ctx.principal!, input);
  }

  @Allow(Role.admin)
  @Mutation(() => Team)
  updateTeam(@Arg("input", () => UpdateTeamInput) input: UpdateTeamInput, @Ctx() ctx: QuellContext): Promise<Team> {
    return ctx.services.catalog.updateTeam(ctx.principal!, input);
  }

  @Allow(Role.admin)
  @Mutation(() => Boolean, { description: "Deletes a team no service, user or incident refers to; one still in use gets CONFLICT (reason IN_USE) with the counts." })
  deleteTeam(@Arg("input", () => CatalogVersionInput) input: CatalogVersionInput, @Ctx() ctx: QuellContext): Promise<boolean> {
    return ctx.services.catalog.deleteTeam(ctx.principal!, input.id, input.version);
  }

  // One query per team.
  @FieldResolver(() => [User], { complexity: 10 })
  members(@Root() team: Team, @Ctx() ctx: QuellContext): Promise<User[]> {
    return ctx.dataSource.getRepository(User).find({ where: { teamId: team.id }, order: { name: "ASC" } });
  }
}
