/** Okapi BM25 parameters; k1 1.2 and b 0.75 are the usual defaults from the IR literature. */
export interface Bm25Params {
  k1: number;
  b: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75 };

/** BM25 idf as in Lucene: ln(1 + (N - df + 0.5) / (df + 0.5)), never negative. */
export function bm25Idf(df: number, nDocs: number): number {
  return Math.log(1 + (nDocs - df + 0.5) / (df + 0.5));
}

/** Contribution of one query term that occurs `tf` times in a document of length `docLen`. */
export function bm25TermScore(
  tf: number,
  df: number,
  nDocs: number,
  docLen: number,
  avgDocLen: number,
  p: Bm25Params = DEFAULT_BM25,
): number {
  if (tf <= 0) return 0;
  return bm25Idf(df, nDocs) * bm25TfFactor(tf, docLen, avgDocLen, p);
}

/** BM25's saturating, length-normalised term-frequency factor: a term's score without its idf. */
export function bm25TfFactor(tf: number, docLen: number, avgDocLen: number, p: Bm25Params = DEFAULT_BM25): number {
  const norm = p.k1 * (1 - p.b + (p.b * docLen) / (avgDocLen || 1));
  return (tf * (p.k1 + 1)) / (tf + norm);
}
