import { describe, expect, it } from "vitest";
import { DEFAULT_FUSION, fuse, fuseHits } from "./fusion";

describe("fuseHits", () => {
  it("merges dense and lexical hits, asks the dense score of lexical-only hits, and ranks by the fused score, ties by id", () => {
    const asked: string[] = [];
    const ranked = fuseHits(
      [
        { id: "a", score: 0.9 },
        { id: "b", score: 0.5 },
      ],
      [
        { id: "c", score: 8 },
        { id: "b", score: 4 },
      ],
      (id) => {
        asked.push(id);
        return 0.3;
      },
      (c, maxBm25) => fuse(c, maxBm25, DEFAULT_FUSION),
    );
    expect(asked).toEqual(["c"]);
    // a: 0.6 * 0.9 = 0.54; b: 0.6 * 0.5 + 0.4 * 4/8 = 0.5; c: 0.6 * 0.3 + 0.4 * 1 = 0.58.
    expect(ranked.map((r) => r.c.id)).toEqual(["c", "a", "b"]);
    expect(ranked.map((r) => r.score)).toEqual([0.6 * 0.3 + 0.4, 0.6 * 0.9, 0.6 * 0.5 + 0.4 * 0.5]);
    expect(ranked.find((r) => r.c.id === "b")!.c).toMatchObject({ denseRank: 2, bm25Rank: 2, bm25: 4 });
    const tied = fuseHits([{ id: "y", score: 0.5 }, { id: "x", score: 0.5 }], [], () => 0, (c, m) => fuse(c, m, DEFAULT_FUSION));
    expect(tied.map((r) => r.c.id)).toEqual(["x", "y"]);
  });
});
