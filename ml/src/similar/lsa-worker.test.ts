import { describe, expect, it } from "vitest";
import { LsaEmbedder } from "./lsa-embedder";
import { fitLsaEmbedderInWorker } from "./lsa-worker";
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

describe("fitLsaEmbedderInWorker", () => {
  it("returns the same embedder as an in-thread fit, bit for bit", async () => {
    const texts = corpus(400, 3);
    const opts = { seed: 7, dim: 8, minDf: 1 };
    const [inThread, inWorker] = await Promise.all([LsaEmbedder.fit(texts, opts), fitLsaEmbedderInWorker(texts, opts)]);
    expect(inWorker.toArtifact()).toEqual(inThread.toArtifact());
    const probe = [{ title: "replica lag on postgres", description: "failover since deploy" }];
    expect(Array.from(inWorker.embed(probe)[0])).toEqual(Array.from(inThread.embed(probe)[0]));
    // A different seed gives a different projection, so the comparison above can fail.
    const other = await fitLsaEmbedderInWorker(texts, { ...opts, seed: 8 });
    expect(other.toArtifact().projection).not.toEqual(inThread.toArtifact().projection);
  });

  it("rejects with the worker's error", async () => {
    await expect(fitLsaEmbedderInWorker(corpus(10, 1), { dim: -1 })).rejects.toThrow();
  });
});
