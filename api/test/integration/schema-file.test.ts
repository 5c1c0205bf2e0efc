import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { SCHEMA_FILE } from "../../src/cli/commands";
import { buildQuellSchema, printQuellSchema } from "../../src/platform/graphql/schema";

describe("api/schema.graphql", () => {
  it("matches the schema the resolvers generate (run `npm run quell -- schema` when this fails)", async () => {
    const generated = printQuellSchema(await buildQuellSchema());
    const committed = fs.readFileSync(SCHEMA_FILE, "utf8");
    expect(committed === generated, "api/schema.graphql is stale: run `npm run quell -- schema` and commit it").toBe(true);
  });
});
