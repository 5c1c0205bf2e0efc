import { describe, expect, it } from "vitest";
import { LsaEmbedder, SIMILAR_INCIDENT_FUSION, rankingMetrics, rankingMetricsInWorker } from "@quell/ml";
import type { HistoryRow } from "./model.training";

const hour = (n: number) => new Date(Date.UTC(2025, 0, 1, n));

function row(id: string, title: string, description: string, created: number, extra: Partial<HistoryRow> = {}): HistoryRow {
  return { id, title, description, service: null, category: null, severity: null, teamId: null, duplicateOfId: null, createdAt: hour(created), endedAt: null, ...extra };
}

const history = [
  row("orig", "checkout page blank", "customers see a white page at checkout", 0),
  row("vpn", "vpn disconnects hourly", "remote staff lose the tunnel", 1),
  row("disk", "database disk full", "postgres stopped writing wal", 2),
  row("print", "printer jammed third floor", "paper stuck in tray two", 3),
];
const sibling = (ended: number) => row("sib", "payment form spinner never stops on safari", "safari users stuck on the payment form spinner", 10, { duplicateOfId: "orig", endedAt: hour(ended) });
const query = row("q", "safari payment form spinner stuck", "payment form spinner never stops in safari", 20, { duplicateOfId: "orig" });

describe("the registry's holdout ranks similar incidents as triage lists them", () => {
  it("finds the original through a duplicate closed before the query, not through one closed after it", async () => {
    const rows = [...history, sibling(15), query];
    const embedder = await LsaEmbedder.fit(rows, { dim: 4, minDf: 1, seed: 3 });
    expect(rankingMetrics(embedder, rows, [query], SIMILAR_INCIDENT_FUSION)).toMatchObject({ duplicate_queries: 1, rr_at_1: 1, mrr: 1 });
    const later = [...history, sibling(25), query];
    const m = rankingMetrics(embedder, later, [query], SIMILAR_INCIDENT_FUSION);
    expect(m.rr_at_1).toBe(0);
    expect(m.mrr).toBeLessThan(1);
    expect(m.mrr).toBeGreaterThan(0);
  });

  it("scores the same on a worker thread as in this thread, for each embedder given", async () => {
    const rows = [...history, sibling(15), query];
    const embedder = await LsaEmbedder.fit(rows, { dim: 4, minDf: 1, seed: 3 });
    const fusions = [SIMILAR_INCIDENT_FUSION, { ...SIMILAR_INCIDENT_FUSION, denseWeight: 0.9 }];
    const inWorker = await rankingMetricsInWorker(rows, [query], fusions.map((fusion) => ({ lsa: embedder.toArtifact(), fusion })));
    expect(inWorker).toEqual(fusions.map((f) => rankingMetrics(embedder, rows, [query], f)));
    // A link closed after the query changes the figures, so the comparison can fail.
    const later = [...history, sibling(25), query];
    expect(await rankingMetricsInWorker(later, [query], [{ lsa: embedder.toArtifact(), fusion: SIMILAR_INCIDENT_FUSION }])).not.toEqual([inWorker[0]]);
  });
});
