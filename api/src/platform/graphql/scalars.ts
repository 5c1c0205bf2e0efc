import { GraphQLDateTimeISO } from "graphql-scalars";

/** Dates travel as ISO-8601 strings with milliseconds. */
export const GraphQLScalars = [{ type: Date, scalar: GraphQLDateTimeISO }];
