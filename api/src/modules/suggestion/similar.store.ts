import { IvfIndex, LsaEmbedder, SimilarIncidentIndex, type FusionOptions, type SimilarHit } from "@quell/ml";
import type { DataSource } from "typeorm";
import { logger } from "../../platform/logger";
import { bytesToVector } from "../model/model.artifact";
import type { EmbedderBundle } from "../model/model.training";
import { storeEmbeddings } from "../model/model.training";

const log = logger.child({ component: "similar-store" });
const PAGE = 5_000;
/** Rows committed out of order (each embedding insert is a short statement of its own) can carry an updated_at a little before the watermark: look back a little. */
const SYNC_LOOKBACK_MS = 10_000;

export interface IndexableIncident {
  id: string;
  title: string;
  description: string;
  service: string | null;
  createdAt: Date;
}

/**
 * The similar-incident index of one embedder, rebuilt from the vectors stored in PostgreSQL (no
 * retraining, no re-embedding at start), kept current with incidents other workers embedded.
 */
export class SimilarStore {
  private watermark = new Date(0);
  private readonly seen = new Map<string, number>();

  private constructor(
    private readonly dataSource: DataSource,
    readonly modelId: string,
    readonly index: SimilarIncidentIndex,
  ) {}

  /** `fusion`: how the index fuses its evidence for this reader (similar-incident search its bundle's learned weights; recurrence the default). */
  static async open(dataSource: DataSource, modelId: string, bundle: EmbedderBundle, opts: { fusion?: (bundle: EmbedderBundle) => FusionOptions } = {}): Promise<SimilarStore> {
    const embedder = LsaEmbedder.fromArtifact(bundle.lsa);
    const index = new SimilarIncidentIndex(embedder, { ann: IvfIndex.fromState(bundle.ivf), fusion: opts.fusion?.(bundle) });
    const store = new SimilarStore(dataSource, modelId, index);
    const started = Date.now();
    await store.sync(true);
    await store.embedMissing();
    log.info({ modelId, incidents: index.size, ms: Date.now() - started }, "similar-incident index loaded");
    return store;
  }

  /** Adds the vectors stored since the last sync (all of them on the first call), page by page. */
  async sync(full = false): Promise<void> {
    if (!full) {
      // Cheap first pass (ids and stamps only): the look-back window mostly holds rows we have.
      const since = new Date(this.watermark.getTime() - SYNC_LOOKBACK_MS);
      const stamps = (await this.dataSource.query(
        `SELECT incident_id, updated_at FROM incident_embedding WHERE model_id = $1 AND updated_at >= $2`,
        [this.modelId, since],
      )) as Array<{ incident_id: string; updated_at: Date | string }>;
      const fresh = stamps.filter((r) => this.seen.get(r.incident_id) !== new Date(r.updated_at).getTime()).map((r) => r.incident_id);
      for (let i = 0; i < fresh.length; i += PAGE) await this.addRows(await this.fetch(`AND e.incident_id = ANY($2::uuid[])`, [fresh.slice(i, i + PAGE)]));
      return;
    }
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const rows = await this.fetch(`AND e.incident_id > $2 ORDER BY e.incident_id LIMIT ${PAGE}`, [after]);
      await this.addRows(rows);
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1].incident_id;
    }
  }

  private fetch(where: string, params: unknown[]) {
    return this.dataSource.query(
      `SELECT e.incident_id, e.vector, e.updated_at, i.title, left(i.description, 3000) AS description, s.name AS service, i.created_at
         FROM incident_embedding e
         JOIN incident i ON i.id = e.incident_id
         LEFT JOIN service s ON s.id = i.service_id
        WHERE e.model_id = $1 ${where}`,
      [this.modelId, ...params],
    ) as Promise<Array<{ incident_id: string; vector: Buffer; updated_at: Date | string; title: string; description: string; service: string | null; created_at: Date | string }>>;
  }

  /** Files a page of stored vectors in one go (one centroid assignment product for the page). */
  private async addRows(rows: Awaited<ReturnType<SimilarStore["fetch"]>>): Promise<void> {
    const incidents: IndexableIncident[] = [];
    const vectors: Float32Array[] = [];
    for (const r of rows) {
      const updated = new Date(r.updated_at);
      if (this.seen.get(r.incident_id) === updated.getTime()) continue;
      this.seen.set(r.incident_id, updated.getTime());
      if (updated > this.watermark) this.watermark = updated;
      incidents.push({ id: r.incident_id, title: r.title, description: r.description ?? "", service: r.service, createdAt: new Date(r.created_at) });
      vectors.push(bytesToVector(r.vector));
    }
    if (incidents.length) await this.index.addManyWithVectors(incidents, vectors);
  }

  /** Incidents that have no vector under this embedder yet (imported, or created before it), walked by id. */
  private async embedMissing(): Promise<void> {
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT i.id, i.title, left(i.description, 3000) AS description, s.name AS service, i.created_at
           FROM incident i LEFT JOIN service s ON s.id = i.service_id
          WHERE i.id > $2 AND NOT EXISTS (SELECT 1 FROM incident_embedding e WHERE e.incident_id = i.id AND e.model_id = $1)
          ORDER BY i.id LIMIT ${PAGE}`,
        [this.modelId, after],
      )) as Array<{ id: string; title: string; description: string; service: string | null; created_at: Date | string }>;
      if (rows.length === 0) return;
      await this.upsert(rows.map((r) => ({ id: r.id, title: r.title, description: r.description ?? "", service: r.service, createdAt: new Date(r.created_at) })));
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].id;
    }
  }

  /** Embeds, stores and indexes incidents (new ones, or ones whose text changed). */
  async upsert(incidents: IndexableIncident[]): Promise<void> {
    if (incidents.length === 0) return;
    const dim = this.index.embedder.dim;
    const vectors = this.index.embedder.embed(incidents);
    const flat = new Float32Array(incidents.length * dim);
    vectors.forEach((v, i) => flat.set(v, i * dim));
    const stamps = await storeEmbeddings(this.dataSource, this.modelId, incidents.map((i) => i.id), flat, dim);
    if (incidents.length === 1) this.index.addWithVector(incidents[0], vectors[0]);
    else await this.index.addManyWithVectors(incidents, vectors);
    // Our own writes need not come back through sync().
    for (const s of stamps) {
      const at = new Date(s.updated_at);
      this.seen.set(s.incident_id, at.getTime());
      // The watermark must move with our own writes too, or the look-back window stays anchored
      // at the last bulk load and every sync re-reads all of it (it did: 270 ms a job at 100k).
      if (at > this.watermark) this.watermark = at;
    }
  }

  /**
   * Similar-incident search as triage shows it: a known duplicate group is listed once, as its
   * original, at its best member's rank (collapseDuplicateGroups; on SeaMonkey TRAIN it lifted MRR
   * 0.655 -> 0.743, see ml/README.md). The links among the ranked candidates are read at query
   * time (one ranking, then one query), so an incident marked a duplicate a minute ago already counts.
   */
  async searchCollapsingDuplicates(incident: IndexableIncident, k = 10): Promise<SimilarHit[]> {
    return this.index.searchWithLinks(
      { title: incident.title, description: incident.description, service: incident.service },
      { k, before: incident.createdAt, excludeId: incident.id },
      async (candidateIds) => {
        const links = await duplicateLinksOf(this.dataSource, candidateIds);
        return (id) => links.get(id);
      },
    );
  }

  search(incident: IndexableIncident, k = 10): SimilarHit[] {
    return this.index.search(
      { title: incident.title, description: incident.description, service: incident.service },
      { k, before: incident.createdAt, excludeId: incident.id },
    );
  }
}

/** Duplicate-of links of the given incidents and of their originals in turn (chains of up to 32). */
async function duplicateLinksOf(dataSource: DataSource, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = (await dataSource.query(
    `WITH RECURSIVE link(id, duplicate_of_id, depth) AS (
       SELECT id, duplicate_of_id, 1 FROM incident WHERE id = ANY($1::uuid[]) AND duplicate_of_id IS NOT NULL
       UNION
       SELECT i.id, i.duplicate_of_id, l.depth + 1 FROM incident i JOIN link l ON i.id = l.duplicate_of_id
        WHERE i.duplicate_of_id IS NOT NULL AND l.depth < 32
     )
     SELECT DISTINCT id, duplicate_of_id FROM link`,
    [ids],
  )) as Array<{ id: string; duplicate_of_id: string }>;
  return new Map(rows.map((r) => [r.id, r.duplicate_of_id]));
}
