/** The fields a query asked for on a record, for the audit event's "what" (which fields were read). */
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

function collect(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, out: Map<string, FieldNode[]>) {
  for (const s of set?.selections ?? []) {
    if (s.kind === Kind.FIELD) {
      const list = out.get(s.name.value) ?? [];
      list.push(s);
      out.set(s.name.value, list);
    } else if (s.kind === Kind.INLINE_FRAGMENT) collect(s.selectionSet, info, out);
    else collect(info.fragments[s.name.value]?.selectionSet, info, out);
  }
}

/** Field names selected below the current field, following `path` (e.g. ['nodes'] for a connection). */
export function selectedFields(info: GraphQLResolveInfo, path: string[] = []): string[] {
  let nodes: FieldNode[] = [...info.fieldNodes];
  for (const step of path) {
    const next = new Map<string, FieldNode[]>();
    for (const n of nodes) collect(n.selectionSet, info, next);
    nodes = next.get(step) ?? [];
  }
  const fields = new Map<string, FieldNode[]>();
  for (const n of nodes) collect(n.selectionSet, info, fields);
  return [...fields.keys()].filter((f) => f !== '__typename').sort();
}
