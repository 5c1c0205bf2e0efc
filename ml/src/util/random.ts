/** mulberry32: a small seeded PRNG, so shuffles and splits repeat exactly for a given seed. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace<T>(items: T[], rng: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * Splits indices 0..n-1 so that each label keeps its share in both parts (stratified), e.g. 80/20.
 * Every label with at least 2 items keeps at least one item on each side.
 */
export function stratifiedSplit(
  labels: readonly string[],
  holdoutShare: number,
  seed: number,
): { train: number[]; holdout: number[] } {
  const rng = createRng(seed);
  const byLabel = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const list = byLabel.get(l) ?? [];
    list.push(i);
    byLabel.set(l, list);
  });
  const train: number[] = [];
  const holdout: number[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const idx = shuffleInPlace(byLabel.get(label)!, rng);
    let h = Math.round(idx.length * holdoutShare);
    if (idx.length >= 2) h = Math.min(Math.max(h, 1), idx.length - 1);
    else h = 0;
    holdout.push(...idx.slice(0, h));
    train.push(...idx.slice(h));
  }
  return { train: train.sort((a, b) => a - b), holdout: holdout.sort((a, b) => a - b) };
}

/**
 * Holds out the newest share of rows by time (ties: the later index is newer), for validating on
 * drifting data: what a model is judged on is what it will meet next. Indices come back sorted.
 */
export function newestSplit(times: readonly number[], holdoutShare: number): { train: number[]; holdout: number[] } {
  const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
  const h = Math.min(Math.max(Math.round(times.length * holdoutShare), times.length > 1 ? 1 : 0), Math.max(times.length - 1, 0));
  const cut = order.length - h;
  return { train: order.slice(0, cut).sort((a, b) => a - b), holdout: order.slice(cut).sort((a, b) => a - b) };
}
