import type { ApolloServerPlugin } from "@apollo/server";
import {
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from "graphql";
import type { Principal } from "../auth/roles";
import { formatError } from "./errors";
import { armorValidationRules, assertWithinCost, InFlightLimiter, operationCost, type GraphQLLimits } from "./limits";

const MAX_COSTS_PER_DOCUMENT = 256;

/** Who the in-flight cap counts against: the token or user, else the client address. */
export function callerKey(principal: Principal | undefined, address: string | undefined): string {
  return principal ? (principal.tokenId ?? principal.userId) : `anonymous:${address ?? "unknown"}`;
}

/**
 * The one path every GraphQL operation takes, over HTTP (Apollo) and WebSocket (graphql-ws):
 * parse with a token limit, validate with graphql's rules plus graphql-armor's, cost with the
 * variables, cap expensive operations per caller, and shape errors with one `formatError`.
 */
export class GraphQLPipeline {
  readonly parseOptions: ParseOptions;
  readonly validationRules: ValidationRule[];
  private readonly inFlight: InFlightLimiter;
  /** Costs already computed, per parsed document (Apollo reuses a document for the same query text) and variables. */
  private readonly costs = new WeakMap<DocumentNode, Map<string, number>>();

  constructor(
    readonly schema: GraphQLSchema,
    readonly limits: GraphQLLimits,
  ) {
    this.parseOptions = { maxTokens: limits.maxTokens };
    this.validationRules = armorValidationRules(limits);
    this.inFlight = new InFlightLimiter(limits.maxExpensiveInFlight);
  }

  /** Parses like Apollo does (GRAPHQL_PARSE_FAILED), for transports that parse themselves. */
  parse(source: unknown): DocumentNode | GraphQLError[] {
    if (typeof source !== "string" || source.trim() === "") {
      return [new GraphQLError("Send a GraphQL document in `query`.", { extensions: { code: "BAD_REQUEST" } })];
    }
    try {
      return parse(source, this.parseOptions);
    } catch (err) {
      const error = err as GraphQLError;
      return [new GraphQLError(error.message, { source: error.source, positions: error.positions, extensions: { code: "GRAPHQL_PARSE_FAILED" } })];
    }
  }

  /** Validates like Apollo does (GRAPHQL_VALIDATION_FAILED), with the same rules. */
  validate(document: DocumentNode): GraphQLError[] {
    return validate(this.schema, document, [...specifiedRules, ...this.validationRules]).map(
      (e) => new GraphQLError(e.message, { nodes: e.nodes, originalError: e.originalError, extensions: { ...e.extensions, code: "GRAPHQL_VALIDATION_FAILED" } }),
    );
  }

  /**
   * Costs the operation with its variables and, when it is expensive, takes one of the caller's
   * in-flight slots. Returns the release function; throws BAD_USER_INPUT or RATE_LIMITED.
   */
  admit(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined, caller: string): () => void {
    const cost = this.costOf(document, operationName, variables);
    assertWithinCost(cost, this.limits);
    return cost >= this.limits.expensiveQueryCost ? this.inFlight.acquire(caller) : () => undefined;
  }

  /** `operationCost`, memoised: costing walks the whole document each time (3% of a queue page's CPU). Refusals are not kept. */
  private costOf(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): number {
    let known = this.costs.get(document);
    const key = `${operationName ?? ""}\u0000${JSON.stringify(variables ?? {})}`;
    const cached = known?.get(key);
    if (cached !== undefined) return cached;
    const cost = operationCost(this.schema, document, operationName, variables);
    if (!known) this.costs.set(document, (known = new Map()));
    // A document run with ever-new variables would grow without end: start over past a few hundred.
    if (known.size >= MAX_COSTS_PER_DOCUMENT) known.clear();
    known.set(key, cost);
    return cost;
  }

  /** Errors as clients see them, whichever transport. */
  format(error: GraphQLError): GraphQLFormattedError {
    return formatError(error.toJSON(), error);
  }

  /** Apollo's side of `admit`: after the operation is known, before it runs; the slot is freed with the response. */
  apolloPlugin(callerOf: (context: unknown) => string): ApolloServerPlugin {
    return {
      requestDidStart: async () => {
        let release = () => undefined as void;
        return {
          didResolveOperation: async ({ request, document, contextValue }) => {
            release = this.admit(document, request.operationName, request.variables, callerOf(contextValue));
          },
          willSendResponse: async () => release(),
        };
      },
    };
  }
}
