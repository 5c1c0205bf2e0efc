import { defaultFieldResolver, isObjectType, lexicographicSortSchema, printSchema, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { enforcePolicy } from "../auth/policy";
import type { QuellContext } from "./context";
import { argumentChecks, cleanArguments } from "./input-hygiene";
import { GraphQLScalars } from "./scalars";
import { RESOLVERS } from "../../resolvers";
import { QuellPubSub } from "../pubsub";

/**
 * The schema is built from the resolver classes. Subscriptions subscribe through the context's
 * pub/sub (see IncidentResolver.incidentChanged); type-graphql still wants one at build time.
 */
export async function buildQuellSchema(pubSub: QuellPubSub = new QuellPubSub()): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    validate: { forbidUnknownValues: false },
    scalarsMap: GraphQLScalars,
    pubSub: pubSub as never,
  });
  return guardSchema(schema);
}

const ROOT_TYPES = new Set(["Query", "Mutation", "Subscription"]);

/**
 * Wraps the resolvers that need it, once, after the schema is built: every root field checks its
 * access rule first (fail-closed: a root field without `@Allow` refuses everyone), then every field
 * with arguments that need it cleans them (input hygiene). A type-graphql global middleware did the
 * same on every field of every row (an async call per field: 4% of a queue page's CPU), though
 * only root fields have rules and only some fields have arguments.
 */
export function guardSchema(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const isRoot = ROOT_TYPES.has(type.name);
    for (const field of Object.values(type.getFields())) {
      const checks = argumentChecks(field);
      if (!isRoot && !checks.length) continue;
      const resolve: GraphQLFieldResolver<unknown, QuellContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        // Who may call it first, then whether the arguments are usable.
        if (isRoot) enforcePolicy(info.fieldName, context);
        if (checks.length) cleanArguments(args, checks);
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}

export function printQuellSchema(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)).trim() + "\n";
}
