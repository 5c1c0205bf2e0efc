import { describe, expect, it } from "vitest";
import { LsaEmbedder, rankDuplicates, type IncidentRow } from "@quell/ml";

const day = (n: number) => new Date(Date.UTC(2024, 0, 1 + n));

function row(id: string, title: string, description: string, created: number, extra: Partial<IncidentRow> = {}): IncidentRow {
  return { id, title, description, severity: "", team: "", category: "", service: "", createdAt: day(created), resolvedAt: null, duplicateOf: null, line: 0, ...extra };
}

const history = [
  row("orig", "checkout page blank", "customers see a white page at checkout", 0),
  row("vpn", "vpn disconnects hourly", "remote staff lose the tunnel", 1),
  row("disk", "database disk full", "postgres stopped writing wal", 2),
  row("print", "printer jammed third floor", "paper stuck in tray two", 3),
];
// A later report worded like the query, already closed as a duplicate of "orig".
const sibling = (resolvedDay: number) =>
  row("sib", "payment form spinner never stops on safari", "safari users stuck on the payment form spinner", 10, { duplicateOf: "orig", resolvedAt: day(resolvedDay) });
const query = row("q", "safari payment form spinner stuck", "payment form spinner never stops in safari", 20, { duplicateOf: "orig" });

describe("similar-incident evaluation uses only duplicate links known before the query", () => {
  it("lists the original in place of its known duplicate, but not when the link was made after the query", async () => {
    const rowsKnown = [...history, sibling(15), query];
    const embedder = await LsaEmbedder.fit(rowsKnown, { dim: 4, minDf: 1, seed: 3 });
    const known = rankDuplicates(embedder, rowsKnown, [query]).get("q")!;
    expect(known.fused[0].id).toBe("orig");
    expect(known.fused.map((h) => h.id)).not.toContain("sib");

    const rowsLater = [...history, sibling(25), query];
    const later = rankDuplicates(embedder, rowsLater, [query]).get("q")!;
    expect(later.fused[0].id).toBe("sib");
    expect(later.fused.findIndex((h) => h.id === "orig")).toBeGreaterThan(0);

    const off = rankDuplicates(embedder, rowsKnown, [query], { collapseKnownDuplicates: false }).get("q")!;
    expect(off.fused[0].id).toBe("sib");
  });
});
