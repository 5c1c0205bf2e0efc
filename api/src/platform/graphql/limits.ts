import { ApolloArmor } from "@escape.tech/graphql-armor";
import {
  GraphQLError,
  getNamedType,
  getNullableType,
  getVariableValues,
  isListType,
  isObjectType,
  Kind,
  type FieldNode,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from "graphql";
import { getComplexity, type ComplexityEstimator } from "graphql-query-complexity";
import type { QuellConfig } from "../config";
import { ErrorCode } from "../errors";

/** The limits every GraphQL request passes, whichever transport brought it (documented in QuellConfig). */
export type GraphQLLimits = Pick<
  QuellConfig,
  "maxQueryDepth" | "maxQueryComplexity" | "maxAliases" | "maxDirectives" | "maxTokens" | "expensiveQueryCost" | "maxExpensiveInFlight"
>;

/** A refusal before execution: a GraphQL error with a stable code and the HTTP status Apollo should answer with. */
export function requestError(code: ErrorCode, message: string, status: number, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: { status } } });
}

/**
 * Structural limits from graphql-armor as validation rules: depth, aliases and directives. Each
 * walks a fragment once (a fragment cycle is refused by graphql's own rule instead of overflowing
 * the stack). Tokens are limited by graphql's parser (`parseOptions`, what armor's max-tokens
 * does). Armor's cost limit stays off: it ignores arguments (`first: 10000` costs what `first: 1`
 * does) and grows 1.5x per level, so it refused small deep queries and passed wide lists;
 * `operationCost` below counts with the variables instead.
 */
export function armorValidationRules(limits: GraphQLLimits): ValidationRule[] {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxQueryDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { enabled: false },
    // Introspection is on, so field suggestions reveal nothing new and help people fix typos.
    blockFieldSuggestion: { enabled: false },
    maxTokens: { enabled: false },
  });
  return armor.protect().validationRules;
}

/** Every query, mutation or subscription field is at least one database round trip (unless it declares its own cost). */
const ROOT_FIELD_COST = 10;
const ROOT_TYPES = new Set(["Query", "Mutation", "Subscription"]);

/** Lists without `first` are assumed to hold this many items when costing what is below them. */
const ASSUMED_LIST_SIZE = 5;
const isConnection = (name: string) => /Connection$/.test(name);
const ITEM_FIELDS = new Set(["edges", "nodes"]);

/**
 * A field costs its own `complexity` (declared with `@Field`/`@Query({ complexity })` on fields
 * that hit the database; ROOT_FIELD_COST for operations, 1 otherwise) plus what is selected below
 * it, with lists counted per item: `first` items when given, else ASSUMED_LIST_SIZE. On a
 * connection only the edges repeat per item; `totalCount` and `pageInfo` are paid once.
 * (Children are costed just before their parent, so the edges' cost is known when the connection's is.)
 */
function fieldCostEstimator(): ComplexityEstimator {
  const itemCost = new Map<FieldNode, number>();
  return ({ type: parent, field, node, args, childComplexity }) => {
    const declared = field.extensions?.complexity;
    const own = typeof declared === "number" ? declared : ROOT_TYPES.has(parent.name) ? ROOT_FIELD_COST : 1;
    const cost = own + childComplexity;
    if (isConnection(parent.name)) {
      if (ITEM_FIELDS.has(field.name)) itemCost.set(node, cost);
      return cost;
    }
    const type = getNullableType(field.type);
    const first = typeof args.first === "number" ? Math.max(0, args.first) : undefined;
    const named = getNamedType(type);
    if (first !== undefined && isConnection(named.name)) {
      const items = node.selectionSet?.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD && itemCost.has(s)) ?? [];
      // Edges selected through a fragment are not seen here: count the whole selection per item then.
      if (!items.length) return own + Math.max(1, first) * childComplexity;
      const perItem = items.reduce((sum, s) => sum + itemCost.get(s)!, 0);
      return cost + (first - 1) * perItem;
    }
    const items = first ?? (isListType(type) && isObjectType(named) ? ASSUMED_LIST_SIZE : 1);
    return own + items * childComplexity;
  };
}

/**
 * The operation's cost with the request's variables. Variables that do not fit their declared
 * types are refused here (BAD_USER_INPUT), before anything runs, with graphql's own messages.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): number {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === "OperationDefinition" && (!operationName || d.name?.value === operationName),
  );
  if (!operation) return 0;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 5 });
  if (coerced.errors) {
    throw requestError(ErrorCode.BadUserInput, coerced.errors.map((e) => e.message).join(" "), 400);
  }
  try {
    return getComplexity({ schema, query: document, operationName: operation.name?.value, variables: variables ?? {}, estimators: [fieldCostEstimator()] });
  } catch (err) {
    // getComplexity refuses documents with too many nodes; that is the caller's request, not our fault.
    throw requestError(ErrorCode.BadUserInput, `This query cannot be costed: ${(err as Error).message}`, 400);
  }
}

export function assertWithinCost(cost: number, limits: GraphQLLimits): void {
  if (cost > limits.maxQueryComplexity) {
    throw requestError(
      ErrorCode.BadUserInput,
      `This query is too complex (${cost}, the limit is ${limits.maxQueryComplexity}); ask for fewer items or fields.`,
      400,
      { complexity: cost, maxComplexity: limits.maxQueryComplexity },
    );
  }
}

/**
 * Caps how many expensive operations one caller runs at once, so one user's burst cannot
 * hold the database pool while everyone else waits. Per process: a replica protects its own pool.
 */
export class InFlightLimiter {
  private readonly running = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** A release function, or a RATE_LIMITED error when the caller already has `max` running. */
  acquire(caller: string): () => void {
    const count = this.running.get(caller) ?? 0;
    if (count >= this.max) {
      throw requestError(
        ErrorCode.RateLimited,
        `Too many expensive requests at once: at most ${this.max} may run together for one caller. Wait for one to finish, or ask for less.`,
        429,
        { maxInFlight: this.max },
      );
    }
    this.running.set(caller, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(caller) ?? 1) - 1;
      if (left <= 0) this.running.delete(caller);
      else this.running.set(caller, left);
    };
  }

  inFlight(caller: string): number {
    return this.running.get(caller) ?? 0;
  }
}
