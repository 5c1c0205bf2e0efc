/**
 * Feature hashing: a term goes to a column by its hash, so no vocabulary needs to be stored or
 * fitted. Used where the vocabulary is open-ended (e.g. streaming); collisions are the price.
 */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Column in [0, dim) and a sign (+1/-1) from a second hash so that collisions cancel on average. */
export function hashFeature(term: string, dim: number): { index: number; sign: 1 | -1 } {
  const h = fnv1a32(term);
  return { index: h % dim, sign: (fnv1a32("~" + term) & 1) === 0 ? 1 : -1 };
}

export function hashCounts(terms: readonly string[], dim: number): Map<number, number> {
  const m = new Map<number, number>();
  for (const t of terms) {
    const { index, sign } = hashFeature(t, dim);
    m.set(index, (m.get(index) ?? 0) + sign);
  }
  return m;
}
