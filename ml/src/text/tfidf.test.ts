import { describe, expect, it } from "vitest";
import { Vocabulary } from "./vocabulary";
import { TfidfWeighter } from "./tfidf";
import { bm25Idf, bm25TermScore } from "./bm25";
import { hashFeature } from "./hashing";

const docs = [["disk", "full", "disk"], ["disk", "slow"], ["cpu", "slow"]];

describe("TF-IDF", () => {
  it("gives hand-computed sublinear, smoothed, L2-normalised weights", () => {
    const vocab = Vocabulary.fit(docs, { minDf: 1 });
    expect(vocab.terms).toEqual(["disk", "slow", "cpu", "full"]); // by df, then alphabetically
    const v = new TfidfWeighter(vocab).transform(["disk", "full", "disk"]);
    // disk: tf 2 -> 1 + ln 2, idf ln(4/3) + 1; full: tf 1, idf ln(4/2) + 1
    const disk = (1 + Math.log(2)) * (Math.log(4 / 3) + 1);
    const full = 1 * (Math.log(2) + 1);
    const norm = Math.hypot(disk, full);
    expect(Array.from(v.indices)).toEqual([0, 3]);
    expect(v.values[0]).toBeCloseTo(disk / norm, 6);
    expect(v.values[1]).toBeCloseTo(full / norm, 6);
  });

  it("drops terms under min df and past max features", () => {
    const vocab = Vocabulary.fit(docs, { minDf: 2 });
    expect(vocab.terms).toEqual(["disk", "slow"]);
    expect(Vocabulary.fit(docs, { minDf: 1, maxFeatures: 1 }).terms).toEqual(["disk"]);
  });
});

describe("BM25", () => {
  it("matches the formula by hand", () => {
    // N=3, df=1: idf = ln(1 + 2.5/1.5); tf=2, dl=3, avgdl=2.5, k1=1.2, b=0.75
    const idf = Math.log(1 + 2.5 / 1.5);
    expect(bm25Idf(1, 3)).toBeCloseTo(idf, 12);
    const norm = 1.2 * (1 - 0.75 + (0.75 * 3) / 2.5);
    expect(bm25TermScore(2, 1, 3, 3, 2.5)).toBeCloseTo((idf * 2 * 2.2) / (2 + norm), 12);
    expect(bm25TermScore(0, 1, 3, 3, 2.5)).toBe(0);
  });
});

describe("feature hashing", () => {
  it("is stable and stays in range", () => {
    const a = hashFeature("disk full", 1024);
    expect(hashFeature("disk full", 1024)).toEqual(a);
    expect(a.index).toBeGreaterThanOrEqual(0);
    expect(a.index).toBeLessThan(1024);
  });
});
