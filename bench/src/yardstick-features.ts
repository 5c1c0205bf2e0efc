/** Rows of a sparse matrix (compressed sparse rows). */
export interface Csr {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

const WORD_RE = /\b\w\w+\b/gu;

/** scikit-learn's default analyzers on lower-cased text: `word` (token pattern \b\w\w+\b) and `char_wb`. */
function analyze(text: string, kind: "word" | "char_wb", minN: number, maxN: number): string[] {
  const lower = text.toLowerCase();
  const out: string[] = [];
  if (kind === "word") {
    const toks = lower.match(WORD_RE) ?? [];
    for (let n = minN; n <= maxN; n++) for (let i = 0; i + n <= toks.length; i++) out.push(n === 1 ? toks[i] : toks.slice(i, i + n).join(" "));
    return out;
  }
  for (const word of lower.split(/\s+/)) {
    if (!word) continue;
    const w = ` ${word} `;
    for (let n = minN; n <= maxN; n++) {
      for (let i = 0; i + n <= w.length; i++) out.push(w.substring(i, i + n));
      if (n >= w.length) break;
    }
  }
  return out;
}

/**
 * One TfidfVectorizer block: sublinear TF (1 + ln tf), smoothed idf ln((1 + N) / (1 + df)) + 1,
 * rows L2-normalised. Vocabulary and idf come from the texts given to `fit` only (TRAIN).
 * min_df 2 (scikit-learn's default is 1): terms seen once in TRAIN get weight in no other row.
 */
export class TfidfVectorizerBlock {
  private constructor(
    private readonly kind: "word" | "char_wb",
    private readonly minN: number,
    private readonly maxN: number,
    private readonly vocab: Map<string, number>,
    private readonly idf: Float64Array,
  ) {}

  get size(): number {
    return this.idf.length;
  }

  static fit(texts: readonly string[], kind: "word" | "char_wb", minN: number, maxN: number, minDf = 2): TfidfVectorizerBlock {
    const df = new Map<string, number>();
    for (const t of texts) for (const term of new Set(analyze(t, kind, minN, maxN))) df.set(term, (df.get(term) ?? 0) + 1);
    const terms = [...df].filter(([, d]) => d >= minDf).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const vocab = new Map(terms.map(([t], i) => [t, i]));
    const idf = Float64Array.from(terms, ([, d]) => Math.log((1 + texts.length) / (1 + d)) + 1);
    return new TfidfVectorizerBlock(kind, minN, maxN, vocab, idf);
  }

  transformAll(texts: readonly string[]): Csr {
    const indptr = new Int32Array(texts.length + 1);
    let idx = new Int32Array(1 << 16);
    let val = new Float32Array(1 << 16);
    let nnz = 0;
    texts.forEach((t, i) => {
      const tf = new Map<number, number>();
      for (const term of analyze(t, this.kind, this.minN, this.maxN)) {
        const j = this.vocab.get(term);
        if (j !== undefined) tf.set(j, (tf.get(j) ?? 0) + 1);
      }
      const cols = [...tf.keys()].sort((a, b) => a - b);
      const weights = cols.map((j) => (1 + Math.log(tf.get(j)!)) * this.idf[j]);
      const norm = Math.sqrt(weights.reduce((s, v) => s + v * v, 0)) || 1;
      if (nnz + cols.length > idx.length) {
        const cap = Math.max(idx.length * 2, nnz + cols.length);
        const grownIdx = new Int32Array(cap);
        const grownVal = new Float32Array(cap);
        grownIdx.set(idx.subarray(0, nnz));
        grownVal.set(val.subarray(0, nnz));
        idx = grownIdx;
        val = grownVal;
      }
      cols.forEach((j, k) => {
        idx[nnz] = j;
        val[nnz++] = weights[k] / norm;
      });
      indptr[i + 1] = nnz;
    });
    return { indptr, indices: idx.slice(0, nnz), values: val.slice(0, nnz) };
  }
}
