import { IvfIndex, createRng, initBackend } from "@quell/ml";

/**
 * ANN benchmark: N clustered unit vectors (like text embeddings: many topics, noise around each),
 * build time, top-10 latency p50/p95 on one core (search is single-threaded JS), recall@10 against
 * exact search on the same queries, memory. Args: N (default 1,000,000), dim (default 128), noise
 * (default 0.9).
 */
function clusteredVectors(n: number, dim: number, clusters: number, seed: number, noiseScale: number): Float32Array {
  const rng = createRng(seed);
  const centers = new Float32Array(clusters * dim);
  for (let i = 0; i < centers.length; i++) centers[i] = rng() * 2 - 1;
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    // Pick a topic, then scatter around it; gaussian-ish noise from a sum of uniforms.
    const c = Math.floor(rng() * clusters);
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const noise = (rng() + rng() + rng() - 1.5) * noiseScale;
      const v = centers[c * dim + d] + noise;
      data[i * dim + d] = v;
      norm += v * v;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let d = 0; d < dim; d++) data[i * dim + d] *= inv;
  }
  return data;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1_000_000);
  const dim = Number(process.argv[3] ?? 128);
  // Larger noise spreads each topic until neighbours cross cell borders: a harder test of recall.
  const noiseScale = Number(process.argv[4] ?? 0.9);
  const clusters = 5_000;
  console.log(`backend ${await initBackend()}; ${n} vectors x ${dim} dims, ${clusters} topics, noise ${noiseScale}`);
  let t0 = Date.now();
  const nq = 300;
  // The last nq points are queries: same topics as the data, never indexed themselves.
  const all = clusteredVectors(n + nq, dim, clusters, 1, noiseScale);
  const data = all.subarray(0, n * dim);
  const ids = Array.from({ length: n }, (_, i) => `inc-${i}`);
  console.log(`generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  t0 = Date.now();
  const index = await IvfIndex.build(ids, data, dim, { seed: 1 });
  const buildS = (Date.now() - t0) / 1000;
  console.log(`build (k-means on a sample + assign all): ${buildS.toFixed(1)} s, nlist ${index.nlist}`);
  const mem = process.memoryUsage();
  console.log(`memory: rss ${mb(mem.rss)}, heap used ${mb(mem.heapUsed)}, array buffers ${mb(mem.arrayBuffers)} (raw vectors ${mb(n * dim * 4)}, held twice here: input + index)`);

  const qs = Array.from({ length: nq }, (_, i) => all.subarray((n + i) * dim, (n + i + 1) * dim));
  const exact = qs.map((q) => new Set(index.exactSearch(q, 10).map((h) => h.id)));
  for (const nprobe of [16, 32, 64, 96, 128]) {
    const times: number[] = [];
    let hit = 0;
    for (let i = 0; i < nq; i++) {
      const s = process.hrtime.bigint();
      const res = index.search(qs[i], 10, { nprobe });
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
      hit += res.filter((h) => exact[i].has(h.id)).length;
    }
    times.sort((a, b) => a - b);
    console.log(
      `nprobe ${String(nprobe).padStart(3)}: p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, recall@10 ${(hit / (nq * 10)).toFixed(4)}`,
    );
  }
  // A worker's start: stored centroids and stored vectors, no k-means, no embedder.
  t0 = Date.now();
  const rebuilt = IvfIndex.fromState(index.toState());
  await rebuilt.addMany(ids, data);
  console.log(`rebuild from stored centroids + vectors (worker start): ${((Date.now() - t0) / 1000).toFixed(1)} s, ${rebuilt.size} vectors`);
  const e: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = process.hrtime.bigint();
    index.exactSearch(qs[i], 10);
    e.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  e.sort((a, b) => a - b);
  console.log(`exact search for reference: p50 ${percentile(e, 50).toFixed(1)} ms`);
  t0 = Date.now();
  for (let i = 0; i < 10_000; i++) index.add(`extra-${i}`, qs[i % nq]);
  console.log(`incremental add: ${((Date.now() - t0) / 10).toFixed(1)} us per vector`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
