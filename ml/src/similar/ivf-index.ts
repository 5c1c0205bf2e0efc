import { assignNearest, kMeans } from "./kmeans";
import { TopK } from "./topk";
import { base64ToFloat32, float32ToBase64 } from "../util/base64";

export interface VectorHit {
  id: string;
  score: number;
}

export interface IvfOptions {
  /** Lists (k-means cells); default about 2 * sqrt(n), at least 1. */
  nlist?: number;
  /** Lists scanned per query; default 32 (tune with the bench: recall vs latency). */
  nprobe?: number;
  seed?: number;
  /** Rows used to train the centroids (default 64 per list, at most 200,000). */
  trainSample?: number;
  kmeansIterations?: number;
}

export interface IvfState {
  kind: "quell.ivf";
  dim: number;
  nprobe: number;
  /** k-means centroids, nlist x dim float32, base64; empty while untrained (one flat list). */
  centroids: string;
}

interface List {
  vecs: Float32Array;
  handles: Int32Array;
  count: number;
}

/**
 * Inverted-file index for inner-product search over L2-normalised vectors: k-means cells, a query
 * scans only the `nprobe` cells nearest to it, exact dot products inside them. Incremental add and
 * remove; the centroids are the only learned state, so a worker rebuilds the index from stored
 * embeddings with `fromState` + `add` (no k-means, no embedder retraining).
 * Until `train` is called it is one flat list, i.e. exact search.
 */
export class IvfIndex {
  private centroids: Float32Array = new Float32Array(0);
  private halfNorms: Float32Array = new Float32Array(0);
  private lists: List[] = [];
  private readonly handleOf = new Map<string, number>();
  private ids: string[] = [];
  private listOf: Int32Array = new Int32Array(1024);
  private posOf: Int32Array = new Int32Array(1024);
  private freeHandles: number[] = [];
  nprobe: number;

  constructor(
    readonly dim: number,
    opts: { nprobe?: number } = {},
  ) {
    this.nprobe = opts.nprobe ?? 32;
    this.lists = [newList(dim)];
  }

  get size(): number {
    return this.handleOf.size;
  }

  get nlist(): number {
    return this.lists.length;
  }

  get trained(): boolean {
    return this.centroids.length > 0;
  }

  has(id: string): boolean {
    return this.handleOf.has(id);
  }

  /** Builds from stored vectors in one go: trains centroids, then files every vector. */
  static async build(ids: readonly string[], vectors: Float32Array, dim: number, opts: IvfOptions = {}): Promise<IvfIndex> {
    const index = new IvfIndex(dim, opts);
    await index.load(ids, vectors, opts);
    return index;
  }

  static fromState(state: IvfState): IvfIndex {
    const index = new IvfIndex(state.dim, { nprobe: state.nprobe });
    if (state.centroids) index.reset(base64ToFloat32(state.centroids));
    return index;
  }

  toState(): IvfState {
    return { kind: "quell.ivf", dim: this.dim, nprobe: this.nprobe, centroids: this.trained ? float32ToBase64(this.centroids) : "" };
  }

  /** (Re)trains centroids on the vectors held now and refiles them; call when the flat list grows large. */
  async train(opts: IvfOptions = {}): Promise<void> {
    const { ids, vectors } = this.exportAll();
    await this.load(ids, vectors, opts);
  }

  /**
   * Adds many vectors (n x dim, flat) with the cell assignment done as one TF.js matrix product:
   * how a worker refills an index from stored embeddings, much faster than add() one by one.
   */
  async addMany(ids: readonly string[], vectors: Float32Array): Promise<void> {
    const assign = this.trained ? await assignNearest(vectors, this.centroids, this.dim) : new Int32Array(ids.length);
    this.bulkInsert(ids, vectors, assign);
  }

  private async load(ids: readonly string[], vectors: Float32Array, opts: IvfOptions): Promise<void> {
    const n = ids.length;
    const nlist = opts.nlist ?? Math.max(1, Math.round(2 * Math.sqrt(n)));
    if (nlist > 1 && n >= nlist * 4) {
      const sampleN = Math.min(n, opts.trainSample ?? Math.min(200_000, nlist * 64));
      const sample = sampleRows(vectors, this.dim, n, sampleN, opts.seed ?? 1);
      this.reset(await kMeans(sample, this.dim, nlist, { seed: opts.seed ?? 1, iterations: opts.kmeansIterations ?? 8 }));
    } else {
      this.reset(new Float32Array(0));
    }
    await this.addMany(ids, vectors);
  }

  add(id: string, vector: ArrayLike<number>): void {
    if (vector.length !== this.dim) throw new Error(`vector has ${vector.length} dimensions, index has ${this.dim}`);
    this.remove(id);
    this.insert(id, vector, this.trained ? this.nearestList(asFloat32(vector)) : 0);
  }

  remove(id: string): boolean {
    const h = this.handleOf.get(id);
    if (h === undefined) return false;
    const list = this.lists[this.listOf[h]];
    const pos = this.posOf[h];
    const last = list.count - 1;
    if (pos !== last) {
      // Swap-remove: move the last vector into the hole so lists stay dense for scanning.
      list.vecs.copyWithin(pos * this.dim, last * this.dim, (last + 1) * this.dim);
      const moved = list.handles[last];
      list.handles[pos] = moved;
      this.posOf[moved] = pos;
    }
    list.count--;
    this.handleOf.delete(id);
    this.freeHandles.push(h);
    return true;
  }

  getVector(id: string): Float32Array | undefined {
    const h = this.handleOf.get(id);
    if (h === undefined) return undefined;
    const p = this.posOf[h];
    return this.lists[this.listOf[h]].vecs.slice(p * this.dim, (p + 1) * this.dim);
  }

  /** Approximate top-k by inner product. `filter` drops ids (e.g. later incidents, the query itself). */
  search(query: ArrayLike<number>, k: number, opts: { nprobe?: number; filter?: (id: string) => boolean } = {}): VectorHit[] {
    const q = asFloat32(query);
    const top = new TopK(k);
    const probe = Math.min(opts.nprobe ?? this.nprobe, this.lists.length);
    for (const l of this.nearestLists(q, probe)) this.scanList(this.lists[l], q, top, opts.filter);
    return this.hits(top);
  }

  /** Exact top-k over every vector: the reference for recall, and the path for small indexes. */
  exactSearch(query: ArrayLike<number>, k: number, filter?: (id: string) => boolean): VectorHit[] {
    const q = asFloat32(query);
    const top = new TopK(k);
    for (const list of this.lists) this.scanList(list, q, top, filter);
    return this.hits(top);
  }

  private hits(top: TopK): VectorHit[] {
    const out: VectorHit[] = [];
    for (let i = 0; i < top.size; i++) out.push({ id: this.ids[top.items[i]], score: top.scores[i] });
    return out;
  }

  private scanList(list: List, q: Float32Array, top: TopK, filter?: (id: string) => boolean): void {
    const v = list.vecs;
    const count = list.count;
    for (let i = 0; i < count; i++) {
      const s = dotAt(q, v, i * this.dim, this.dim);
      if (s <= top.floor) continue;
      const h = list.handles[i];
      if (filter && !filter(this.ids[h])) continue;
      top.push(h, s);
    }
  }

  private nearestLists(q: Float32Array, probe: number): number[] {
    if (!this.trained) return [0];
    const top = new TopK(probe);
    for (let c = 0; c < this.lists.length; c++) top.push(c, dotAt(q, this.centroids, c * this.dim, this.dim) - this.halfNorms[c]);
    return Array.from(top.items.subarray(0, top.size));
  }

  private nearestList(q: Float32Array): number {
    return this.nearestLists(q, 1)[0];
  }

  /** Empties the index and sets its cells (none: one flat list, exact search). */
  private reset(centroids: Float32Array): void {
    const n = centroids.length / this.dim;
    this.centroids = centroids;
    this.halfNorms = new Float32Array(n);
    for (let i = 0; i < n; i++) this.halfNorms[i] = dotAt(centroids, centroids, i * this.dim, this.dim, i * this.dim) / 2;
    this.lists = Array.from({ length: Math.max(n, 1) }, () => newList(this.dim));
    this.handleOf.clear();
    this.ids = [];
    this.freeHandles = [];
  }

  private bulkInsert(ids: readonly string[], vectors: Float32Array, assign: Int32Array): void {
    // Size each list once instead of growing it vector by vector.
    const counts = new Int32Array(this.lists.length);
    for (let i = 0; i < ids.length; i++) counts[assign[i]]++;
    this.lists.forEach((l, c) => ensureCapacity(l, this.dim, l.count + counts[c]));
    for (let i = 0; i < ids.length; i++) {
      this.remove(ids[i]);
      this.insert(ids[i], vectors.subarray(i * this.dim, (i + 1) * this.dim), assign[i]);
    }
  }

  private insert(id: string, vector: ArrayLike<number>, l: number): void {
    const h = this.freeHandles.pop() ?? this.ids.length;
    if (h === this.ids.length) this.ids.push(id);
    else this.ids[h] = id;
    if (h >= this.listOf.length) {
      this.listOf = grow(this.listOf, h + 1);
      this.posOf = grow(this.posOf, h + 1);
    }
    const list = this.lists[l];
    ensureCapacity(list, this.dim, list.count + 1);
    list.vecs.set(vector, list.count * this.dim);
    list.handles[list.count] = h;
    this.listOf[h] = l;
    this.posOf[h] = list.count;
    list.count++;
    this.handleOf.set(id, h);
  }

  private exportAll(): { ids: string[]; vectors: Float32Array } {
    const ids: string[] = [];
    const vectors = new Float32Array(this.size * this.dim);
    for (const list of this.lists) {
      for (let i = 0; i < list.count; i++) {
        vectors.set(list.vecs.subarray(i * this.dim, (i + 1) * this.dim), ids.length * this.dim);
        ids.push(this.ids[list.handles[i]]);
      }
    }
    return { ids, vectors };
  }
}

function asFloat32(v: ArrayLike<number>): Float32Array {
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

/**
 * q · v[off .. off + dim), unrolled by 4: the hot loop of every search. Typed arrays only, so V8
 * keeps one monomorphic, bounds-check-light version of it.
 */
function dotAt(q: Float32Array, v: Float32Array, off: number, dim: number, qOff = 0): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    s0 += q[qOff + d] * v[off + d];
    s1 += q[qOff + d + 1] * v[off + d + 1];
    s2 += q[qOff + d + 2] * v[off + d + 2];
    s3 += q[qOff + d + 3] * v[off + d + 3];
  }
  for (; d < dim; d++) s0 += q[qOff + d] * v[off + d];
  return s0 + s1 + s2 + s3;
}

function newList(dim: number): List {
  return { vecs: new Float32Array(dim * 4), handles: new Int32Array(4), count: 0 };
}

function ensureCapacity(list: List, dim: number, need: number): void {
  if (list.handles.length >= need) return;
  const cap = Math.max(need, list.handles.length * 2);
  const vecs = new Float32Array(cap * dim);
  vecs.set(list.vecs.subarray(0, list.count * dim));
  const handles = new Int32Array(cap);
  handles.set(list.handles.subarray(0, list.count));
  list.vecs = vecs;
  list.handles = handles;
}

function grow(a: Int32Array, need: number): Int32Array {
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

function sampleRows(vectors: Float32Array, dim: number, n: number, m: number, seed: number): Float32Array {
  if (m >= n) return vectors.slice(0, n * dim);
  // A fixed stride from a seeded start: spread over the whole set, deterministic, no duplicates.
  const out = new Float32Array(m * dim);
  const stride = n / m;
  const startAt = (seed * 7919) % Math.max(1, Math.floor(stride));
  for (let i = 0; i < m; i++) {
    const r = Math.min(n - 1, Math.floor(startAt + i * stride));
    out.set(vectors.subarray(r * dim, (r + 1) * dim), i * dim);
  }
  return out;
}
