/**
 * Known duplicate groups collapsed to their original, as bucket-based duplicate retrieval does
 * (Sun et al., ASE 2011, "REP": a new report is matched against buckets, each named by its master
 * report). An incident already linked as a duplicate of an earlier one is evidence for that
 * original: the group is listed once, at the rank of its best-scoring member, as its original.
 *
 * `originalOf(id)` is the link known when the query is asked (a duplicate-of link made later must
 * not be used: evaluation passes only links resolved before the query). Links are followed to the
 * root (cycles stop the walk). A root that `eligible` rejects (not in the query's candidate pool)
 * is not substituted: the member is listed as itself.
 */
export function collapseDuplicateGroups<T extends { id: string }>(
  rankedBestFirst: readonly T[],
  originalOf: (id: string) => string | null | undefined,
  eligible: (id: string) => boolean,
  asOriginal: (originalId: string, bestMember: T) => T,
): T[] {
  const out: T[] = [];
  const listed = new Set<string>();
  for (const hit of rankedBestFirst) {
    const root = rootOf(hit.id, originalOf);
    const rep = root !== hit.id && eligible(root) ? root : hit.id;
    if (listed.has(rep)) continue;
    listed.add(rep);
    out.push(rep === hit.id ? hit : asOriginal(rep, hit));
  }
  return out;
}

/** Follows duplicate-of links to the original (at most 32 steps; a cycle stops the walk). */
export function rootOf(id: string, originalOf: (id: string) => string | null | undefined): string {
  let at = id;
  const seen = new Set<string>([id]);
  for (let i = 0; i < 32; i++) {
    const next = originalOf(at);
    if (!next || seen.has(next)) break;
    seen.add(next);
    at = next;
  }
  return at;
}
