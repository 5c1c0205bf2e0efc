/** Term -> column index, learned from a corpus with document-frequency limits. */
export interface VocabularyOptions {
  /** Keep terms that appear in at least this many documents (default 2): one-off typos are noise. */
  minDf?: number;
  /** Drop terms in more than this share of documents (default 1, i.e. keep all). */
  maxDfRatio?: number;
  /** Keep at most this many terms, the most frequent first (default 200,000). */
  maxFeatures?: number;
}

export class Vocabulary {
  private readonly index: Map<string, number>;

  constructor(
    readonly terms: readonly string[],
    /** Document frequency of each term in the corpus it was fitted on. */
    readonly df: Int32Array,
    /** Number of documents it was fitted on. */
    readonly nDocs: number,
  ) {
    this.index = new Map(terms.map((t, i) => [t, i]));
  }

  get size(): number {
    return this.terms.length;
  }

  indexOf(term: string): number | undefined {
    return this.index.get(term);
  }

  static fit(docs: Iterable<readonly string[]>, opts: VocabularyOptions = {}): Vocabulary {
    const minDf = opts.minDf ?? 2;
    const maxFeatures = opts.maxFeatures ?? 200_000;
    const counts = new Map<string, number>();
    let n = 0;
    for (const doc of docs) {
      n++;
      for (const t of new Set(doc)) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    const maxDf = (opts.maxDfRatio ?? 1) * n;
    const kept = [...counts].filter(([, df]) => df >= minDf && df <= maxDf);
    // Most frequent first; ties broken by the term so the vocabulary is deterministic.
    kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const top = kept.slice(0, maxFeatures);
    return new Vocabulary(
      top.map(([t]) => t),
      Int32Array.from(top.map(([, df]) => df)),
      n,
    );
  }
}
