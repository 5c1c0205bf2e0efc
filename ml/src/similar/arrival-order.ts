export interface DatedRow {
  id: string;
  createdAt?: Date | null;
}

export interface GrowingIndex<R> {
  add(row: R): void;
  remove(id: string): void;
}

/**
 * Visits each query with the index holding exactly its candidate pool: the rows created strictly
 * before it (rows without a date count as oldest; a query without a date sees every other row).
 * Rows are added in arrival order, so everything the index derives from its contents (BM25's
 * document frequencies, document count and mean length) comes only from what the query may see,
 * as it would in production. Ranking against an index of all rows leaks later rows' statistics.
 */
export function visitInArrivalOrder<R extends DatedRow, Q extends DatedRow>(
  rows: readonly R[],
  queries: readonly Q[],
  index: GrowingIndex<R>,
  visit: (query: Q) => void,
): void {
  const time = (x: DatedRow) => x.createdAt?.getTime() ?? -Infinity;
  const sorted = [...rows].sort((a, b) => time(a) - time(b));
  const dated = queries.filter((q) => q.createdAt).sort((a, b) => time(a) - time(b));
  let next = 0;
  for (const q of dated) {
    while (next < sorted.length && time(sorted[next]) < time(q)) index.add(sorted[next++]);
    visit(q);
  }
  while (next < sorted.length) index.add(sorted[next++]);
  const own = new Map(sorted.map((r) => [r.id, r]));
  for (const q of queries) {
    if (q.createdAt) continue;
    const self = own.get(q.id);
    if (self) index.remove(q.id);
    visit(q);
    if (self) index.add(self);
  }
}
