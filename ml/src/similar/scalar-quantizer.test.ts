import { describe, expect, it } from "vitest";
import { ScalarQuantizer } from "./scalar-quantizer";
import { DEFAULT_STORAGE, IvfIndex } from "./ivf-index";
import { createRng } from "../util/random";

/** Unit vectors whose dimensions have very different spreads, as LSA's do. */
function skewedUnitVectors(n: number, dim: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const x = (rng() - 0.3) * (d === 0 ? 4 : 1 / (1 + d / 4));
      out[i * dim + d] = x;
      norm += x * x;
    }
    for (let d = 0; d < dim; d++) out[i * dim + d] /= Math.sqrt(norm);
  }
  return out;
}

describe("ScalarQuantizer", () => {
  it("round-trips within half a code step of each dimension's own range", () => {
    const dim = 24;
    const n = 2000;
    const data = skewedUnitVectors(n, dim, 3);
    const quantizer = ScalarQuantizer.fit(data, dim);
    let worstSteps = 0;
    let worstAbs = 0;
    for (let i = 0; i < n; i++) {
      const v = data.subarray(i * dim, (i + 1) * dim);
      const back = quantizer.decode(quantizer.encode(v));
      for (let d = 0; d < dim; d++) {
        worstSteps = Math.max(worstSteps, Math.abs(back[d] - v[d]) / quantizer.scale[d]);
        worstAbs = Math.max(worstAbs, Math.abs(back[d] - v[d]));
      }
    }
    // Half a step, with slack for float32 rounding (a step is ~1e-5 here, float32's ulp near 1 ~1e-7).
    expect(worstSteps).toBeLessThanOrEqual(0.52);
    expect(worstAbs).toBeLessThan(2e-5);
    // Each dimension has its own step: the wide first dimension a coarser one.
    expect(quantizer.scale[0]).toBeGreaterThan(2 * quantizer.scale[dim - 1]);
  });

  it("clamps values outside the fitted range to its ends instead of wrapping", () => {
    const quantizer = ScalarQuantizer.fit(Float32Array.from([0, 0, 1, 1]), 2, { margin: 0 });
    const codes = quantizer.encode([5, -5]);
    expect(Array.from(codes)).toEqual([32_767, -32_768]);
    const back = quantizer.decode(codes);
    expect(back[0]).toBeCloseTo(1, 5);
    expect(back[1]).toBeCloseTo(0, 5);
  });

  it("survives a JSON state round trip and rejects an unknown kind", () => {
    const quantizer = ScalarQuantizer.fit(skewedUnitVectors(100, 8, 4), 8);
    const back = ScalarQuantizer.fromState(JSON.parse(JSON.stringify(quantizer.toState())));
    expect(Array.from(back.scale)).toEqual(Array.from(quantizer.scale));
    expect(Array.from(back.offset)).toEqual(Array.from(quantizer.offset));
    expect(() => ScalarQuantizer.fromState({ ...quantizer.toState(), kind: "int8" as "int16" })).toThrow(/unsupported quantizer/);
    expect(() => IvfIndex.fromState({ kind: "quell.ivf", dim: 4, nprobe: 1, centroids: "", quantizer: quantizer.toState() })).toThrow(/quantizer has 8 dimensions, index has 4/);
  });
});

describe("IvfIndex with int16 storage", () => {
  const dim = 32;
  const n = 3000;
  // Pairs of near-duplicates (cosine about 0.999): the exact copy must still win.
  const base = skewedUnitVectors(n / 2, dim, 5);
  const rng = createRng(6);
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n / 2; i++) {
    const v = base.subarray(i * dim, (i + 1) * dim);
    data.set(v, 2 * i * dim);
    let norm = 0;
    const twin = Float32Array.from(v, (x) => x + (rng() - 0.5) * 0.01);
    for (const x of twin) norm += x * x;
    data.set(
      twin.map((x) => x / Math.sqrt(norm)),
      (2 * i + 1) * dim,
    );
  }
  const ids = Array.from({ length: n }, (_, i) => `v${i}`);

  it.each(["int16"] as const)("%s returns the exact top-1 for an exact-duplicate query, in about half of float32's memory", async (storage) => {
    const index = await IvfIndex.build(ids, data, dim, { nlist: 16, nprobe: 16, storage });
    const float = await IvfIndex.build(ids, data, dim, { nlist: 16, nprobe: 16, storage: "float32" });
    expect(index.storage).toBe(storage);
    expect(float.storage).toBe("float32");
    let wrong = 0;
    for (let i = 0; i < n; i += 7) {
      const q = data.subarray(i * dim, (i + 1) * dim);
      if (index.search(q, 1)[0].id !== `v${i}`) wrong++;
      if (index.exactSearch(q, 1)[0].id !== `v${i}`) wrong++;
    }
    expect(wrong).toBe(0);
    // int16 codes: 2 bytes a dimension against 4.
    expect(index.vectorBytes).toBeLessThan(0.6 * float.vectorBytes);
    // Scores are the float query against the decoded vector: close to the true cosine.
    const q = data.subarray(0, dim);
    expect(index.search(q, 1)[0].score).toBeCloseTo(1, 3);
    expect(index.getVector("v0")!.every((x, d) => Math.abs(x - q[d]) < 1e-3)).toBe(true);
  });

  it.each(["int16"] as const)("keeps %s storage through a state round trip, remove, add and retrain", async (storage) => {
    const index = await IvfIndex.build(ids, data, dim, { nlist: 16, nprobe: 4, storage });
    expect(index.storage).toBe(storage);
    const state = JSON.parse(JSON.stringify(index.toState()));
    expect(state.quantizer.kind).toBe(storage);
    const refilled = IvfIndex.fromState(state);
    expect(refilled.storage).toBe(storage);
    await refilled.addMany(ids.slice(0, 1000), data.subarray(0, 1000 * dim));
    expect(refilled.search(data.subarray(10 * dim, 11 * dim), 1)[0].id).toBe("v10");
    expect(refilled.remove("v10")).toBe(true);
    expect(refilled.search(data.subarray(10 * dim, 11 * dim), 3).map((h) => h.id)).not.toContain("v10");
    refilled.add("again", data.subarray(10 * dim, 11 * dim));
    expect(refilled.search(data.subarray(10 * dim, 11 * dim), 1)[0].id).toBe("again");
    await refilled.train({ nlist: 8 });
    expect(refilled.storage).toBe(storage);
    expect(refilled.size).toBe(1000);
    expect(refilled.search(data.subarray(20 * dim, 21 * dim), 1, { nprobe: 8 })[0].id).toBe("v20");
  });

  it("builds with DEFAULT_STORAGE unless told", async () => {
    expect((await IvfIndex.build(ids.slice(0, 200), data.subarray(0, 200 * dim), dim)).storage).toBe(DEFAULT_STORAGE);
  });

  it("loads a state stored before quantisation as float32, searching as before", async () => {
    const old = await IvfIndex.build(ids, data, dim, { nlist: 16, storage: "float32" });
    const state = JSON.parse(JSON.stringify(old.toState()));
    expect(state.quantizer).toBeUndefined();
    const loaded = IvfIndex.fromState(state);
    expect(loaded.storage).toBe("float32");
    await loaded.addMany(ids, data);
    const q = data.subarray(40 * dim, 41 * dim);
    expect(loaded.search(q, 5, { nprobe: 16 })).toEqual(old.search(q, 5, { nprobe: 16 }));
  });
});
