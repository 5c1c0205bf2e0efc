import { visitInArrivalOrder } from "../similar/arrival-order";
import type { FusionOptions } from "../similar/fusion";
import { LsaEmbedder, type LsaArtifact } from "../similar/lsa-embedder";
import { SimilarIncidentIndex } from "../similar/similar-index";
import { callOnWorker } from "../util/worker";

/** An incident as the registry's duplicate-link holdout reads it. */
export interface RankedIncident {
  id: string;
  title: string;
  description: string;
  service: string | null;
  createdAt: Date;
  duplicateOfId: string | null;
  /** When it was cancelled or closed: the latest its duplicate-of link can have been made known by. */
  endedAt: Date | null;
}

/**
 * RR@k of the duplicate links: is the original among the top k earlier incidents? The index grows
 * in arrival order, so each query's BM25 statistics come only from incidents created before it.
 */
export function rankingMetrics(embedder: LsaEmbedder, rows: readonly RankedIncident[], queries: readonly RankedIncident[], fusion: FusionOptions): Record<string, number> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const index = new SimilarIncidentIndex(embedder, { fusion });
  let at1 = 0;
  let at10 = 0;
  let mrr = 0;
  visitInArrivalOrder(
    rows,
    queries,
    { add: (r) => index.add({ id: r.id, title: r.title, description: r.description, service: r.service, createdAt: r.createdAt }), remove: (id) => index.remove(id) },
    (q) => {
      // As triage lists them (known duplicate groups once, as their original), with only the links
      // an incident ended (cancelled or closed) before the query could have carried.
      const originalOf = (id: string) => {
        const r = byId.get(id);
        return r?.duplicateOfId && r.endedAt && r.endedAt < q.createdAt ? r.duplicateOfId : undefined;
      };
      const hits = index.search({ title: q.title, description: q.description, service: q.service }, { k: 20, excludeId: q.id, queryTime: q.createdAt, originalOf });
      const pos = hits.findIndex((h) => h.id === q.duplicateOfId);
      if (pos < 0) return;
      if (pos < 1) at1++;
      if (pos < 10) at10++;
      mrr += 1 / (pos + 1);
    },
  );
  const n = queries.length || 1;
  return { duplicate_queries: queries.length, rr_at_1: at1 / n, rr_at_10: at10 / n, mrr: mrr / n };
}

/** An embedder and the fusion weights it is searched with, as rankingMetricsInWorker takes them. */
export interface RankedEmbedder {
  lsa: LsaArtifact;
  fusion: FusionOptions;
}

/** rankingMetrics of each embedder with its fusion weights, in this thread. */
export function rankingMetricsOfEmbedders(rows: readonly RankedIncident[], queries: readonly RankedIncident[], embedders: readonly RankedEmbedder[]): Record<string, number>[] {
  return embedders.map((e) => rankingMetrics(LsaEmbedder.fromArtifact(e.lsa), rows, queries, e.fusion));
}

/**
 * rankingMetricsOfEmbedders on a worker thread: at 20k incidents one call indexes every
 * incident and held the event loop for about 6 s (`bench/dist/ranking-block.js`), which the API,
 * triage jobs and queue lock renewals sharing the process would wait out. The same figures as in
 * this thread (tested). The worker loads @quell/ml's built entry point (ml/dist).
 */
export function rankingMetricsInWorker(rows: readonly RankedIncident[], queries: readonly RankedIncident[], embedders: readonly RankedEmbedder[]): Promise<Record<string, number>[]> {
  // Only the fields rankingMetrics reads are copied to the worker.
  const copy = (r: RankedIncident): RankedIncident => ({ id: r.id, title: r.title, description: r.description, service: r.service, createdAt: r.createdAt, duplicateOfId: r.duplicateOfId, endedAt: r.endedAt });
  return callOnWorker<Record<string, number>[]>(require.resolve("@quell/ml"), "rankingMetricsOfEmbedders", [rows.map(copy), queries.map(copy), embedders]);
}
