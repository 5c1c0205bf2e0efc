import { ClassType, Field, Int, ObjectType } from "type-graphql";
import { badInput } from "../errors";

@ObjectType()
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => Boolean) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

/** A Relay connection type for any node class. */
export function Connection<T extends object>(node: ClassType<T>) {
  @ObjectType(`${node.name}Edge`)
  class Edge {
    @Field(() => String) cursor!: string;
    @Field(() => node) node!: T;
  }

  @ObjectType(`${node.name}ConnectionBase`)
  abstract class ConnectionType {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    // A COUNT over every matching row: one of the dearest things a query can ask for.
    @Field(() => Int, { description: "All rows matching the filter, ignoring pagination.", complexity: 50 }) totalCount!: number;
  }
  return ConnectionType;
}

/** Cursors are opaque to clients: base64 of the sort key and the id that breaks ties. */
export function encodeCursor(sortValue: string | number | null, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id])).toString("base64url");
}

export function decodeCursor(cursor: string, field = "after"): [string | number | null, string] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === "string") return parsed as [string | number | null, string];
  } catch {
    // fall through to the error below
  }
  throw badInput(field, "is not a cursor this API issued; use pageInfo.endCursor from a previous page");
}
