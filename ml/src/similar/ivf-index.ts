import { assignNearest, kMeans } from "./kmeans";
import { TopK } from "./topk";
import { base64ToFloat32, float32ToBase64 } from "../util/base64";
import { ScalarQuantizer, type ScalarQuantizerState } from "./scalar-quantizer";

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
  /**
   * How vectors are held: "float32" (4 bytes a dimension) or "int16" (per-dimension scalar
   * quantisation, 2 bytes). Default DEFAULT_STORAGE for a new build; train() keeps the index's form.
   */
  storage?: VectorStorage;
}

export type VectorStorage = "float32" | "int16";

/** Storage of a new build. Chosen with `npm run bench:ml-ann-real` (see ml/README.md). */
export const DEFAULT_STORAGE: VectorStorage = "int16";

export interface IvfState {
  kind: "quell.ivf";
  dim: number;
  nprobe: number;
  /** k-means centroids, nlist x dim float32, base64; empty while untrained (one flat list). */
  centroids: string;
  /** Present when vectors are held as int16 codes; absent in states from before (float32). */
  quantizer?: ScalarQuantizerState;
}

interface PreparedQuery {
  q: Float32Array;
  weights: Float32Array;
  bias: number;
}

/** One cell. Only the array of the index's storage is in use: `vecs` (float32) or `codes` (int16). */
interface List {
  vecs: Float32Array;
  codes: Int16Array;
  handles: Int32Array;
  count: number;
}

/**
 * Inverted-file index for inner-product search over L2-normalised vectors: k-means cells, a query
 * scans only the `nprobe` cells nearest to it, exact dot products inside them. Incremental add and
 * remove; the centroids are the only learned state, so a worker rebuilds the index from stored
 * embeddings with `fromState` + `add` (no k-means, no embedder retraining).
 * Until `train` is called it is one flat list, i.e. exact search.
 * With int16 storage vectors are held as scalar-quantised codes, half of float32's memory; scores
 * are then float query · decoded vector (see ScalarQuantizer), and `exactSearch` is exact over
 * those decoded vectors.
 */
export class IvfIndex {
  private centroids: Float32Array = new Float32Array(0);
  private halfNorms: Float32Array = new Float32Array(0);
  private quantizer: ScalarQuantizer | null = null;
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
    this.lists = [this.newList()];
  }

  get storage(): VectorStorage {
    return this.quantizer ? "int16" : "float32";
  }

  /** Bytes the stored vectors and their handles take now (allocated capacity), without ids and maps. */
  get vectorBytes(): number {
    let bytes = this.centroids.byteLength;
    for (const l of this.lists) bytes += l.vecs.byteLength + l.codes.byteLength + l.handles.byteLength;
    return bytes;
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
    const quantizer = state.quantizer ? ScalarQuantizer.fromState(state.quantizer) : null;
    if (quantizer && quantizer.dim !== state.dim) throw new Error(`quantizer has ${quantizer.dim} dimensions, index has ${state.dim}`);
    index.reset(state.centroids ? base64ToFloat32(state.centroids) : new Float32Array(0), quantizer);
    return index;
  }

  toState(): IvfState {
    const state: IvfState = { kind: "quell.ivf", dim: this.dim, nprobe: this.nprobe, centroids: this.trained ? float32ToBase64(this.centroids) : "" };
    if (this.quantizer) state.quantizer = this.quantizer.toState();
    return state;
  }

  /** (Re)trains centroids on the vectors held now and refiles them; call when the flat list grows large. */
  async train(opts: IvfOptions = {}): Promise<void> {
    const { ids, vectors } = this.exportAll();
    await this.load(ids, vectors, { storage: this.storage, ...opts });
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
    // Ranges from every row, not the k-means sample: a row outside them would be clamped.
    const storage = opts.storage ?? DEFAULT_STORAGE;
    const quantizer = storage === "int16" && n > 0 ? ScalarQuantizer.fit(vectors.subarray(0, n * this.dim), this.dim) : null;
    if (nlist > 1 && n >= nlist * 4) {
      const sampleN = Math.min(n, opts.trainSample ?? Math.min(200_000, nlist * 64));
      const sample = sampleRows(vectors, this.dim, n, sampleN, opts.seed ?? 1);
      this.reset(await kMeans(sample, this.dim, nlist, { seed: opts.seed ?? 1, iterations: opts.kmeansIterations ?? 8 }), quantizer);
    } else {
      this.reset(new Float32Array(0), quantizer);
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
      if (this.quantizer) list.codes.copyWithin(pos * this.dim, last * this.dim, (last + 1) * this.dim);
      else list.vecs.copyWithin(pos * this.dim, last * this.dim, (last + 1) * this.dim);
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
    return this.decodeAt(this.lists[this.listOf[h]], this.posOf[h]);
  }

  /** Approximate top-k by inner product. `filter` drops ids (e.g. later incidents, the query itself). */
  search(query: ArrayLike<number>, k: number, opts: { nprobe?: number; filter?: (id: string) => boolean } = {}): VectorHit[] {
    const q = asFloat32(query);
    const prepared = this.prepare(q);
    const top = new TopK(k);
    const probe = Math.min(opts.nprobe ?? this.nprobe, this.lists.length);
    for (const l of this.nearestLists(q, probe)) this.scanList(this.lists[l], prepared, top, opts.filter);
    return this.hits(top);
  }

  /** Exact top-k over every vector: the reference for recall, and the path for small indexes. */
  exactSearch(query: ArrayLike<number>, k: number, filter?: (id: string) => boolean): VectorHit[] {
    const q = asFloat32(query);
    const prepared = this.prepare(q);
    const top = new TopK(k);
    for (const list of this.lists) this.scanList(list, prepared, top, filter);
    return this.hits(top);
  }

  private hits(top: TopK): VectorHit[] {
    const out: VectorHit[] = [];
    for (let i = 0; i < top.size; i++) out.push({ id: this.ids[top.items[i]], score: top.scores[i] });
    return out;
  }

  private scanList(list: List, prepared: PreparedQuery, top: TopK, filter?: (id: string) => boolean): void {
    const count = list.count;
    const dim = this.dim;
    if (this.quantizer) {
      // Asymmetric: float query weights against int16 codes, the query's bias added back per hit.
      const { weights, bias } = prepared;
      const codes = list.codes;
      let floor = top.floor - bias;
      for (let i = 0; i < count; i++) {
        const s = dotInt16At(weights, codes, i * dim, dim);
        if (s <= floor) continue;
        const h = list.handles[i];
        if (filter && !filter(this.ids[h])) continue;
        top.push(h, s + bias);
        floor = top.floor - bias;
      }
      return;
    }
    const v = list.vecs;
    const q = prepared.q;
    let floor = top.floor;
    for (let i = 0; i < count; i++) {
      const s = dotAt(q, v, i * dim, dim);
      if (s <= floor) continue;
      const h = list.handles[i];
      if (filter && !filter(this.ids[h])) continue;
      top.push(h, s);
      floor = top.floor;
    }
  }

  /** The query as a scan needs it: float, or weights and bias against codes. */
  private prepare(q: Float32Array): PreparedQuery {
    return this.quantizer ? { q, ...this.quantizer.prepareQuery(q) } : { q, weights: q, bias: 0 };
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

  /** Empties the index and sets its cells (none: one flat list, exact search) and its storage. */
  private reset(centroids: Float32Array, quantizer: ScalarQuantizer | null): void {
    const n = centroids.length / this.dim;
    this.centroids = centroids;
    this.quantizer = quantizer;
    this.halfNorms = new Float32Array(n);
    for (let i = 0; i < n; i++) this.halfNorms[i] = dotAt(centroids, centroids, i * this.dim, this.dim, i * this.dim) / 2;
    this.lists = Array.from({ length: Math.max(n, 1) }, () => this.newList());
    this.handleOf.clear();
    this.ids = [];
    this.freeHandles = [];
  }

  private bulkInsert(ids: readonly string[], vectors: Float32Array, assign: Int32Array): void {
    // Size each list once instead of growing it vector by vector.
    const counts = new Int32Array(this.lists.length);
    for (let i = 0; i < ids.length; i++) counts[assign[i]]++;
    this.lists.forEach((l, c) => this.ensureCapacity(l, l.count + counts[c]));
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
    this.ensureCapacity(list, list.count + 1);
    if (this.quantizer) this.quantizer.encodeInto(vector, list.codes, list.count * this.dim);
    else list.vecs.set(vector, list.count * this.dim);
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
        vectors.set(this.decodeAt(list, i), ids.length * this.dim);
        ids.push(this.ids[list.handles[i]]);
      }
    }
    return { ids, vectors };
  }

  /** The vector at position `p` of `list` (decoded when quantised). */
  private decodeAt(list: List, p: number): Float32Array {
    const at = p * this.dim;
    return this.quantizer ? this.quantizer.decode(list.codes, at) : list.vecs.slice(at, at + this.dim);
  }

  private newList(): List {
    const list: List = { vecs: new Float32Array(0), codes: new Int16Array(0), handles: new Int32Array(0), count: 0 };
    this.ensureCapacity(list, 4);
    return list;
  }

  private ensureCapacity(list: List, need: number): void {
    if (list.handles.length >= need) return;
    const cap = Math.max(need, list.handles.length * 2);
    const used = list.count * this.dim;
    if (this.quantizer) {
      const codes = new Int16Array(cap * this.dim);
      codes.set(list.codes.subarray(0, used));
      list.codes = codes;
    } else {
      const vecs = new Float32Array(cap * this.dim);
      vecs.set(list.vecs.subarray(0, used));
      list.vecs = vecs;
    }
    const handles = new Int32Array(cap);
    handles.set(list.handles.subarray(0, list.count));
    list.handles = handles;
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

/**
 * w · codes[off .. off + dim): the int16 scan's hot loop, dotAt's twin on purpose. One function
 * taking both array types makes V8's element loads polymorphic: 10-20 % slower on 50k x 128 dot
 * products (Node 20, both types), so each storage keeps its own monomorphic loop.
 */
function dotInt16At(w: Float32Array, codes: Int16Array, off: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    s0 += w[d] * codes[off + d];
    s1 += w[d + 1] * codes[off + d + 1];
    s2 += w[d + 2] * codes[off + d + 2];
    s3 += w[d + 3] * codes[off + d + 3];
  }
  for (; d < dim; d++) s0 += w[d] * codes[off + d];
  return s0 + s1 + s2 + s3;
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
