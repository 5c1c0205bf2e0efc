import { ClassType, Field, Int, ObjectType } from "type-graphql";
import { badInput } from "../errors";
import { isUuid } from "./input-hygiene";

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => Boolean) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

/** A Relay connection type for any node class. */
export function Connection<T extends object>(node: ClassType<T>) {
  @ObjectType(`${node.name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field(() => String) cursor!: string;
    @Field(() => node) node!: T;
  }

  @ObjectType(`${node.name}ConnectionBase`, { simpleResolvers: true })
  abstract class ConnectionType {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    // A COUNT over every matching row: one of the dearest things a query can ask for.
    @Field(() => Int, { description: "All rows matching the filter, ignoring pagination.", complexity: 50 }) totalCount!: number;
  }
  return ConnectionType;
}

export type SortValue = string | number | null;

/** Sort values a cursor may carry: an ISO timestamp or a safe integer (what encodeCursor writes). */
export const isTimestamp = (v: SortValue): boolean => typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) && !Number.isNaN(Date.parse(v));
export const isSafeInteger = (v: SortValue): boolean => Number.isSafeInteger(v);

/** Cursors are opaque to clients: base64 of the sort key and the id that breaks ties. */
export function encodeCursor(sortValue: string | number | null, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id])).toString("base64url");
}

/**
 * The cursor's sort value and id. A cursor that was not issued for this sort (wrong value type,
 * an id that is no UUID) is refused here, before its parts reach SQL as the wrong types.
 */
export function decodeCursor(cursor: string, field: string, isSortValue: (v: SortValue) => boolean): [SortValue, string] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2 && isUuid(parsed[1]) && isSortValue(parsed[0] as SortValue)) return parsed as [SortValue, string];
  } catch {
    // fall through to the error below
  }
  throw badInput(field, "is not a cursor this API issued; use pageInfo.endCursor from a previous page");
}
