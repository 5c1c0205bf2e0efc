import {
  getNullableType,
  isInputObjectType,
  isListType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
} from "graphql";
import { IsDefined, ValidateIf } from "class-validator";
import { Extensions } from "type-graphql";
import { badInput } from "../errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string => typeof value === "string" && UUID.test(value);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL could not store this text faithfully, or undefined when it can. */
export function unstorableTextReason(text: string): string | undefined {
  if (text.includes("\u0000")) return "Text may not contain the NUL character (\\u0000); PostgreSQL cannot store it.";
  if (LONE_SURROGATE.test(text)) return "Text may not contain a lone UTF-16 surrogate (half of an emoji or other character); send whole characters.";
  return undefined;
}

/**
 * Trims surrounding whitespace from a text input field before it is validated, so `"   "` is
 * empty (and `@Length(3, …)` refuses it) instead of being stored as a blank title.
 */
export function Trim(): PropertyDecorator & MethodDecorator & ClassDecorator {
  return Extensions({ trim: true });
}

/**
 * May be left out, but not null: for optional update fields whose column cannot be cleared
 * (`@IsOptional()` lets null through, and PostgreSQL's NOT NULL then fails as a 500).
 */
export function OptionalNotNull(): PropertyDecorator {
  return (target, key) => {
    ValidateIf((_object, value) => value !== undefined)(target, key);
    IsDefined({ message: `${String(key)} may be left out, but cannot be null` })(target, key);
  };
}

type Check = (value: unknown, path: string) => unknown;

/** What to do with one value of a GraphQL input type; undefined when nothing in it needs attention. */
function checkFor(type: GraphQLInputType, trim = false): Check | undefined {
  const inner = getNullableType(type) as GraphQLInputType;
  if (isListType(inner)) {
    const item = checkFor(inner.ofType, trim);
    return item && ((value, path) => (Array.isArray(value) ? value.map((v, i) => item(v, `${path}[${i}]`)) : item(value, path)));
  }
  if (isInputObjectType(inner)) {
    const fields = Object.values(inner.getFields())
      .map((f) => [f.name, checkFor(f.type, f.extensions?.trim === true)] as const)
      .filter((entry): entry is readonly [string, Check] => !!entry[1]);
    if (!fields.length) return undefined;
    return (value, path) => {
      if (value === null || typeof value !== "object") return value;
      const record = value as Record<string, unknown>;
      for (const [name, check] of fields) if (record[name] !== undefined && record[name] !== null) record[name] = check(record[name], `${path}.${name}`);
      return value;
    };
  }
  if (inner.name === "ID") {
    // Every ID the API accepts names a stored record by its UUID; anything else would reach PostgreSQL as a type error.
    return (value, path) => {
      if (!isUuid(value)) throw badInput(path, "is not an id this API issued (a UUID)");
      return value;
    };
  }
  if (inner.name === "String") {
    return (value, path) => {
      if (typeof value !== "string") return value;
      const reason = unstorableTextReason(value);
      if (reason) throw badInput(path, reason);
      return trim ? value.trim() : value;
    };
  }
  return undefined;
}

/** The argument checks of one field, worked out once from its types; empty when no argument needs one. */
export function argumentChecks(field: GraphQLField<unknown, unknown>): Array<[GraphQLArgument, Check]> {
  return field.args.map((a) => [a, checkFor(a.type)] as [GraphQLArgument, Check | undefined]).filter((e): e is [GraphQLArgument, Check] => !!e[1]);
}

/**
 * IDs must be UUIDs, text must be storable, and fields marked `@Trim()` are trimmed, before the
 * resolver or class-validator sees the arguments. Applied to every field with such arguments (and
 * every one added later) by guardSchema, from the schema's types, whichever transport.
 */
export function cleanArguments(args: Record<string, unknown>, checks: Array<[GraphQLArgument, Check]>): void {
  for (const [arg, check] of checks) {
    if (args[arg.name] !== undefined && args[arg.name] !== null) args[arg.name] = check(args[arg.name], arg.name);
  }
}
