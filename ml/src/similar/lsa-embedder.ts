import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend";
import { tokenize } from "../text/tokenize";
import { Vocabulary } from "../text/vocabulary";
import { TfidfWeighter } from "../text/tfidf";
import type { SparseVector } from "../text/sparse";
import { symmetricEigen } from "../util/eigen";
import { base64ToFloat32, float32ToBase64 } from "../util/base64";
import { sparseTimesDense, sparseTransposeTimesDense } from "./sparse-products";

export interface EmbedderText {
  title: string;
  description?: string | null;
}

export interface LsaOptions {
  /**
   * Output dimension (default 128), zero-padded if the corpus supports fewer. On TRAIN-internal
   * validation (SeaMonkey TRAIN: LSA fitted on its older half, the 16 duplicates of its newer half
   * ranked against earlier TRAIN bugs, default fusion) 64 and 128 tie: fused RR@10 0.875 both,
   * MRR 0.558 / 0.563; so 128 stays. (The figure quoted here before, RR@10 0.87 vs 0.80, counted
   * TEST queries.)
   */
  dim?: number;
  seed?: number;
  minDf?: number;
  maxFeatures?: number;
  /** Power iterations of randomized SVD (default 2): sharper singular vectors for noisy text. */
  powerIterations?: number;
  /** Times the title's words are counted (default DEFAULT_TITLE_WEIGHT). */
  titleWeight?: number;
}

export interface LsaArtifact {
  kind: "quell.embedder.lsa";
  version: 1;
  dim: number;
  terms: string[];
  idf: string;
  /** V x dim float32 (term -> concept), base64. */
  projection: string;
  trainedOn: number;
  /** Times title words were counted; absent in artifacts from before it was an option (then 2). */
  titleWeight?: number;
}

/** Title repetitions before titleWeight was an option; artifacts without the field used it. */
export const LEGACY_TITLE_WEIGHT = 2;
/**
 * Title repetitions by default. Bug and incident titles are written to be telling; descriptions
 * carry logs and steps. Chosen on the 41 SeaMonkey TRAIN duplicates (TEST unseen): LSA alone MRR
 * 0.578 / 0.636 / 0.657 / 0.687 / 0.681 / 0.681 at 1 / 2 / 3 / 4 / 6 / 8, so 4, inside the plateau.
 */
export const DEFAULT_TITLE_WEIGHT = 4;

/** Words of an incident for retrieval: stop words dropped, title counted `titleWeight` times, description capped. */
export function retrievalTerms(x: EmbedderText, titleWeight = LEGACY_TITLE_WEIGHT): string[] {
  const { title, description } = retrievalFields(x);
  const out: string[] = [];
  for (let i = 0; i < titleWeight; i++) out.push(...title);
  out.push(...description);
  return out;
}

/** The same words per field (title once), for a fielded (BM25F) index. */
export function retrievalFields(x: EmbedderText): { title: string[]; description: string[] } {
  return { title: tokenize(x.title), description: tokenize((x.description ?? "").slice(0, 3_000)) };
}

/**
 * Latent semantic analysis: a truncated SVD of the organisation's own TF-IDF matrix, so that
 * incidents using different words for the same thing ("OOM" / "out of memory" in similar contexts)
 * land close together. Randomized SVD (Halko, Martinsson & Tropp 2011) with TF.js doing the big
 * products; only l x l eigenproblems (l = dim + 16) run in JS. No outside weights are used.
 */
export class LsaEmbedder {
  private constructor(
    readonly dim: number,
    readonly tfidf: TfidfWeighter,
    /** V x dim, row-major. */
    readonly projection: Float32Array,
    readonly trainedOn: number,
    readonly titleWeight = LEGACY_TITLE_WEIGHT,
  ) {}

  static async fit(texts: readonly EmbedderText[], opts: LsaOptions = {}): Promise<LsaEmbedder> {
    await initBackend();
    const dim = opts.dim ?? 128;
    const titleWeight = opts.titleWeight ?? DEFAULT_TITLE_WEIGHT;
    const terms = texts.map((t) => retrievalTerms(t, titleWeight));
    const vocab = Vocabulary.fit(terms, { minDf: opts.minDf ?? 2, maxFeatures: opts.maxFeatures ?? 40_000, maxDfRatio: 0.5 });
    const tfidf = new TfidfWeighter(vocab);
    const X = terms.map((t) => tfidf.transform(t));
    const V = vocab.size;
    const l = Math.min(dim + 16, V, X.length);
    const projection = new Float32Array(V * dim);
    if (l > 0) {
      const pk = await randomizedSvdProjection(X, V, l, Math.min(dim, l), opts.powerIterations ?? 2, opts.seed ?? 7);
      const k = Math.min(dim, l);
      for (let r = 0; r < V; r++) for (let c = 0; c < k; c++) projection[r * dim + c] = pk[r * k + c];
    }
    return new LsaEmbedder(dim, tfidf, projection, texts.length, titleWeight);
  }

  /** L2-normalised embeddings (zero vectors for text with no known term). */
  embed(texts: readonly (EmbedderText | string)[]): Float32Array[] {
    return texts.map((t) => this.embedSparse(this.vectorize(typeof t === "string" ? { title: t } : t)));
  }

  vectorize(x: EmbedderText): SparseVector {
    return this.tfidf.transform(retrievalTerms(x, this.titleWeight));
  }

  private embedSparse(x: SparseVector): Float32Array {
    const out = new Float32Array(this.dim);
    for (let i = 0; i < x.indices.length; i++) {
      const off = x.indices[i] * this.dim;
      const v = x.values[i];
      for (let d = 0; d < this.dim; d++) out[d] += v * this.projection[off + d];
    }
    let norm = 0;
    for (let d = 0; d < this.dim; d++) norm += out[d] * out[d];
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let d = 0; d < this.dim; d++) out[d] *= inv;
    }
    return out;
  }

  toArtifact(): LsaArtifact {
    return {
      kind: "quell.embedder.lsa",
      version: 1,
      dim: this.dim,
      terms: [...this.tfidf.vocab.terms],
      idf: float32ToBase64(this.tfidf.idf),
      projection: float32ToBase64(this.projection),
      trainedOn: this.trainedOn,
      titleWeight: this.titleWeight,
    };
  }

  static fromArtifact(a: LsaArtifact): LsaEmbedder {
    if (a.kind !== "quell.embedder.lsa" || a.version !== 1) throw new Error(`unsupported embedder artifact ${a.kind} v${a.version}`);
    const vocab = new Vocabulary(a.terms, new Int32Array(a.terms.length), a.trainedOn);
    return new LsaEmbedder(
      a.dim,
      new TfidfWeighter(vocab, {}, base64ToFloat32(a.idf)),
      base64ToFloat32(a.projection),
      a.trainedOn,
      a.titleWeight ?? LEGACY_TITLE_WEIGHT,
    );
  }
}

/** Orthonormal basis of Y's columns via the Gram matrix: Y E Λ^-1/2 (tiny eigenvalues dropped). */
async function orthonormalize(Y: tf.Tensor2D): Promise<tf.Tensor2D> {
  const l = Y.shape[1];
  const gram = tf.matMul(Y, Y, true, false);
  const g = Float64Array.from(await gram.data());
  gram.dispose();
  const { values, vectors } = symmetricEigen(g, l);
  const scale = new Float32Array(l * l);
  const floor = Math.max(values[0], 0) * 1e-10;
  for (let r = 0; r < l; r++) {
    for (let c = 0; c < l; c++) scale[r * l + c] = values[c] > floor ? vectors[r * l + c] / Math.sqrt(values[c]) : 0;
  }
  return tf.tidy(() => tf.matMul(Y, tf.tensor2d(scale, [l, l])) as tf.Tensor2D);
}

/** Top-k right singular vectors of X (n x V), scaled as V_k, flat V x k. */
async function randomizedSvdProjection(
  X: readonly SparseVector[],
  V: number,
  l: number,
  k: number,
  power: number,
  seed: number,
): Promise<Float32Array> {
  const omega = tf.randomNormal([V, l], 0, 1, "float32", seed) as tf.Tensor2D;
  let Y = sparseTimesDense(X, omega);
  omega.dispose();
  for (let i = 0; i < power; i++) {
    const Q = await orthonormalize(Y);
    Y.dispose();
    const Z = sparseTransposeTimesDense(X, Q, V);
    Q.dispose();
    const Zq = await orthonormalize(Z);
    Z.dispose();
    Y = sparseTimesDense(X, Zq);
    Zq.dispose();
  }
  const Q = await orthonormalize(Y);
  Y.dispose();
  // Z = Xᵀ Q = Bᵀ; B Bᵀ = Zᵀ Z = U Σ² Uᵀ, and the right singular vectors are Z U Σ^-1.
  const Z = sparseTransposeTimesDense(X, Q, V);
  Q.dispose();
  const gram = tf.matMul(Z, Z, true, false);
  const { values, vectors } = symmetricEigen(Float64Array.from(await gram.data()), l);
  gram.dispose();
  const m = new Float32Array(l * k);
  for (let r = 0; r < l; r++) {
    for (let c = 0; c < k; c++) m[r * k + c] = values[c] > 1e-12 ? vectors[r * l + c] / Math.sqrt(values[c]) : 0;
  }
  const P = tf.tidy(() => tf.matMul(Z, tf.tensor2d(m, [l, k])));
  Z.dispose();
  const out = (await P.data()) as Float32Array;
  P.dispose();
  return out;
}
