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
  /** The session a user's access token belongs to (logout revokes it). */
  sessionId?: string;
}

/**
 * Roles ordered by what they may do: analyst reads; agent works incidents; problem and change
 * managers do that and more, each in their own area; admin does everything.
 */
const ROLE_RANK: Record<Role, number> = {
  [Role.analyst]: 0,
  [Role.agent]: 1,
  [Role.problem_manager]: 2,
  [Role.change_manager]: 2,
  [Role.admin]: 3,
};

/**
 * What an API token may do today: its own role, but never more than its creator's current role.
 * The lower of the two; where neither contains the other (problem vs change manager) the
 * common part, agent.
 */
export function effectiveTokenRole(tokenRole: Role, creatorRole: Role): Role {
  if (tokenRole === creatorRole) return tokenRole;
  const token = ROLE_RANK[tokenRole];
  const creator = ROLE_RANK[creatorRole];
  if (token < creator) return tokenRole;
  if (creator < token) return creatorRole;
  return Role.agent;
}
