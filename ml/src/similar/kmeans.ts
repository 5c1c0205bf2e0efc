import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend";
import { createRng } from "../util/random";

/**
 * Assigns each row of `data` (n x dim, flat) to its nearest centroid (k x dim, flat) by L2
 * distance. argmin |x - c|^2 = argmax (x.c - |c|^2 / 2), so the work is one matrix product per
 * chunk, done by TF.js (wasm SIMD): about 100x faster than a JS triple loop.
 */
export async function assignNearest(data: Float32Array, centroids: Float32Array, dim: number): Promise<Int32Array> {
  await initBackend();
  const n = data.length / dim;
  const k = centroids.length / dim;
  const out = new Int32Array(n);
  const c = tf.tensor2d(centroids, [k, dim]);
  // Transposed once up front: wasm matMul with transposeB is about 10x slower (measured 510 vs 60 ms).
  const cT = tf.transpose(c);
  const halfNorm = tf.tidy(() => c.square().sum(1).mul(0.5));
  const chunk = Math.max(1, Math.floor(4_000_000 / Math.max(k, 1)));
  try {
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      const best = tf.tidy(() => {
        const x = tf.tensor2d(data.subarray(start * dim, (start + rows) * dim), [rows, dim]);
        return tf.matMul(x, cT).sub(halfNorm).argMax(1);
      });
      out.set(await best.data(), start);
      best.dispose();
    }
  } finally {
    c.dispose();
    cT.dispose();
    halfNorm.dispose();
  }
  return out;
}

export interface KMeansOptions {
  iterations?: number;
  seed?: number;
}

/** Lloyd's k-means, initialised from k distinct random rows (seeded). Returns flat centroids. */
export async function kMeans(data: Float32Array, dim: number, k: number, opts: KMeansOptions = {}): Promise<Float32Array> {
  const n = data.length / dim;
  if (n === 0 || k <= 0) return new Float32Array(0);
  k = Math.min(k, n);
  const rng = createRng(opts.seed ?? 1);
  const centroids = new Float32Array(k * dim);
  const picked = new Set<number>();
  for (let c = 0; c < k; c++) {
    let r = Math.floor(rng() * n);
    while (picked.has(r)) r = (r + 1) % n;
    picked.add(r);
    centroids.set(data.subarray(r * dim, (r + 1) * dim), c * dim);
  }
  const iterations = opts.iterations ?? 10;
  for (let it = 0; it < iterations; it++) {
    const assign = await assignNearest(data, centroids, dim);
    const sums = new Float64Array(k * dim);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = assign[i];
      counts[c]++;
      const off = i * dim;
      const coff = c * dim;
      for (let d = 0; d < dim; d++) sums[coff + d] += data[off + d];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // An empty cluster takes a random row: keeps k lists in use instead of wasting one.
        const r = Math.floor(rng() * n);
        centroids.set(data.subarray(r * dim, (r + 1) * dim), c * dim);
        continue;
      }
      for (let d = 0; d < dim; d++) centroids[c * dim + d] = sums[c * dim + d] / counts[c];
    }
  }
  return centroids;
}
