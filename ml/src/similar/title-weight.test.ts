import { describe, expect, it } from "vitest";
import { LsaEmbedder, retrievalTerms, DEFAULT_TITLE_WEIGHT, LEGACY_TITLE_WEIGHT } from "./lsa-embedder";
import { SimilarIncidentIndex } from "./similar-index";
import { DEFAULT_FUSION } from "./fusion";

const corpus = [
  { id: "a", title: "printer jam", description: "office floor three, tray two, paper stuck since monday morning" },
  { id: "b", title: "keyboard broken", description: "printer jam printer jam printer jam printer jam next to my desk" },
  { id: "c", title: "vpn down", description: "cannot reach the intranet from home" },
  { id: "d", title: "vpn slow", description: "tunnel drops every hour" },
  { id: "e", title: "monitor flicker", description: "screen goes black" },
  { id: "f", title: "printer offline", description: "toner low too" },
];

describe("title weighting in retrieval", () => {
  it("repeats title words titleWeight times and keeps description words once", () => {
    const t = retrievalTerms({ title: "disk full", description: "database stopped" }, 3);
    expect(t.filter((w) => w === "disk")).toHaveLength(3);
    expect(t.filter((w) => w === "database")).toHaveLength(1);
    expect(retrievalTerms({ title: "disk full" })).toHaveLength(2 * LEGACY_TITLE_WEIGHT);
  });

  it("ranks a title match above a description that repeats the words when titles weigh more in BM25", async () => {
    const embedder = await LsaEmbedder.fit(corpus, { seed: 1, dim: 4 });
    const search = (bm25TitleWeight: number) => {
      const index = new SimilarIncidentIndex(embedder, { bm25TitleWeight, fusion: { denseWeight: 0 } });
      for (const x of corpus) index.add(x);
      return index.search({ title: "printer jam" }, { k: 2 }).map((h) => h.id);
    };
    expect(search(1)[0]).toBe("b");
    expect(search(4)[0]).toBe("a");
    expect(new SimilarIncidentIndex(embedder).bm25TitleWeight).toBe(4);
    expect(DEFAULT_FUSION.denseWeight).toBeGreaterThan(0.5);
  });

  it("stores the LSA title weight in its artifact and loads old artifacts with the old weight", async () => {
    const fresh = await LsaEmbedder.fit(corpus, { seed: 1, dim: 4 });
    expect(fresh.titleWeight).toBe(DEFAULT_TITLE_WEIGHT);
    expect(LsaEmbedder.fromArtifact(JSON.parse(JSON.stringify(fresh.toArtifact()))).titleWeight).toBe(DEFAULT_TITLE_WEIGHT);
    const legacy = await LsaEmbedder.fit(corpus, { seed: 1, dim: 4, titleWeight: LEGACY_TITLE_WEIGHT });
    const old = legacy.toArtifact() as Partial<ReturnType<typeof legacy.toArtifact>>;
    delete old.titleWeight; // as written before the field existed
    const loaded = LsaEmbedder.fromArtifact(old as ReturnType<typeof legacy.toArtifact>);
    expect(loaded.titleWeight).toBe(LEGACY_TITLE_WEIGHT);
    const q = { title: "printer jam", description: "tray" };
    expect(Array.from(loaded.embed([q])[0])).toEqual(Array.from(legacy.embed([q])[0]));
    expect(Array.from(fresh.embed([q])[0])).not.toEqual(Array.from(legacy.embed([q])[0]));
  });
});
