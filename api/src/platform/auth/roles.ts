import { registerEnumType } from "type-graphql";

export enum Role {
  Agent = "agent",
  ProblemManager = "problem_manager",
  ChangeManager = "change_manager",
  Analyst = "analyst",
  Admin = "admin",
}
registerEnumType(Role, { name: "Role", description: "What a person or an integration token may do." });

export const ALL_ROLES: readonly Role[] = Object.values(Role);
/** Roles that work incidents (analysts only read). */
export const INCIDENT_WRITERS: readonly Role[] = [Role.Agent, Role.ProblemManager, Role.ChangeManager, Role.Admin];

/** The one thing a request knows about who is calling. */
export interface Principal {
  kind: "user" | "token";
  /** The user id; for a token, the user who created it (audit records name both). */
  userId: string;
  role: Role;
  label: string;
  tokenId?: string;
}
