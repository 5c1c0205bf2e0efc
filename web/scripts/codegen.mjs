#!/usr/bin/env node
// Generates web/src/graphql/generated.ts from api/schema.graphql and the operations in
// web/src/graphql/operations/*.graphql: enum unions, input types, and for every operation its
// result and variables types plus a typed document. Operations are validated against the schema,
// so a schema change that breaks the web app fails here, not in a browser.
//   node web/scripts/codegen.mjs          write the file
//   node web/scripts/codegen.mjs --check  exit 1 when the committed file is stale
import { readFileSync, writeFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildSchema,
  parse,
  validate,
  print,
  Kind,
  isEnumType,
  isInputObjectType,
  isScalarType,
  isObjectType,
  isListType,
  isNonNullType,
  getNamedType,
  typeFromAST,
} from "graphql";

const SCALARS = {
  ID: "string",
  String: "string",
  Int: "number",
  Float: "number",
  Boolean: "boolean",
  DateTimeISO: "string",
  JSONObject: "Record<string, unknown>",
};

function scalarTs(name) {
  return SCALARS[name] ?? "unknown";
}

function quote(s) {
  return JSON.stringify(s);
}

/** TS for a schema type reference in input position (inputs, variables). */
function inputTypeTs(type, optionalNull = true) {
  if (isNonNullType(type)) return inputTypeTs(type.ofType, false).replace(/ \| null$/, "");
  const inner = isListType(type) ? `Array<${inputTypeTs(type.ofType, true)}>` : namedTs(type);
  return optionalNull ? `${inner} | null` : inner;
}

function namedTs(type) {
  if (isScalarType(type)) return scalarTs(type.name);
  return type.name;
}

function docComment(description, indent = "") {
  if (!description) return "";
  const lines = description.split("\n");
  if (lines.length === 1) return `${indent}/** ${lines[0].replace(/\*\//g, "*\\/")} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l.replace(/\*\//g, "*\\/")}`).join("\n")}\n${indent} */\n`;
}

function enumsAndInputs(schema) {
  const out = [];
  const names = Object.keys(schema.getTypeMap())
    .filter((n) => !n.startsWith("__"))
    .sort();
  for (const name of names) {
    const type = schema.getType(name);
    if (isEnumType(type)) {
      const values = type.getValues().map((v) => v.name);
      out.push(
        `${docComment(type.description)}export type ${name} = ${values.map(quote).join(" | ")};\n` +
          `export const ${name}Values: readonly ${name}[] = [${values.map(quote).join(", ")}];\n`,
      );
    } else if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields()).map((f) => {
        const required = isNonNullType(f.type) && f.defaultValue === undefined;
        return `${docComment(f.description, "  ")}  ${f.name}${required ? "" : "?"}: ${inputTypeTs(f.type)};`;
      });
      out.push(`${docComment(type.description)}export interface ${name} {\n${fields.join("\n")}\n}\n`);
    }
  }
  return out.join("\n");
}

/** TS for the result of a selection set on an object type. */
function selectionTs(schema, parentType, selectionSet, fragments, indent) {
  const fields = new Map();
  const collect = (set, onType) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const responseKey = sel.alias?.value ?? sel.name.value;
        if (sel.name.value === "__typename") {
          fields.set(responseKey, quote(onType.name));
          continue;
        }
        const field = onType.getFields()[sel.name.value];
        if (!field) throw new Error(`${onType.name}.${sel.name.value} is not in the schema`);
        fields.set(responseKey, outputTypeTs(schema, field.type, sel, fragments, indent + "  "));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const on = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : onType;
        collect(sel.selectionSet, on);
      } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        collect(frag.selectionSet, schema.getType(frag.typeCondition.name.value));
      }
    }
  };
  collect(selectionSet, parentType);
  const body = [...fields].map(([k, v]) => `${indent}  ${k}: ${v};`).join("\n");
  return `{\n${body}\n${indent}}`;
}

function outputTypeTs(schema, type, node, fragments, indent, nullable = true) {
  if (isNonNullType(type)) return outputTypeTs(schema, type.ofType, node, fragments, indent, false);
  let inner;
  if (isListType(type)) inner = `Array<${outputTypeTs(schema, type.ofType, node, fragments, indent, true)}>`;
  else if (isObjectType(type)) inner = selectionTs(schema, type, node.selectionSet, fragments, indent);
  else inner = namedTs(getNamedType(type));
  return nullable ? `${inner} | null` : inner;
}

function variablesTs(schema, op) {
  const vars = op.variableDefinitions ?? [];
  if (vars.length === 0) return "Record<string, never>";
  const lines = vars.map((v) => {
    const typeName = print(v.type);
    const ref = typeFromAST(schema, v.type);
    const required = isNonNullType(ref) && !v.defaultValue;
    return `  ${v.variable.name.value}${required ? "" : "?"}: ${inputTypeTs(ref)}; // ${typeName}`;
  });
  return `{\n${lines.join("\n")}\n}`;
}

function pascal(name) {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Builds the whole generated file; pure, so tests can call it. */
export function generate(schemaSdl, operationSources) {
  const schema = buildSchema(schemaSdl);
  const documents = operationSources.map(({ name, source }) => ({ name, doc: parse(source) }));
  const fragments = new Map();
  for (const { doc } of documents) for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  const problems = [];
  for (const { name, doc } of documents) {
    // Fragments may live in another file: validate each file together with all fragments.
    const own = new Set(doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => d.name.value));
    const extra = [...fragments.values()].filter((f) => !own.has(f.name.value));
    const full = { ...doc, definitions: [...doc.definitions, ...extra] };
    for (const err of validate(schema, full)) {
      if (/Fragment ".*" is never used/.test(err.message)) continue;
      problems.push(`${name}: ${err.message}`);
    }
  }
  if (problems.length > 0) throw new Error(`Operations do not match api/schema.graphql:\n  ${problems.join("\n  ")}`);

  const ops = [];
  for (const [name, frag] of [...fragments].sort(([a], [b]) => a.localeCompare(b))) {
    const on = schema.getType(frag.typeCondition.name.value);
    ops.push(`export type ${pascal(name)}Fragment = ${selectionTs(schema, on, frag.selectionSet, fragments, "")};\n`);
  }
  for (const { doc } of documents) {
    for (const def of doc.definitions) {
      if (def.kind !== Kind.OPERATION_DEFINITION) continue;
      if (!def.name) throw new Error("Every operation needs a name");
      const opName = def.name.value;
      const kind = pascal(def.operation);
      const root = def.operation === "query" ? schema.getQueryType() : def.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType();
      const used = new Set();
      const findSpreads = (set) => {
        for (const sel of set?.selections ?? []) {
          if (sel.kind === Kind.FRAGMENT_SPREAD && !used.has(sel.name.value)) {
            used.add(sel.name.value);
            findSpreads(fragments.get(sel.name.value).selectionSet);
          }
          if (sel.selectionSet) findSpreads(sel.selectionSet);
        }
      };
      findSpreads(def.selectionSet);
      const text = [print(def), ...[...used].sort().map((f) => print(fragments.get(f)))].join("\n\n");
      const resultName = `${pascal(opName)}${kind}`;
      ops.push(
        `export type ${resultName} = ${selectionTs(schema, root, def.selectionSet, fragments, "")};\n` +
          `export type ${resultName}Variables = ${variablesTs(schema, def)};\n` +
          `export const ${pascal(opName)}Document = ${quote(text)} as TypedDocument<${resultName}, ${resultName}Variables>;\n`,
      );
    }
  }

  return [
    "// Generated by web/scripts/codegen.mjs from api/schema.graphql and web/src/graphql/operations.",
    "// Do not edit: run `npm run -w web codegen`.",
    "/* eslint-disable */",
    "",
    "/** A GraphQL document as text, carrying its result and variables types. */",
    "export type TypedDocument<TResult, TVariables> = string & { readonly __result?: TResult; readonly __variables?: TVariables };",
    "export type ResultOf<D> = D extends TypedDocument<infer R, unknown> ? R : never;",
    "export type VariablesOf<D> = D extends TypedDocument<unknown, infer V> ? V : never;",
    "",
    enumsAndInputs(schema),
    ops.join("\n"),
  ].join("\n");
}

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, "..");
const repoDir = path.resolve(webDir, "..");
export const paths = {
  schema: path.join(repoDir, "api", "schema.graphql"),
  operations: path.join(webDir, "src", "graphql", "operations"),
  output: path.join(webDir, "src", "graphql", "generated.ts"),
};

function readOperations() {
  return readdirSync(paths.operations)
    .filter((f) => f.endsWith(".graphql"))
    .sort()
    .map((f) => ({ name: f, source: readFileSync(path.join(paths.operations, f), "utf8") }));
}

function main() {
  const check = process.argv.includes("--check");
  let text;
  try {
    text = generate(readFileSync(paths.schema, "utf8"), readOperations());
  } catch (err) {
    console.error(String(err instanceof Error ? err.message : err));
    process.exit(1);
  }
  const rel = path.relative(repoDir, paths.output);
  if (check) {
    const current = existsSync(paths.output) ? readFileSync(paths.output, "utf8") : "";
    if (current !== text) {
      console.error(`${rel} is stale: run \`npm run -w web codegen\` and commit the result.`);
      process.exit(1);
    }
    console.log(`${rel} is up to date.`);
    return;
  }
  writeFileSync(paths.output, text);
  console.log(`wrote ${rel}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
