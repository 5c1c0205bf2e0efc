import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, separateOperations, type GraphQLSchema } from "graphql";
import depthLimit from "graphql-depth-limit";
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";

/** Depth limit as a validation rule: nested abuse is refused before anything runs. */
export function depthLimitRule(maxDepth: number) {
  return depthLimit(maxDepth);
}

/**
 * Complexity is computed with the request's variables (so `first: 10000` counts), after the
 * operation is resolved and before execution. Lists count `first` (default 50) times their items.
 */
export function complexityLimitPlugin(schema: GraphQLSchema, maxComplexity: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const query = request.operationName ? separateOperations(document)[request.operationName] : document;
          const complexity = getComplexity({
            schema,
            query: query ?? document,
            variables: request.variables ?? {},
            estimators: [
              fieldExtensionsEstimator(),
              ({ args, childComplexity }) => {
                const first = typeof args.first === "number" ? args.first : undefined;
                return first !== undefined ? first * Math.max(1, childComplexity) : undefined;
              },
              simpleEstimator({ defaultComplexity: 1 }),
            ],
          });
          if (complexity > maxComplexity) {
            throw new GraphQLError(`This query is too complex (${complexity}, the limit is ${maxComplexity}); ask for fewer items or fields.`, {
              extensions: { code: "BAD_USER_INPUT", complexity, maxComplexity },
            });
          }
        },
      };
    },
  };
}
