import * as os from "node:os";
import * as tf from "@tensorflow/tfjs";
import { IvfIndex, LsaEmbedder, ScalarQuantizer, TopK, createRng, initBackend, type EmbedderText, type IncidentRow, type VectorStorage } from "@quell/ml";
import { dataDir, itServiceTickets, mozillaSeverity, seamonkey } from "./ml-data";

/**
 * ANN benchmark on embeddings of real text (issue 9). The project's own LSA embedder (128-d, as the
 * similar store uses) is fitted on the real rows of ../shared/data (it-service-tickets, Mozilla
 * summaries, SeaMonkey bugs), every real row is embedded, and the set is grown to the largest N by
 * perturbing real rows: each synthetic row copies a random real row's title and description, drops
 * each word with a probability drawn from 10-40 %, and half the time splices in a run of 2-8 words
 * taken from another real row of the same source. So the vectors are real-text embeddings with
 * the near-duplicates that recurring incidents make, not Gaussian clusters. Smaller N are prefixes
 * of the larger set (all real rows first).
 * Queries: held-out real rows (never indexed, never seen by the embedder's fit) and fresh
 * perturbations of indexed real rows (near-duplicates). Ground truth: exact top-10 by cosine over
 * the float32 vectors (TF.js products). Recall counts a hit when its true cosine reaches the 10th
 * true score (less 1e-5), so exact ties (duplicate texts) do not count as misses.
 * Args: `[N,N,...]` (default 100000,1000000) `--nprobe 16,32,...` `--queries Q` (default 300 held-out + 200
 * near-duplicates) `--storage float32,int16` `--nlist-factor F` (nlist F·√N, default 2).
 * Run with `nice -n 19`; latency is one core's wall time per query, CPU time beside it.
 */

const DIM = 128;

interface Source {
  name: string;
  rows: EmbedderText[];
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function loadSources(dir: string): Source[] {
  const text = (r: IncidentRow): EmbedderText => ({ title: r.title, description: r.description });
  const all = (s: { train: IncidentRow[]; test: IncidentRow[] }) => [...s.train, ...s.test].map(text);
  return [
    { name: "it-service-tickets", rows: all(itServiceTickets(dir)) },
    { name: "mozilla-severity", rows: all(mozillaSeverity(dir)) },
    { name: "seamonkey", rows: all(seamonkey(dir)) },
  ];
}

function words(s: string | null | undefined): string[] {
  return (s ?? "").split(/\s+/).filter(Boolean);
}

/** A near-duplicate of `row`: words dropped at a random rate, sometimes a run of `donor`'s words spliced in. */
function perturb(row: EmbedderText, donor: EmbedderText, rng: () => number): EmbedderText {
  const drop = 0.1 + 0.3 * rng();
  const keep = (ws: string[]) => {
    const kept = ws.filter(() => rng() >= drop);
    return kept.length ? kept : ws.slice(0, 1);
  };
  const title = keep(words(row.title));
  const description = keep(words(row.description));
  if (rng() < 0.5) {
    const from = words(donor.title).concat(words(donor.description));
    const len = 2 + Math.floor(rng() * 7);
    const start = Math.floor(rng() * Math.max(1, from.length - len));
    title.splice(Math.floor(rng() * (title.length + 1)), 0, ...from.slice(start, start + len));
  }
  return { title: title.join(" "), description: description.join(" ") };
}

function shuffle<T>(a: T[], rng: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");

/** Exact top-10 by inner product of every query over the first n rows: ids and the 10th score. */
async function groundTruth(data: Float32Array, n: number, queries: Float32Array[]): Promise<{ ids: Int32Array[]; tenth: number[] }> {
  const nq = queries.length;
  const Q = new Float32Array(nq * DIM);
  queries.forEach((q, i) => Q.set(q, i * DIM));
  const qT = tf.tidy(() => tf.transpose(tf.tensor2d(Q, [nq, DIM])));
  const tops = queries.map(() => new TopK(10));
  const chunk = Math.max(1, Math.floor(8_000_000 / nq));
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    const t = tf.tidy(() => tf.matMul(tf.tensor2d(data.subarray(start * DIM, (start + rows) * DIM), [rows, DIM]), qT));
    const s = t.dataSync();
    t.dispose();
    for (let r = 0; r < rows; r++) for (let q = 0; q < nq; q++) tops[q].push(start + r, s[r * nq + q]);
  }
  qT.dispose();
  return { ids: tops.map((t) => t.items.slice(0, t.size)), tenth: tops.map((t) => t.scores[t.size - 1]) };
}

function dot(a: Float32Array, b: Float32Array, off: number): number {
  let s = 0;
  for (let d = 0; d < DIM; d++) s += a[d] * b[off + d];
  return s;
}

/** The yardstick: a plain float32 scan of all n vectors (what exact search costs). */
function bruteForce(data: Float32Array, n: number, q: Float32Array): TopK {
  const top = new TopK(10);
  let floor = -Infinity;
  for (let i = 0; i < n; i++) {
    const s = dot(q, data, i * DIM);
    if (s > floor) {
      top.push(i, s);
      floor = top.floor;
    }
  }
  return top;
}

interface Query {
  kind: "held-out" | "near-dup";
  vec: Float32Array;
}

function measure(label: string, index: IvfIndex, data: Float32Array, queries: Query[], gt: { tenth: number[] }, nprobes: number[]): void {
  for (const nprobe of nprobes) {
    const wall: number[] = [];
    let cpuUs = 0;
    const hits = { "held-out": 0, "near-dup": 0 };
    const counts = { "held-out": 0, "near-dup": 0 };
    queries.forEach((q, i) => {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const res = index.search(q.vec, 10, { nprobe });
      wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const c = process.cpuUsage(c0);
      cpuUs += c.user + c.system;
      counts[q.kind] += 10;
      for (const h of res) if (dot(q.vec, data, Number(h.id) * DIM) >= gt.tenth[i] - 1e-5) hits[q.kind]++;
    });
    wall.sort((a, b) => a - b);
    const all = (hits["held-out"] + hits["near-dup"]) / (counts["held-out"] + counts["near-dup"]);
    console.log(
      `| ${label} | ${nprobe} | ${all.toFixed(3)} | ${(hits["held-out"] / counts["held-out"]).toFixed(3)} | ${(hits["near-dup"] / counts["near-dup"]).toFixed(3)} | ${percentile(wall, 50).toFixed(2)} | ${percentile(wall, 95).toFixed(2)} | ${(cpuUs / 1000 / queries.length).toFixed(2)} | ${load()} |`,
    );
  }
}

async function main(): Promise<void> {
  const dir = dataDir();
  if (!dir) throw new Error("no ../shared/data (or $QUELL_DATA): this bench needs real text");
  const sizes = (process.argv[2] && !process.argv[2].startsWith("--") ? process.argv[2] : "100000,1000000").split(",").map(Number);
  const nprobes = arg("--nprobe", "8,16,32,64,128").split(",").map(Number);
  const nHeldOut = Number(arg("--queries", "300"));
  const nNearDup = Math.round((nHeldOut * 2) / 3);
  const maxN = Math.max(...sizes);
  console.log(`backend ${await initBackend()}; sizes ${sizes.join(", ")}; load ${load()}`);

  const rng = createRng(9);
  const sources = loadSources(dir);
  // Hold out queries from each source in proportion; the rest is the real part of the index.
  const real: { text: EmbedderText; source: number }[] = [];
  const heldOut: EmbedderText[] = [];
  const total = sources.reduce((s, x) => s + x.rows.length, 0);
  sources.forEach((src, si) => {
    const rows = shuffle([...src.rows], rng);
    const take = Math.round((nHeldOut * rows.length) / total);
    heldOut.push(...rows.slice(0, take));
    for (const text of rows.slice(take)) real.push({ text, source: si });
  });
  shuffle(real, rng);
  console.log(`real rows: ${sources.map((s) => `${s.name} ${s.rows.length}`).join(", ")}; indexed ${real.length}, held out ${heldOut.length}`);

  let t0 = Date.now();
  const embedder = await LsaEmbedder.fit(
    real.map((r) => r.text),
    { dim: DIM },
  );
  console.log(`LSA fitted on ${real.length} real rows in ${((Date.now() - t0) / 1000).toFixed(0)} s (vocabulary ${embedder.tfidf.vocab.size})`);

  t0 = Date.now();
  const data = new Float32Array(maxN * DIM);
  const bySource = sources.map((_, si) => real.filter((r) => r.source === si).map((r) => r.text));
  const batch = 5_000;
  for (let start = 0; start < maxN; start += batch) {
    const texts: EmbedderText[] = [];
    for (let i = start; i < Math.min(maxN, start + batch); i++) {
      if (i < real.length) texts.push(real[i].text);
      else {
        const base = real[Math.floor(rng() * real.length)];
        const pool = bySource[base.source];
        texts.push(perturb(base.text, pool[Math.floor(rng() * pool.length)], rng));
      }
    }
    embedder.embed(texts).forEach((v, j) => data.set(v, (start + j) * DIM));
  }
  let zero = 0;
  for (let i = 0; i < maxN; i++) if (data[i * DIM] === 0 && dot(data.subarray(i * DIM, (i + 1) * DIM), data, i * DIM) === 0) zero++;
  console.log(`embedded ${maxN} rows (${real.length} real, ${Math.max(0, maxN - real.length)} perturbed) in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${zero} zero vectors (no known word)`);

  const queries: Query[] = [];
  for (const v of embedder.embed(heldOut)) queries.push({ kind: "held-out", vec: v });
  for (let i = 0; i < nNearDup; i++) {
    const base = real[Math.floor(rng() * Math.min(real.length, Math.min(...sizes)))];
    const pool = bySource[base.source];
    queries.push({ kind: "near-dup", vec: embedder.embed([perturb(base.text, pool[Math.floor(rng() * pool.length)], rng)])[0] });
  }
  const usable = queries.filter((q) => q.vec.some((x) => x !== 0));
  console.log(`queries: ${usable.filter((q) => q.kind === "held-out").length} held-out real rows, ${usable.filter((q) => q.kind === "near-dup").length} near-duplicates of indexed rows (${queries.length - usable.length} with no known word dropped)`);

  for (const n of sizes) {
    const vectors = data.subarray(0, n * DIM);
    const ids = Array.from({ length: n }, (_, i) => String(i));
    console.log(`\n## N = ${n}`);
    t0 = Date.now();
    const gt = await groundTruth(data, n, usable.map((q) => q.vec));
    console.log(`ground truth (TF.js products) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const bf: number[] = [];
    let bfCpu = 0;
    for (const q of usable.slice(0, 20)) {
      const c0 = process.cpuUsage();
      const s = process.hrtime.bigint();
      bruteForce(data, n, q.vec);
      bf.push(Number(process.hrtime.bigint() - s) / 1e6);
      const c = process.cpuUsage(c0);
      bfCpu += c.user + c.system;
    }
    bf.sort((a, b) => a - b);
    console.log(`yardstick: brute-force float32 scan of ${n} (JS, one core): p50 ${percentile(bf, 50).toFixed(1)} ms, p95 ${percentile(bf, 95).toFixed(1)} ms, CPU ${(bfCpu / 1000 / bf.length).toFixed(1)} ms a query; load ${load()}`);
    console.log(`\n| index | nprobe | recall@10 | held-out | near-dup | p50 ms | p95 ms | CPU ms/query | load 1/5/15 |`);
    console.log(`|---|---|---|---|---|---|---|---|---|`);

    // One k-means (the build as it was: float32, nlist 2·√N, 8 iterations); each other storage is
    // filled from that state, as a worker refills from stored vectors, so all share the same cells.
    const gc = () => (globalThis as { gc?: () => void }).gc?.();
    const nlist = Math.round(Number(arg("--nlist-factor", "2")) * Math.sqrt(n));
    gc();
    let rss0 = process.memoryUsage().rss;
    t0 = Date.now();
    const built = await IvfIndex.build(ids, vectors, DIM, { nlist, storage: "float32", seed: 1 });
    console.log(`\nbuild (k-means on a sample, then assign all): ${((Date.now() - t0) / 1000).toFixed(0)} s, nlist ${built.nlist}`);
    const cellSizes = built["lists"].map((l: { count: number }) => l.count).sort((a: number, b: number) => b - a);
    console.log(`cells: largest ${cellSizes.slice(0, 3).join(" / ")}, median ${cellSizes[cellSizes.length >> 1]}, smallest ${cellSizes[cellSizes.length - 1]}`);
    let index: IvfIndex | null = built;
    const storages = arg("--storage", "float32,int16").split(",") as VectorStorage[];
    for (const storage of storages) {
      if (storage !== "float32") {
        index = null;
        gc();
        rss0 = process.memoryUsage().rss;
        t0 = Date.now();
        const state = built.toState();
        state.quantizer = ScalarQuantizer.fit(vectors, DIM).toState();
        index = IvfIndex.fromState(JSON.parse(JSON.stringify(state)));
        await index.addMany(ids, vectors);
        console.log(`\n${storage}: filled from the state + float vectors (a worker's refill) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      } else console.log(`\nfloat32 (before):`);
      gc();
      const rss1 = process.memoryUsage().rss;
      console.log(`vectors ${mb(index!.vectorBytes)} (${(index!.vectorBytes / n).toFixed(0)} B/vector), RSS ${mb(rss1)} (+${mb(rss1 - rss0)} for this index)`);
      measure(storage === "float32" ? "float32 (before)" : storage, index!, data, usable, gt, nprobes);
      if (storage === "float32" && storages.length > 1) {
        // Free the float index's vectors before the next storage is filled (the centroids stay in `built`'s state).
        built["lists"] = [];
      }
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
