import { DEFAULT_FUSION, IvfIndex, LsaEmbedder, SimilarIncidentIndex, type FusionOptions, type SimilarHit } from "@quell/ml";
import type { DataSource } from "typeorm";
import { logger } from "../../platform/logger";
import { bytesToVector } from "../model/model.artifact";
import type { EmbedderBundle } from "../model/model.training";
import { similarIncidentFusion, storeEmbeddings } from "../model/model.training";

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

/** A store shared by the readers of one process, and how many of them hold it. */
interface SharedEntry {
  opening: Promise<SimilarStore>;
  /** Set once open: a release() by a store this entry does not hold (one dropped before) counts for nothing. */
  store?: SimilarStore;
  readers: number;
}

/**
 * The stores of this process by database and embedder model: triage and recurrence read one index
 * (at 1M incidents it is GBs; each opening its own held it twice). Keyed by DataSource too, so two
 * runtimes in one process (tests) never see each other's.
 */
const sharedStores = new WeakMap<DataSource, Map<string, SharedEntry>>();

/**
 * The similar-incident index of one embedder, rebuilt from the vectors stored in PostgreSQL (no
 * retraining, no re-embedding at start), kept current with incidents other workers embedded. One
 * per embedder per process (SimilarStore.shared), read by triage and recurrence, each with its own
 * fusion: the index carries none of its readers' choices.
 */
export class SimilarStore {
  private watermark = new Date(0);
  private readonly seen = new Map<string, number>();
  /** Tail of the mutations (sync, upsert) queued on this store: they run one at a time. */
  private mutating: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dataSource: DataSource,
    readonly modelId: string,
    readonly index: SimilarIncidentIndex,
    /** Similar-incident search's fusion under this embedder: the weights learned with it (similarIncidentFusion). */
    private readonly similarIncidentFusion: FusionOptions,
  ) {}

  /**
   * The store of `modelId` in this process, opened (from `loadBundle`) by its first reader and
   * counted as held by the caller until it calls release(). Concurrent first calls share one opening.
   */
  static async shared(dataSource: DataSource, modelId: string, loadBundle: () => Promise<EmbedderBundle>): Promise<SimilarStore> {
    let stores = sharedStores.get(dataSource);
    if (!stores) sharedStores.set(dataSource, (stores = new Map()));
    let entry = stores.get(modelId);
    if (!entry) {
      const opening = loadBundle().then((bundle) => SimilarStore.open(dataSource, modelId, bundle));
      const created: SharedEntry = { opening, readers: 0 };
      void opening.then((store) => (created.store = store), () => undefined);
      entry = created;
      stores.set(modelId, created);
      // A failed opening is not kept: the next reader tries again.
      opening.catch(() => {
        if (stores.get(modelId) === created) stores.delete(modelId);
      });
    }
    entry.readers++;
    try {
      return await entry.opening;
    } catch (err) {
      entry.readers--;
      throw err;
    }
  }

  /** The caller no longer reads this store (its embedder was replaced, or it stops); the last reader out drops it. */
  release(): void {
    const stores = sharedStores.get(this.dataSource);
    const entry = stores?.get(this.modelId);
    if (!entry || entry.store !== this || entry.readers <= 0) return;
    if (--entry.readers === 0) {
      stores!.delete(this.modelId);
      log.info({ modelId: this.modelId, incidents: this.index.size }, "similar-incident index dropped: no reader holds it");
    }
  }

  /** Readers holding the store of `modelId` in this process (0: none open). */
  static readersOf(dataSource: DataSource, modelId: string): number {
    return sharedStores.get(dataSource)?.get(modelId)?.readers ?? 0;
  }

  private static async open(dataSource: DataSource, modelId: string, bundle: EmbedderBundle): Promise<SimilarStore> {
    const embedder = LsaEmbedder.fromArtifact(bundle.lsa);
    // The index's own fusion is only the default of a search that names none; readers name theirs.
    const index = new SimilarIncidentIndex(embedder, { ann: IvfIndex.fromState(bundle.ivf) });
    const store = new SimilarStore(dataSource, modelId, index, { ...DEFAULT_FUSION, ...similarIncidentFusion(bundle) });
    const started = Date.now();
    await store.sync(true);
    await store.exclusive(() => store.embedMissing());
    log.info({ modelId, incidents: index.size, ms: Date.now() - started }, "similar-incident index loaded");
    return store;
  }

  /**
   * Runs a mutation after those queued before it: two readers' jobs may sync or upsert at once, and
   * interleaved they would file one stored vector twice (a sync reading back an upsert's write before
   * the upsert marks it seen) or leave an older version in place of a newer one.
   */
  private exclusive<T>(mutation: () => Promise<T>): Promise<T> {
    const run = this.mutating.then(mutation);
    this.mutating = run.catch(() => undefined);
    return run;
  }

  /** Adds the vectors stored since the last sync (all of them on the first call), page by page. */
  sync(full = false): Promise<void> {
    return this.exclusive(() => this.syncNow(full));
  }

  private async syncNow(full: boolean): Promise<void> {
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
      await this.upsertNow(rows.map((r) => ({ id: r.id, title: r.title, description: r.description ?? "", service: r.service, createdAt: new Date(r.created_at) })));
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].id;
    }
  }

  /** Embeds, stores and indexes incidents (new ones, or ones whose text changed). */
  upsert(incidents: IndexableIncident[]): Promise<void> {
    return this.exclusive(() => this.upsertNow(incidents));
  }

  /**
   * upsert() of those of `incidents` the index does not hold yet, decided in turn with the other
   * mutations: an incident another reader indexed meanwhile is not embedded and filed again.
   */
  upsertMissing(incidents: IndexableIncident[]): Promise<void> {
    return this.exclusive(() => this.upsertNow(incidents.filter((x) => !this.index.bm25.has(x.id))));
  }

  private async upsertNow(incidents: IndexableIncident[]): Promise<void> {
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
   * Similar-incident search as triage shows it, fused with the weights learned with this embedder: a known duplicate group is listed once, as its
   * original, at its best member's rank (collapseDuplicateGroups; on SeaMonkey TRAIN it lifted MRR
   * 0.655 -> 0.743, see ml/README.md). The links among the ranked candidates are read at query
   * time (one ranking, then one query), so an incident marked a duplicate a minute ago already counts.
   */
  async searchCollapsingDuplicates(incident: IndexableIncident, k = 10): Promise<SimilarHit[]> {
    return this.index.searchWithLinks(
      { title: incident.title, description: incident.description, service: incident.service },
      { k, before: incident.createdAt, excludeId: incident.id, fusion: this.similarIncidentFusion },
      async (candidateIds) => {
        const links = await duplicateLinksOf(this.dataSource, candidateIds);
        return (id) => links.get(id);
      },
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
