import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { enforcePolicy } from "../auth/policy";
import { inputHygiene } from "./input-hygiene";
import { GraphQLScalars } from "./scalars";
import { RESOLVERS } from "../../resolvers";
import { QuellPubSub } from "../pubsub";

/**
 * The schema is built from the resolver classes. Subscriptions subscribe through the context's
 * pub/sub (see IncidentResolver.incidentChanged); type-graphql still wants one at build time.
 */
export async function buildQuellSchema(pubSub: QuellPubSub = new QuellPubSub()): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    validate: { forbidUnknownValues: false },
    // Who may call it first, then whether the arguments are usable.
    globalMiddlewares: [enforcePolicy, inputHygiene],
    scalarsMap: GraphQLScalars,
    pubSub: pubSub as never,
  });
}

export function printQuellSchema(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)).trim() + "\n";
}
