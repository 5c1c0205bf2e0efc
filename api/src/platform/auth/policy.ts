import { ErrorCode, QuellError } from "../errors";
import type { QuellContext } from "../graphql/context";
import { ALL_ROLES, INCIDENT_WRITERS, type Role } from "./roles";

/** Anyone, signed in or not (login only). */
export const PUBLIC = "public" as const;
export type Audience = Role | typeof PUBLIC;

/** Root field name → who may call it. Filled by @Allow; read by the fail-closed guard. */
const policies = new Map<string, readonly Audience[]>();

export function policyFor(fieldName: string): readonly Audience[] | undefined {
  return policies.get(fieldName);
}

export function declaredPolicies(): ReadonlyMap<string, readonly Audience[]> {
  return policies;
}

export function assertAllowed(context: Pick<QuellContext, "principal">, audience: readonly Audience[]): void {
  if (audience.includes(PUBLIC)) return;
  if (!context.principal) {
    throw new QuellError(ErrorCode.Unauthenticated, "Sign in first: send `Authorization: Bearer <token>` (a login JWT or an API token).");
  }
  if (!audience.includes(context.principal.role)) {
    throw new QuellError(ErrorCode.Forbidden, `Your role (${context.principal.role}) may not do this; it needs one of: ${audience.join(", ")}.`, {
      requiredRoles: [...audience],
    });
  }
}

/**
 * Declares who may call a query, mutation or subscription. Every root field must have one:
 * the guard below refuses any that doesn't, so a forgotten rule fails closed (and fails the
 * auth-matrix test) instead of opening the operation to everyone.
 */
export function Allow(...audience: Audience[]): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    policies.set(String(propertyKey), audience.length ? audience : []);
    return descriptor;
  };
}

/** Every role: any signed-in caller. */
export const ANY_ROLE: Role[] = [...ALL_ROLES];
/** Roles that work incidents; analysts only read. */
export const INCIDENT_WRITERS_LIST: Role[] = [...INCIDENT_WRITERS];

/**
 * Enforces the declared policy of a root field (query, mutation or subscription event); called
 * for root fields only (see guardSchema), so nested fields pay nothing for it.
 */
export function enforcePolicy(fieldName: string, context: Pick<QuellContext, "principal">): void {
  const audience = policies.get(fieldName);
  if (!audience) {
    throw new QuellError(ErrorCode.Forbidden, `Operation ${fieldName} declares no access rule, so nobody may call it.`);
  }
  assertAllowed(context, audience);
}
