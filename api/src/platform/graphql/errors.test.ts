import { GraphQLError } from "graphql";
import { QueryFailedError } from "typeorm";
import { describe, expect, it } from "vitest";
import { formatError } from "./errors";

const sqlFailure = (code: string) =>
  new QueryFailedError(`INSERT INTO "change_template" ("name") VALUES ($1)`, ["sample"], Object.assign(new Error("duplicate key value violates unique constraint"), { code }));

describe("formatError", () => {
  it("answers a unique value taken by a concurrent write with CONFLICT and no SQL", () => {
    const error = new GraphQLError("x", { originalError: sqlFailure("23505"), path: ["saveChangeTemplate"] });
    const formatted = formatError({ message: error.message, path: ["saveChangeTemplate"] }, error);
    expect(formatted.extensions?.code).toBe("CONFLICT");
    expect(formatted.message).not.toMatch(/INSERT|constraint|change_template/);
  });

  it("masks any other database failure as INTERNAL_SERVER_ERROR with an error id", () => {
    const error = new GraphQLError("x", { originalError: sqlFailure("42P01"), path: ["incidents"] });
    const formatted = formatError({ message: error.message, path: ["incidents"] }, error);
    expect(formatted.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    expect(formatted.extensions?.errorId).toEqual(expect.any(String));
    expect(formatted.message).not.toMatch(/INSERT|constraint/);
  });
});
