import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";

/** What a request selects below a field: each sub-field's name with every node that selects it (aliases and fragments merged). */
export type Selection = Map<string, FieldNode[]>;

/** A selection with the request's fragments, so what is below it can be read too (`subSelection`). */
export interface NodeSelection {
  fields: Selection;
  fragments: GraphQLResolveInfo["fragments"];
}

function collect(selectionSet: SelectionSetNode | undefined, fragments: GraphQLResolveInfo["fragments"], into: Selection): void {
  for (const s of selectionSet?.selections ?? []) {
    if (s.kind === Kind.FIELD) {
      const list = into.get(s.name.value);
      if (list) list.push(s);
      else into.set(s.name.value, [s]);
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      collect(s.selectionSet, fragments, into);
    } else {
      collect(fragments[s.name.value]?.selectionSet, fragments, into);
    }
  }
}

/**
 * The sub-fields selected below `nodes` (several when aliased), merged across fragments. `@skip` and
 * `@include` are not evaluated, so a field they leave out still counts: callers use this to fetch
 * less, and fetching a little more is always correct.
 */
export function subSelection(nodes: readonly FieldNode[], fragments: GraphQLResolveInfo["fragments"]): Selection {
  const out: Selection = new Map();
  for (const node of nodes) collect(node.selectionSet, fragments, out);
  return out;
}

/** The selection at the end of `path` below the resolver's own field (e.g. ["edges", "node"] of a connection). */
export function selectionAt(info: Pick<GraphQLResolveInfo, "fieldNodes" | "fragments">, path: readonly string[]): NodeSelection {
  let fields: Selection = subSelection(info.fieldNodes, info.fragments);
  for (const name of path) fields = subSelection(fields.get(name) ?? [], info.fragments);
  return { fields, fragments: info.fragments };
}
