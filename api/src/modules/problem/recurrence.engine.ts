import { byCreation, clusterEvidence, initBackend, RecurrenceClusterer, type RecurrenceIncident } from "@quell/ml";
import type { DataSource } from "typeorm";
import { logger } from "../../platform/logger";
import type { Clock } from "../../platform/clock";
import { ModelKind } from "../model/model.entity";
import type { EmbedderBundle } from "../model/model.training";
import type { ModelService } from "../model/model.service";
import { SimilarStore } from "../suggestion/similar.store";
import type { ReconcileCounts, RecurrenceGroup, RecurrenceService } from "./recurrence.service";

const log = logger.child({ component: "recurrence" });
const PAGE = 5_000;
/** Incidents committed a little out of order can carry a created_at just before the watermark. */
const CATCH_UP_LOOKBACK_MS = 60_000;

export interface RecurrencePassResult extends ReconcileCounts {
  mode: "rebuild" | "incremental" | "cold_start";
  incidents: number;
}

interface Row {
  id: string;
  title: string;
  description: string | null;
  service: string | null;
  team: string | null;
  created_at: Date | string;
  ended_at: Date | string | null;
}

/**
 * The recurrence job's state in one worker process: the similar-incident index of the active
 * embedder (the process's one, SimilarStore.shared, which triage reads too) and the groups over
 * it. The first job after a start, or after the embedder changed, rebuilds; later jobs assign the
 * incidents that arrived since (in creation order, so every worker converges on the same groups)
 * and reconcile only the groups they touched. The scheduled rebuild corrects what incremental
 * assignment drifted.
 */
export class RecurrenceEngine {
  private store: SimilarStore | null = null;
  private clusterer: RecurrenceClusterer | null = null;
  private watermark = 0;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelService,
    private readonly recurrence: RecurrenceService,
    private readonly clock: Clock,
  ) {}

  /** The similar-incident index this engine reads (the process's one of the active embedder), if any. */
  get similarStore(): SimilarStore | null {
    return this.store;
  }

  /** One pass at a time per process: jobs queue behind each other. */
  run(mode: "rebuild" | "incremental"): Promise<RecurrencePassResult> {
    const next = this.running.then(() => this.pass(mode));
    this.running = next.catch(() => undefined);
    return next;
  }

  private async pass(mode: "rebuild" | "incremental"): Promise<RecurrencePassResult> {
    await initBackend();
    const embedder = (await this.models.activeModels()).find((m) => m.kind === ModelKind.embedder);
    if (!embedder) return { mode: "cold_start", incidents: 0, created: 0, updated: 0, reopened: 0, gone: 0 };
    if (this.store?.modelId !== embedder.id) {
      // The process's one index of this embedder, shared with triage (the clusterer fuses with its own weights).
      const next = await SimilarStore.shared(this.dataSource, embedder.id, () => this.models.loadArtifact<EmbedderBundle>(embedder.id));
      this.clusterer = null;
      this.store?.release();
      this.store = next;
    }
    if (mode === "rebuild" || !this.clusterer) return this.rebuild();
    return this.catchUp();
  }

  private async rebuild(): Promise<RecurrencePassResult> {
    const started = Date.now();
    const incidents: RecurrenceIncident[] = [];
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const rows = await this.fetch(`i.id > $1 ORDER BY i.id LIMIT ${PAGE}`, [after]);
      incidents.push(...rows.map(toIncident));
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1].id;
    }
    await this.store!.sync();
    await this.store!.upsertMissing(incidents.map(toIndexable));
    this.clusterer = RecurrenceClusterer.rebuild(this.store!.index, incidents);
    this.watermark = incidents.reduce((max, x) => Math.max(max, x.createdAt!.getTime()), 0);
    const counts = await this.recurrence.reconcile(this.groupsOf(this.clusterer.groups(1).map((g) => g.key)), this.evidence, true);
    log.info({ incidents: incidents.length, ms: Date.now() - started, ...counts }, "recurrence rebuilt");
    return { mode: "rebuild", incidents: incidents.length, ...counts };
  }

  private async catchUp(): Promise<RecurrencePassResult> {
    const clusterer = this.clusterer!;
    const rows = await this.fetch(`i.created_at >= $1 ORDER BY i.created_at, i.id`, [new Date(this.watermark - CATCH_UP_LOOKBACK_MS)]);
    const fresh = rows.map(toIncident).filter((x) => clusterer.groupKeyOf(x.id) === undefined).sort(byCreation);
    const gone = await this.recurrence.dropLinkedAway();
    if (fresh.length === 0) return { mode: "incremental", incidents: 0, created: 0, updated: 0, reopened: 0, gone };
    await this.store!.sync();
    await this.store!.upsertMissing(fresh.map(toIndexable));
    const touched = new Set<string>();
    for (const x of fresh) {
      touched.add(clusterer.assign(x).key);
      this.watermark = Math.max(this.watermark, x.createdAt!.getTime());
    }
    const counts = await this.recurrence.reconcile(this.groupsOf([...touched]), this.evidence, false);
    log.debug({ incidents: fresh.length, ...counts }, "recurrence assigned new incidents");
    return { mode: "incremental", incidents: fresh.length, ...counts, gone: counts.gone + gone };
  }

  private groupsOf(keys: readonly string[]): RecurrenceGroup[] {
    const scorer = this.clusterer!.scorer;
    const wanted = new Set(keys);
    return this.clusterer!
      .groups(1)
      .filter((g) => wanted.has(g.key))
      .map((g) => ({ key: g.key, members: g.ids.map((id) => ({ id, createdAt: new Date(scorer.get(id)!.createdAt ?? 0) })) }));
  }

  private readonly evidence = (key: string, ids: readonly string[]) => clusterEvidence(this.clusterer!.scorer, key, ids, this.clock.now());

  private fetch(where: string, params: unknown[]): Promise<Row[]> {
    return this.dataSource.query(
      `SELECT i.id, i.title, left(i.description, 3000) AS description, s.name AS service, t.name AS team, i.created_at,
              coalesce(i.closed_at, i.cancelled_at) AS ended_at
         FROM incident i LEFT JOIN service s ON s.id = i.service_id LEFT JOIN team t ON t.id = i.team_id
        WHERE ${where}`,
      params,
    ) as Promise<Row[]>;
  }
}

function toIncident(r: Row): RecurrenceIncident {
  return {
    id: r.id,
    title: r.title,
    description: r.description ?? "",
    service: r.service,
    team: r.team,
    createdAt: new Date(r.created_at),
    resolvedAt: r.ended_at ? new Date(r.ended_at) : null,
  };
}

function toIndexable(x: RecurrenceIncident) {
  return { id: x.id, title: x.title, description: x.description ?? "", service: x.service ?? null, createdAt: x.createdAt! };
}
