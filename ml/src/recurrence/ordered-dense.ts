import * as tf from "@tensorflow/tfjs";
import type { VectorHit } from "../similar/ivf-index";
import type { SimilarIncidentIndex } from "../similar/similar-index";
import { TopK } from "../similar/topk";
import { base64ToFloat32 } from "../util/base64";

/** Score-matrix cells per TF.js product (4M float32: 16 MB), as kmeans' assignNearest chunks. */
const MAX_CELLS = 4_000_000;

/**
 * The dense half of the neighbour lookup for a full rebuild, done for a block of incidents at a time
 * with matrix products (TF.js, wasm SIMD) instead of one JS scan per incident. In a rebuild the
 * incidents assigned before an incident are exactly those earlier in creation order, so each one's
 * dense neighbours do not depend on the grouping and can be found ahead of it. The search is the
 * similar-incident index's own ANN search: the same cells (its centroids; one flat list while it is
 * untrained), each query scanning its `nprobe` nearest cells, top `depth` by inner product over the
 * earlier incidents there. Only the arithmetic differs (float32 products), so a score can differ from
 * the scan's in the seventh digit; when the index holds int16 codes (a stored bundle's default) the
 * scan scores the decoded vectors, each value within half a code step (about 1e-5), so then in
 * about the fifth.
 */
export class OrderedDenseSearch {
  private readonly dim: number;
  private readonly nlist: number;
  private readonly nprobe: number;
  /** Cells each incident's query scans, nearest first (n x nprobe); [0] is the cell it is filed in. */
  private readonly probes: Int32Array;
  /** Positions (creation order) of the incidents filed in each cell, ascending. */
  private readonly members: Int32Array[];

  /**
   * @param vectors the incidents' vectors in creation order (null: not in the ANN index, never a
   *   dense neighbour, and its own query finds nothing).
   */
  constructor(
    index: SimilarIncidentIndex,
    private readonly ids: readonly string[],
    private readonly vectors: ReadonlyArray<Float32Array | null>,
    private readonly depth: number,
  ) {
    this.dim = index.ann.dim;
    const state = index.ann.toState();
    const centroids = state.centroids ? base64ToFloat32(state.centroids) : new Float32Array(0);
    this.nlist = Math.max(1, centroids.length / this.dim);
    this.nprobe = Math.min(index.ann.nprobe, this.nlist);
    this.probes = centroids.length ? this.nearestCells(centroids) : new Int32Array(vectors.length);
    const counts = new Int32Array(this.nlist);
    vectors.forEach((v, i) => v && counts[this.probes[i * this.nprobe]]++);
    this.members = Array.from(counts, (c) => new Int32Array(c));
    counts.fill(0);
    vectors.forEach((v, i) => {
      if (!v) return;
      const cell = this.probes[i * this.nprobe];
      this.members[cell][counts[cell]++] = i;
    });
  }

  get size(): number {
    return this.vectors.length;
  }

  /** Dense top `depth` of each incident in positions [start, end), among incidents before it. */
  block(start: number, end: number): VectorHit[][] {
    const tops = Array.from({ length: end - start }, () => new TopK(this.depth));
    const queriesOf: number[][] = Array.from({ length: this.nlist }, () => []);
    for (let q = start; q < end; q++) {
      if (!this.vectors[q]) continue;
      for (let p = 0; p < this.nprobe; p++) queriesOf[this.probes[q * this.nprobe + p]].push(q);
    }
    for (let cell = 0; cell < this.nlist; cell++) {
      const queries = queriesOf[cell];
      if (queries.length === 0) continue;
      const members = this.members[cell];
      // Only incidents before the block's last query can be anyone's neighbour.
      let eligible = 0;
      while (eligible < members.length && members[eligible] < end - 1) eligible++;
      if (eligible === 0) continue;
      const Q = this.gather(queries, 0, queries.length, false);
      const columns = Math.max(1, Math.floor(MAX_CELLS / queries.length));
      for (let from = 0; from < eligible; from += columns) {
        const to = Math.min(eligible, from + columns);
        const VT = this.gather(members, from, to, true);
        const scores = read(() => tf.matMul(tf.tensor2d(Q, [queries.length, this.dim]), tf.tensor2d(VT, [this.dim, to - from])));
        const width = to - from;
        for (let r = 0; r < queries.length; r++) {
          const q = queries[r];
          const top = tops[q - start];
          const row = r * width;
          // Members are in creation order: only the first `before` of these come before q.
          const before = countBelow(members, from, to, q) - from;
          let floor = top.floor;
          for (let c = 0; c < before; c++) {
            const s = scores[row + c];
            if (s > floor) {
              top.push(members[from + c], s);
              floor = top.floor;
            }
          }
        }
      }
    }
    return tops.map((top) => {
      const hits: VectorHit[] = [];
      for (let i = 0; i < top.size; i++) hits.push({ id: this.ids[top.items[i]], score: top.scores[i] });
      return hits;
    });
  }

  /** Rows `positions[from..to)` as a matrix, row-major, or transposed (dim x count) for the right side of a product. */
  private gather(positions: ArrayLike<number>, from: number, to: number, transposed: boolean): Float32Array {
    const count = to - from;
    const out = new Float32Array(count * this.dim);
    for (let i = 0; i < count; i++) {
      const v = this.vectors[positions[from + i]];
      if (!v) continue;
      if (!transposed) out.set(v, i * this.dim);
      else for (let d = 0; d < this.dim; d++) out[d * count + i] = v[d];
    }
    return out;
  }

  /** The nprobe cells nearest to every vector, by the index's rule: argmax of v·c - |c|²/2. */
  private nearestCells(centroids: Float32Array): Int32Array {
    const n = this.vectors.length;
    const out = new Int32Array(n * this.nprobe);
    const cT = tf.tidy(() => tf.transpose(tf.tensor2d(centroids, [this.nlist, this.dim])));
    const halfNorm = tf.tidy(() => tf.tensor2d(centroids, [this.nlist, this.dim]).square().sum(1).mul(0.5));
    const chunk = Math.max(1, Math.floor(MAX_CELLS / this.nlist));
    const all = Array.from({ length: n }, (_, i) => i);
    try {
      for (let start = 0; start < n; start += chunk) {
        const rows = Math.min(chunk, n - start);
        const x = this.gather(all, start, start + rows, false);
        const scores = read(() => tf.matMul(tf.tensor2d(x, [rows, this.dim]), cT).sub(halfNorm));
        for (let r = 0; r < rows; r++) {
          const top = new TopK(this.nprobe);
          for (let c = 0; c < this.nlist; c++) top.push(c, scores[r * this.nlist + c]);
          out.set(top.items.subarray(0, this.nprobe), (start + r) * this.nprobe);
        }
      }
    } finally {
      cT.dispose();
      halfNorm.dispose();
    }
    return out;
  }
}

/** The first position in sorted `a[from..to)` holding a value >= x (to when none). */
function countBelow(a: Int32Array, from: number, to: number, x: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The values of a tensor built in a tidy scope (not returned from it: tidy would walk every number). */
function read(build: () => tf.Tensor): Float32Array {
  const t = tf.tidy(build);
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}
