import { describe, expect, it } from "vitest";
import { IvfIndex } from "./ivf-index";
import { LsaEmbedder } from "./lsa-embedder";
import { buildEmbedderInWorker, embedAll } from "./lsa-worker";
import { createRng } from "../util/random";

/** Incidents over a few topics with shared background words, so the SVD has structure to find. */
function corpus(n: number, seed: number): { title: string; description: string }[] {
  const rng = createRng(seed);
  const topics = [
    ["database", "replica", "lag", "postgres", "failover"],
    ["login", "sso", "token", "expired", "saml"],
    ["disk", "full", "volume", "storage", "quota"],
    ["payment", "card", "declined", "checkout", "gateway"],
  ];
  const background = ["users", "error", "since", "deploy", "morning", "service", "slow", "report", "page", "api"];
  const pick = (words: string[]) => words[Math.floor(rng() * words.length)];
  return Array.from({ length: n }, (_, i) => {
    const t = topics[i % topics.length];
    return {
      title: [pick(t), pick(t), pick(background)].join(" "),
      description: Array.from({ length: 12 }, () => (rng() < 0.5 ? pick(t) : pick(background))).join(" "),
    };
  });
}

describe("buildEmbedderInWorker", () => {
  it("returns the same embedder, embeddings and index as building them in this thread, bit for bit", async () => {
    const texts = corpus(400, 3);
    const ids = texts.map((_, i) => `i${i}`);
    const lsa = { seed: 7, dim: 8, minDf: 1 };
    const [inThread, inWorker] = await Promise.all([LsaEmbedder.fit(texts.slice(0, 300), lsa), buildEmbedderInWorker(texts, { fitRows: 300, ids, lsa })]);
    expect(inWorker.embedder.toArtifact()).toEqual(inThread.toArtifact());
    expect(inWorker.embedder.trainedOn).toBe(300);
    const vectors = embedAll(inThread, texts);
    expect(Array.from(inWorker.vectors!)).toEqual(Array.from(vectors));
    expect(inWorker.ivf).toEqual((await IvfIndex.build(ids, vectors, inThread.dim)).toState());
    // A different seed gives a different projection, so the comparisons above can fail.
    const other = await buildEmbedderInWorker(texts, { fitRows: 300, lsa: { ...lsa, seed: 8 } });
    expect(other.embedder.toArtifact().projection).not.toEqual(inThread.toArtifact().projection);
    expect(other.vectors).toBeUndefined();
  });

  it("rejects with the worker's error", async () => {
    await expect(buildEmbedderInWorker(corpus(10, 1), { lsa: { dim: -1 } })).rejects.toThrow();
  });
});
