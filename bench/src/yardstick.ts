import { TfidfVectorizerBlock, type Csr } from "./yardstick-features";

export type { Csr };

export { TfidfVectorizerBlock };

export interface YardstickOptions {
  /** SVM regularisation C (default 1, scikit-learn's LinearSVC default). */
  c?: number;
  /** Stop when the projected-gradient spread falls below this (default 0.1, liblinear's default for this solver). */
  tolerance?: number;
  maxIterations?: number;
  seed?: number;
}

/**
 * The bench's yardstick: TF-IDF word 1-2 grams + char_wb 2-5 grams (sublinear TF, smoothed idf,
 * each block L2-normalised, as scikit-learn's TfidfVectorizer in a FeatureUnion) and a one-vs-rest
 * L2-regularised squared-hinge linear SVM (scikit-learn's LinearSVC), trained by liblinear's dual
 * coordinate descent (Hsieh et al., ICML 2008) to the same stopping rule. Written apart from the
 * ml package on purpose: it shares no tokeniser, vocabulary size or training code with the
 * pipeline it judges, only the text fields.
 */
export class LinearSvmYardstick {
  private constructor(
    readonly labels: string[],
    private readonly words: TfidfVectorizerBlock,
    private readonly chars: TfidfVectorizerBlock,
    /** Per class: weights over [word block, char block, bias]. */
    private readonly w: Float64Array[],
    readonly iterations: number[],
  ) {}

  static fit(texts: readonly string[], labels: readonly string[], opts: YardstickOptions = {}): LinearSvmYardstick {
    const classes = [...new Set(labels)].sort();
    const words = TfidfVectorizerBlock.fit(texts, "word", 1, 2);
    const chars = TfidfVectorizerBlock.fit(texts, "char_wb", 2, 5);
    const X = hstack(words.transformAll(texts), chars.transformAll(texts), words.size, chars.size);
    const nFeatures = words.size + chars.size + 1;
    const w: Float64Array[] = [];
    const iterations: number[] = [];
    for (const c of classes) {
      const y = Int8Array.from(labels, (l) => (l === c ? 1 : -1));
      const fit = trainBinarySvm(X, y, nFeatures, opts);
      w.push(fit.w);
      iterations.push(fit.iterations);
    }
    return new LinearSvmYardstick(classes, words, chars, w, iterations);
  }

  /** Decision values per class for each text. */
  decisionValues(texts: readonly string[]): Float64Array[] {
    const X = hstack(this.words.transformAll(texts), this.chars.transformAll(texts), this.words.size, this.chars.size);
    const out: Float64Array[] = [];
    for (let i = 0; i < texts.length; i++) {
      const s = new Float64Array(this.labels.length);
      for (let c = 0; c < this.labels.length; c++) s[c] = dotRow(X, i, this.w[c]);
      out.push(s);
    }
    return out;
  }

  /** The k labels with the largest decision values, best first. */
  rank(texts: readonly string[], k: number): string[][] {
    return this.decisionValues(texts).map((s) =>
      Array.from(s.keys())
        .sort((a, b) => s[b] - s[a])
        .slice(0, k)
        .map((c) => this.labels[c]),
    );
  }
}

/** Joins the word and char blocks side by side and appends the constant bias feature (liblinear's B = 1). */
function hstack(a: Csr, b: Csr, aSize: number, bSize: number): Csr {
  const n = a.indptr.length - 1;
  const indptr = new Int32Array(n + 1);
  const nnz = a.indices.length + b.indices.length + n;
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let k = a.indptr[i]; k < a.indptr[i + 1]; k++, p++) {
      indices[p] = a.indices[k];
      values[p] = a.values[k];
    }
    for (let k = b.indptr[i]; k < b.indptr[i + 1]; k++, p++) {
      indices[p] = aSize + b.indices[k];
      values[p] = b.values[k];
    }
    indices[p] = aSize + bSize;
    values[p++] = 1;
    indptr[i + 1] = p;
  }
  return { indptr, indices, values };
}

function dotRow(X: Csr, i: number, w: Float64Array): number {
  let s = 0;
  for (let k = X.indptr[i]; k < X.indptr[i + 1]; k++) s += X.values[k] * w[X.indices[k]];
  return s;
}

/** One-vs-rest SVMs on rows that already carry a bias column: weights per class (for comparing learners on one feature set). */
export function trainOneVsRestSvm(X: Csr, y: readonly number[], nClasses: number, nFeatures: number, opts: YardstickOptions = {}): Float64Array[] {
  return Array.from({ length: nClasses }, (_, c) => trainBinarySvm(X, Int8Array.from(y, (v) => (v === c ? 1 : -1)), nFeatures, opts).w);
}

export function decisionValuesOf(X: Csr, w: readonly Float64Array[]): Float64Array[] {
  return Array.from({ length: X.indptr.length - 1 }, (_, i) => Float64Array.from(w, (wc) => dotRow(X, i, wc)));
}

/**
 * Dual coordinate descent for min_w 0.5 |w|^2 + C sum_i max(0, 1 - y_i w.x_i)^2, with shrinking,
 * as liblinear's L2R_L2LOSS_SVC_DUAL solver (scikit-learn's LinearSVC).
 */
function trainBinarySvm(X: Csr, y: Int8Array, nFeatures: number, opts: YardstickOptions): { w: Float64Array; iterations: number } {
  const C = opts.c ?? 1;
  const eps = opts.tolerance ?? 0.1;
  const maxIter = opts.maxIterations ?? 1000;
  const n = y.length;
  const diag = 0.5 / C;
  const w = new Float64Array(nFeatures);
  const alpha = new Float64Array(n);
  const QD = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = diag;
    for (let k = X.indptr[i]; k < X.indptr[i + 1]; k++) s += X.values[k] * X.values[k];
    QD[i] = s;
  }
  const index = Int32Array.from({ length: n }, (_, i) => i);
  let active = n;
  let pgMaxOld = Infinity;
  let state = (opts.seed ?? 1) >>> 0;
  const rand = (m: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % m;
  };
  let iter = 0;
  for (; iter < maxIter; iter++) {
    let pgMax = -Infinity;
    let pgMin = Infinity;
    for (let i = 0; i < active; i++) {
      const j = i + rand(active - i);
      [index[i], index[j]] = [index[j], index[i]];
    }
    for (let s = 0; s < active; s++) {
      const i = index[s];
      const yi = y[i];
      const G = yi * dotRow(X, i, w) - 1 + alpha[i] * diag;
      let PG = 0;
      if (alpha[i] === 0) {
        if (G > pgMaxOld) {
          active--;
          [index[s], index[active]] = [index[active], index[s]];
          s--;
          continue;
        }
        if (G < 0) PG = G;
      } else PG = G;
      pgMax = Math.max(pgMax, PG);
      pgMin = Math.min(pgMin, PG);
      if (Math.abs(PG) > 1e-12) {
        const old = alpha[i];
        alpha[i] = Math.max(old - G / QD[i], 0);
        const d = (alpha[i] - old) * yi;
        for (let k = X.indptr[i]; k < X.indptr[i + 1]; k++) w[X.indices[k]] += d * X.values[k];
      }
    }
    if (pgMax - pgMin <= eps) {
      if (active === n) break;
      // Converged on the shrunk set: check every variable once more before stopping.
      active = n;
      pgMaxOld = Infinity;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
  }
  return { w, iterations: iter + 1 };
}
