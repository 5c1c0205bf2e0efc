import { registerEnumType } from "type-graphql";

export enum Role {
  agent = "agent",
  problem_manager = "problem_manager",
  change_manager = "change_manager",
  analyst = "analyst",
  admin = "admin",
}
registerEnumType(Role, { name: "Role", description: "What a person or an integration token may do." });

export const ALL_ROLES: readonly Role[] = Object.values(Role);
/** Roles that work incidents (analysts only read). */
export const INCIDENT_WRITERS: readonly Role[] = [Role.agent, Role.problem_manager, Role.change_manager, Role.admin];

/** The one thing a request knows about who is calling. */
export interface Principal {
  kind: "user" | "token";
  /** The user id; for a token, the user who created it (audit records name both). */
  userId: string;
  role: Role;
  label: string;
  tokenId?: string;
}
