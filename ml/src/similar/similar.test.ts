import { describe, expect, it } from "vitest";
import { IvfIndex } from "./ivf-index";
import { Bm25Index } from "./bm25-index";
import { LsaEmbedder } from "./lsa-embedder";
import { SimilarIncidentIndex } from "./similar-index";
import { SIMILAR_INCIDENT_FUSION } from "./fusion";
import { createRng } from "../util/random";

function clustered(n: number, dim: number, clusters: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const centers = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => rng() * 2 - 1));
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centers[i % clusters];
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      out[i * dim + d] = c[d] + (rng() - 0.5) * 0.6;
      norm += out[i * dim + d] ** 2;
    }
    for (let d = 0; d < dim; d++) out[i * dim + d] /= Math.sqrt(norm);
  }
  return out;
}

describe("IvfIndex", () => {
  it("reaches high recall@10 against exact search and supports add, remove and a state round trip", async () => {
    const dim = 16;
    const n = 4000;
    const data = clustered(n, dim, 40, 1);
    const ids = Array.from({ length: n }, (_, i) => `v${i}`);
    const index = await IvfIndex.build(ids, data, dim, { nlist: 64, nprobe: 12 });
    expect(index.trained).toBe(true);
    expect(index.size).toBe(n);
    const queries = clustered(50, dim, 40, 2);
    let hit = 0;
    for (let q = 0; q < 50; q++) {
      const v = queries.subarray(q * dim, (q + 1) * dim);
      const exact = new Set(index.exactSearch(v, 10).map((h) => h.id));
      hit += index.search(v, 10).filter((h) => exact.has(h.id)).length;
    }
    expect(hit / 500).toBeGreaterThanOrEqual(0.9);

    const v0 = data.subarray(0, dim);
    expect(index.search(v0, 1)[0].id).toBe("v0");
    expect(index.remove("v0")).toBe(true);
    expect(index.search(v0, 5).map((h) => h.id)).not.toContain("v0");
    index.add("new", v0);
    expect(index.search(v0, 1)[0].id).toBe("new");
    expect(index.search(v0, 3, { filter: (id) => id !== "new" }).map((h) => h.id)).not.toContain("new");

    // A worker rebuilds from stored centroids and vectors without k-means.
    const rebuilt = IvfIndex.fromState(JSON.parse(JSON.stringify(index.toState())));
    await rebuilt.addMany(ids.slice(1, 200), data.subarray(dim, 200 * dim));
    rebuilt.add("v200", data.subarray(200 * dim, 201 * dim));
    expect(rebuilt.size).toBe(200);
    expect(rebuilt.nlist).toBe(index.nlist);
    expect(rebuilt.search(data.subarray(5 * dim, 6 * dim), 1)[0].id).toBe("v5");
    expect(rebuilt.search(data.subarray(200 * dim, 201 * dim), 1)[0].id).toBe("v200");

    // A flat index that grows is trained in place and keeps every vector.
    const flat = new IvfIndex(dim);
    await flat.addMany(ids.slice(0, 1000), data.subarray(0, 1000 * dim));
    expect(flat.trained).toBe(false);
    await flat.train({ nlist: 16 });
    expect(flat.trained).toBe(true);
    expect(flat.size).toBe(1000);
    expect(flat.search(data.subarray(7 * dim, 8 * dim), 1, { nprobe: 16 })[0].id).toBe("v7");
  });
});

describe("Bm25Index", () => {
  it("ranks by BM25, updates df on removal and honours the filter", () => {
    const idx = new Bm25Index();
    idx.add("a", ["disk", "full"]);
    idx.add("b", ["disk", "slow", "slow"]);
    idx.add("c", ["cpu", "hot"]);
    expect(idx.search(["slow"], 3).map((h) => h.id)).toEqual(["b"]);
    expect(idx.search(["disk", "full"], 3).map((h) => h.id)).toEqual(["a", "b"]);
    expect(idx.documentFrequency("disk")).toBe(2);
    idx.remove("a");
    expect(idx.documentFrequency("disk")).toBe(1);
    expect(idx.search(["disk"], 3).map((h) => h.id)).toEqual(["b"]);
    expect(idx.search(["disk"], 3, (id) => id !== "b")).toEqual([]);
  });
});

describe("SimilarIncidentIndex", () => {
  const history = [
    { id: "1", title: "Payments gateway TLS certificate expired", description: "handshake failures", service: "payments", createdAt: new Date("2024-01-01") },
    { id: "2", title: "Kafka consumer lag on billing", description: "events delayed", service: "billing", createdAt: new Date("2024-01-02") },
    { id: "3", title: "VPN disconnects", description: "remote staff drop", service: "network", createdAt: new Date("2024-01-03") },
    { id: "4", title: "Certificate renewal failed for payments", description: "tls expired again", service: "payments", createdAt: new Date("2024-02-01") },
    { id: "5", title: "Printer jam", description: "paper", service: "office", createdAt: new Date("2024-02-02") },
  ];

  it("finds the related incident with shared terms, same service, and respects before/excludeId", async () => {
    const embedder = await LsaEmbedder.fit(history, { dim: 8, minDf: 1 });
    const index = new SimilarIncidentIndex(embedder);
    for (const h of history) index.add(h);
    const hits = index.search({ title: "TLS certificate expired on payments", service: "payments" }, { k: 3 });
    expect(["1", "4"]).toContain(hits[0].id);
    expect(hits[0].reasons.sameService).toBe(true);
    expect(hits[0].reasons.sharedTerms).toEqual(expect.arrayContaining(["certificate"]));
    const bulk = new SimilarIncidentIndex(embedder);
    await bulk.addManyWithVectors(history, embedder.embed(history));
    expect(bulk.search({ title: "TLS certificate expired on payments", service: "payments" }, { k: 3 })).toEqual(hits);
    const earlier = index.search({ title: "certificate expired payments" }, { k: 5, before: new Date("2024-01-15"), excludeId: "1" });
    expect(earlier.map((h) => h.id)).not.toContain("1");
    expect(earlier.map((h) => h.id)).not.toContain("4");
  });

  it("adds the recency bonus only among related incidents: newer first among equals, nothing for an empty query", async () => {
    const embedder = await LsaEmbedder.fit(history, { dim: 8, minDf: 1 });
    const index = new SimilarIncidentIndex(embedder, { fusion: SIMILAR_INCIDENT_FUSION });
    const twins = [
      { id: "old", title: "Mailbox quota exceeded", description: "", createdAt: new Date("2023-01-01") },
      { id: "new", title: "Mailbox quota exceeded", description: "", createdAt: new Date("2024-02-20") },
    ];
    for (const h of [...history, ...twins]) index.add(h);
    const hits = index.search({ title: "mailbox quota exceeded" }, { k: 3, queryTime: new Date("2024-03-01") });
    expect(hits.slice(0, 2).map((h) => h.id)).toEqual(["new", "old"]);
    expect(hits[0].score - hits[1].score).toBeGreaterThan(0.1);
    expect(index.search({ title: "" }, { k: 5, queryTime: new Date("2024-03-01") }).every((h) => h.score === 0)).toBe(true);
  });

  it("ranks with a reader's own fusion as an index built with that fusion does, leaving the index's for readers that name none", async () => {
    const embedder = await LsaEmbedder.fit(history, { dim: 8, minDf: 1 });
    const lexicalOnly = { ...SIMILAR_INCIDENT_FUSION, denseWeight: 0 };
    const shared = new SimilarIncidentIndex(embedder);
    const own = new SimilarIncidentIndex(embedder, { fusion: lexicalOnly });
    for (const h of history) {
      shared.add(h);
      own.add(h);
    }
    const query = { title: "TLS certificate expired on payments", service: "payments" };
    const opts = { k: 5, queryTime: new Date("2024-03-01") };
    const overridden = shared.search(query, { ...opts, fusion: lexicalOnly });
    expect(overridden).toEqual(own.search(query, opts));
    // The override is per call: the next search without one fuses as the index does (dense counts again).
    const plain = shared.search(query, opts);
    expect(plain.map((h) => h.score)).not.toEqual(overridden.map((h) => h.score));
    const linked = await shared.searchWithLinks(query, { ...opts, fusion: lexicalOnly }, async () => () => undefined);
    expect(linked).toEqual(overridden);
  });

  it("embeds to fixed-size unit vectors, also after an artifact round trip, and survives odd input", async () => {
    const embedder = await LsaEmbedder.fit(history, { dim: 8, minDf: 1 });
    const copy = LsaEmbedder.fromArtifact(JSON.parse(JSON.stringify(embedder.toArtifact())));
    const [a] = embedder.embed(["certificate expired"]);
    const [b] = copy.embed(["certificate expired"]);
    expect(a).toHaveLength(8);
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
    expect(Array.from(b)).toEqual(Array.from(a));
    const [empty, cjk] = embedder.embed(["", "证书过期"]);
    expect(Array.from(empty).every((x) => x === 0)).toBe(true);
    expect(cjk).toHaveLength(8);
  });
});
