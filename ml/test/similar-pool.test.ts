import { describe, expect, it } from "vitest";
import { Bm25Index, LsaEmbedder, rankDuplicates, retrievalTerms, SimilarIncidentIndex, type IncidentRow } from "@quell/ml";

const day = (n: number) => new Date(Date.UTC(2024, 0, 1 + n));

function row(id: string, title: string, description: string, created: number, duplicateOf: string | null = null): IncidentRow {
  return { id, title, description, severity: "", team: "", category: "", service: "", createdAt: day(created), resolvedAt: null, duplicateOf, line: 0 };
}

const topics = [
  ["payments certificate expired", "tls handshake failures on the payments gateway"],
  ["kafka consumer lag billing", "billing events delayed in the queue"],
  ["vpn disconnects hourly", "remote staff lose the tunnel"],
  ["printer jammed third floor", "paper stuck in tray two"],
  ["database disk full", "postgres stopped writing wal"],
  ["login page slow", "single sign on takes a minute"],
];

// Two old incidents per topic, then test rows: duplicates of them and unrelated reports.
const train: IncidentRow[] = topics.flatMap(([t, d], i) => [row(`T${i}a`, t, d, i), row(`T${i}b`, `${t} again`, `${d} since morning`, 10 + i)]);
const test: IncidentRow[] = [
  row("Q1", "payments tls certificate expired again", "handshake failures", 30, "T0a"),
  row("N1", "billing queue delayed", "consumer lag on billing kafka", 31),
  row("Q2", "vpn tunnel disconnects", "remote staff lose vpn every hour", 32, "T2a"),
  row("Q3", "postgres disk full", "wal writes stopped database", 33, "T4a"),
];
// Later rows that would move every statistic BM25 uses if they leaked: they repeat the queries'
// words (document frequency, document count) and are long (mean document length).
const later: IncidentRow[] = [
  ...Array.from({ length: 12 }, (_, i) =>
    row(`L${i}`, "payments certificate vpn tunnel disk full", "handshake remote staff wal postgres ".repeat(20), 40 + i),
  ),
  row("Q4", "printer paper jam", "tray two stuck", 60, "T3a"),
];

describe("similar-incident evaluation sees only each query's candidate pool", () => {
  it("leaves every earlier query's ranking (ids and scores) unchanged when later test rows are appended", async () => {
    const embedder = await LsaEmbedder.fit(train, { dim: 8, minDf: 1, seed: 3 });
    const queries = test.filter((r) => r.duplicateOf);
    const before = rankDuplicates(embedder, [...train, ...test], queries, { fusion: { denseWeight: 0.5 } });
    const after = rankDuplicates(embedder, [...train, ...test, ...later], [...queries, ...later.filter((r) => r.duplicateOf)], { fusion: { denseWeight: 0.5 } });
    expect(before.size).toBe(3);
    for (const q of queries) {
      expect(after.get(q.id)).toEqual(before.get(q.id));
      // Only rows created before the query are ranked.
      for (const h of before.get(q.id)!.fused) expect(train.concat(test).find((r) => r.id === h.id)!.createdAt! < q.createdAt!).toBe(true);
    }
    expect(before.get("Q1")!.fused[0].id).toBe("T0a");
    // The later query does see the appended rows.
    expect(after.get("Q4")!.bm25.map((h) => h.id)).toContain("T3a");

    // Control: the appended rows do change BM25 scores when they are (wrongly) in the statistics,
    // so the equality above is not vacuous.
    const leaky = new Bm25Index();
    for (const r of [...train, ...test, ...later]) leaky.add(r.id, retrievalTerms(r));
    const q1 = test[0];
    const leakyTop = leaky.search(retrievalTerms(q1), 5, (id) => train.some((r) => r.id === id))[0];
    expect(leakyTop.id).toBe(before.get("Q1")!.bm25[0].id);
    expect(leakyTop.score).not.toBeCloseTo(before.get("Q1")!.bm25[0].score, 3);
  });

  it("holds for the fielded BM25F index too (per-field mean lengths come from the pool only)", async () => {
    const embedder = await LsaEmbedder.fit(train, { dim: 8, minDf: 1, seed: 3 });
    const queries = test.filter((r) => r.duplicateOf);
    const bm25Fields = { weights: [4, 1], lengthNormalisation: "field" as const, b: [0.5, 0.9] };
    const opts = { fusion: { denseWeight: 0.5 }, bm25Fields };
    const before = rankDuplicates(embedder, [...train, ...test], queries, opts);
    const after = rankDuplicates(embedder, [...train, ...test, ...later], [...queries, ...later.filter((r) => r.duplicateOf)], opts);
    for (const q of queries) expect(after.get(q.id)).toEqual(before.get(q.id));
    expect(before.get("Q1")!.fused[0].id).toBe("T0a");
    // Control: with the later rows in its statistics the fielded index scores Q1's hits differently.
    const leaky = new SimilarIncidentIndex(embedder, { ...opts, candidates: 100 });
    for (const r of [...train, ...test, ...later]) leaky.add(r);
    const q1 = test[0];
    // Same pool, same query time: only the BM25 statistics differ.
    const leakyHits = leaky.search(q1, { k: 5, excludeId: q1.id, before: q1.createdAt!, queryTime: q1.createdAt! });
    expect(leakyHits.map((h) => h.id)).toContain("T0a");
    const own = before.get("Q1")!.fused.find((h) => h.id === leakyHits[0].id)!;
    expect(leakyHits[0].bm25Score).toBeGreaterThan(0);
    expect(leakyHits[0].score).not.toBeCloseTo(own.score, 3);
  });
});
