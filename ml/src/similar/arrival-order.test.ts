import { describe, expect, it } from "vitest";
import { visitInArrivalOrder, type DatedRow } from "./arrival-order";

describe("visitInArrivalOrder", () => {
  it("shows each query exactly the rows created strictly before it; undated rows count as oldest, an undated query sees all others", () => {
    const d = (n: number) => new Date(Date.UTC(2024, 0, n));
    const rows: DatedRow[] = [{ id: "c", createdAt: d(3) }, { id: "a", createdAt: d(1) }, { id: "u", createdAt: null }, { id: "b", createdAt: d(2) }, { id: "b2", createdAt: d(2) }];
    const queries: DatedRow[] = [{ id: "b", createdAt: d(2) }, { id: "q", createdAt: d(9) }, { id: "b2" }, { id: "a", createdAt: d(1) }];
    const live = new Set<string>();
    const seen: Record<string, string[]> = {};
    visitInArrivalOrder(rows, queries, { add: (r) => live.add(r.id), remove: (id) => live.delete(id) }, (q) => (seen[q.id] = [...live].sort()));
    expect(seen).toEqual({ a: ["u"], b: ["a", "u"], q: ["a", "b", "b2", "c", "u"], b2: ["a", "b", "c", "u"] });
    expect([...live].sort()).toEqual(["a", "b", "b2", "c", "u"]);
  });
});
