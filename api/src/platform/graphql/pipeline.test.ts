import { buildSchema, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { GraphQLPipeline } from "./pipeline";

const limits = { maxQueryDepth: 8, maxQueryComplexity: 1_000, maxAliases: 10, maxDirectives: 10, maxTokens: 1_000, expensiveQueryCost: 500, maxExpensiveInFlight: 1 };
const schema = buildSchema(`type Item { id: ID, name: String } type Query { items(first: Int): [Item] }`);

describe("GraphQLPipeline.admit", () => {
  it("costs one document with each request's variables, however often it comes back", () => {
    const pipeline = new GraphQLPipeline(schema, limits);
    const document = parse(`query Items($first: Int) { items(first: $first) { id name } }`);
    const admit = (first: number) => pipeline.admit(document, "Items", { first }, "caller")();
    for (let round = 0; round < 2; round++) {
      expect(() => admit(10)).not.toThrow();
      expect(() => admit(10_000)).toThrow(/too complex/);
      expect(() => admit(10)).not.toThrow();
    }
  });

  it("holds an in-flight slot for an expensive operation even when its cost was computed before", () => {
    const pipeline = new GraphQLPipeline(schema, limits);
    const document = parse(`query Items($first: Int) { items(first: $first) { id name } }`);
    const release = pipeline.admit(document, "Items", { first: 300 }, "caller");
    expect(() => pipeline.admit(document, "Items", { first: 300 }, "caller")).toThrow(/Too many expensive requests/);
    release();
    expect(() => pipeline.admit(document, "Items", { first: 300 }, "caller")()).not.toThrow();
  });
});
