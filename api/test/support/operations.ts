import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";

/** A syntactically valid value of any input type, so a call gets past GraphQL validation to the resolver. */
export function sampleValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType);
  if (isListType(type)) return [sampleValue(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) value[field.name] = sampleValue(field.type);
    }
    return value;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case "ID":
        return "00000000-0000-4000-8000-000000000000";
      case "Int":
        return 1;
      case "Float":
        return 1.5;
      case "Boolean":
        return false;
      case "DateTimeISO":
        return "2026-01-01T00:00:00.000Z";
      case "JSONObject":
        return {};
      default:
        return "sample";
    }
  }
  throw new Error(`no sample for ${String(type)}`);
}

export interface SampleOperation {
  kind: "query" | "mutation" | "subscription";
  field: string;
  document: string;
  variables: Record<string, unknown>;
}

function operationFor(kind: SampleOperation["kind"], field: GraphQLField<unknown, unknown>): SampleOperation {
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const variables = Object.fromEntries(required.map((a) => [a.name, sampleValue(a.type)]));
  const params = required.map((a) => `$${a.name}: ${String(a.type)}`).join(", ");
  const args = required.map((a) => `${a.name}: $${a.name}`).join(", ");
  const selection = isObjectType(getNamedType(field.type)) ? " { __typename }" : "";
  const document = `${kind} Probe${params ? `(${params})` : ""} { ${field.name}${args ? `(${args})` : ""}${selection} }`;
  return { kind, field: field.name, document, variables };
}

/** One minimal call for every root field in the schema. */
export function everyOperation(schema: GraphQLSchema): SampleOperation[] {
  const roots: Array<[SampleOperation["kind"], ReturnType<GraphQLSchema["getQueryType"]>]> = [
    ["query", schema.getQueryType()],
    ["mutation", schema.getMutationType()],
    ["subscription", schema.getSubscriptionType()],
  ];
  return roots.flatMap(([kind, type]) => (type ? Object.values(type.getFields()).map((f) => operationFor(kind, f)) : []));
}
