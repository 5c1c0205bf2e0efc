import { describe, expect, it } from "vitest";
import { collapseDuplicateGroups, rootOf } from "./duplicate-groups";

type Hit = { id: string; score: number; via?: string };
const asOriginal = (id: string, m: Hit): Hit => ({ id, score: m.score, via: m.id });

describe("collapseDuplicateGroups", () => {
  const links: Record<string, string> = { d1: "orig", d2: "d1", x: "y" };
  const originalOf = (id: string) => links[id];

  it("lists a known group once, as its original, at its best member's rank", () => {
    const ranked: Hit[] = [
      { id: "a", score: 0.9 },
      { id: "d2", score: 0.8 },
      { id: "b", score: 0.7 },
      { id: "orig", score: 0.4 },
      { id: "d1", score: 0.3 },
    ];
    const out = collapseDuplicateGroups(ranked, originalOf, () => true, asOriginal);
    expect(out).toEqual([{ id: "a", score: 0.9 }, { id: "orig", score: 0.8, via: "d2" }, { id: "b", score: 0.7 }]);
  });

  it("keeps a member as itself when its original is not in the candidate pool", () => {
    const out = collapseDuplicateGroups([{ id: "x", score: 0.5 }], originalOf, (id) => id !== "y", asOriginal);
    expect(out).toEqual([{ id: "x", score: 0.5 }]);
  });

  it("changes nothing without links", () => {
    const ranked: Hit[] = [{ id: "a", score: 2 }, { id: "d2", score: 1 }];
    expect(collapseDuplicateGroups(ranked, () => undefined, () => true, asOriginal)).toEqual(ranked);
  });

  it("stops on a cycle of links", () => {
    const cyc: Record<string, string> = { p: "q", q: "p" };
    expect(rootOf("p", (id) => cyc[id])).toBe("q");
  });
});
