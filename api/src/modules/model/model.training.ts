import {
  runClassifierJobs,
  runClassifierJobsInWorker,
  rankingMetricsOfEmbedders,
  rankingMetricsInWorker,
  type RankedEmbedder,
  type ClassifierJob,
  type ClassifierJobResult,
  type JobProgress,
  IvfIndex,
  LsaEmbedder,
  MIN_TOTAL_EXAMPLES,
  SIMILAR_INCIDENT_FUSION,
  initBackend,
  learnFusionFromFeedback,
  buildEmbedderInWorker,
  embedAll,
  type EmbedderBuild,
  type ClassifierArtifact,
  type IvfState,
  type FusionOptions,
  type JudgedCandidate,
  type LsaArtifact,
} from "@quell/ml";
import type { DataSource } from "typeorm";
import { logger } from "../../platform/logger";
import { vectorToBytes } from "./model.artifact";
import { ModelKind } from "./model.entity";
import type { ModelService } from "./model.service";

const log = logger.child({ component: "model-training" });

/** The newest share of history is the holdout every candidate and the active model are scored on. */
export const HOLDOUT_SHARE = 0.2;
/** Labelled incidents needed before a classifier is trained (its training split must reach ml's minimum). */
export const MIN_LABELLED = Math.ceil(MIN_TOTAL_EXAMPLES / (1 - HOLDOUT_SHARE));
/** Past incidents needed before similar-incident search is offered. */
export const MIN_SIMILAR_HISTORY = 10;
/** Duplicate links in the holdout needed to compare two embedders. */
const MIN_DUPLICATE_QUERIES = 5;
const EMBEDDER_OPTIONS = { seed: 7 };
const CLASSIFIER_KINDS = [ModelKind.severity, ModelKind.team, ModelKind.category] as const;
type ClassifierKind = (typeof CLASSIFIER_KINDS)[number];

export interface HistoryRow {
  id: string;
  title: string;
  description: string;
  service: string | null;
  category: string | null;
  severity: string | null;
  teamId: string | null;
  duplicateOfId: string | null;
  createdAt: Date;
  /** When the incident was cancelled or closed: the latest its duplicate-of link can have been made known by. */
  endedAt: Date | null;
}

export interface EmbedderBundle {
  lsa: LsaArtifact;
  ivf: IvfState;
  /** Fusion weights learned from "helpful / not similar" verdicts; absent in bundles from before, or without enough verdicts. */
  fusion?: FusionOptions;
}

/** How similar-incident search fuses evidence with this bundle: its learned weights, else the default. */
export function similarIncidentFusion(bundle: EmbedderBundle): FusionOptions {
  return bundle.fusion ?? SIMILAR_INCIDENT_FUSION;
}

export interface KindOutcome {
  kind: ModelKind;
  outcome: "activated" | "kept_active" | "insufficient_data" | "failed";
  reason: string;
  modelId?: string;
  version?: number;
  candidate?: Record<string, number>;
  active?: Record<string, number> | null;
  [key: string]: unknown;
}

type Progress = (percent: number, stage: string) => void;

/** Labels as training sees them: a person's accepted or corrected suggestion wins over the field. */
function labelOf(row: HistoryRow, kind: ClassifierKind, decided: Map<string, string>): string | null {
  const override = decided.get(`${row.id}:${kind}`);
  if (override) return override;
  if (kind === ModelKind.severity) return row.severity;
  if (kind === ModelKind.team) return row.teamId;
  return row.category;
}

/** Routing (team, category) is judged by whether the first suggestion is right; severity by every class (macro-F1). */
function objectiveOf(kind: ClassifierKind): "accuracy" | "macro_f1" {
  return kind === ModelKind.severity ? "macro_f1" : "accuracy";
}

/**
 * Retraining: every model kind is trained on the older share of history, scored on the newest
 * share (a time split, as it will be used), and the active model is scored on the same holdout.
 * The candidate becomes active only if it is not worse; both results are kept in the registry.
 */
export class ModelTrainer {
  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelService,
  ) {}

  async loadHistory(): Promise<HistoryRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT i.id, i.title, left(i.description, 3000) AS description, s.name AS service, i.category, i.severity, i.team_id,
              i.duplicate_of_id, i.created_at, coalesce(i.cancelled_at, i.closed_at) AS ended_at
         FROM incident i LEFT JOIN service s ON s.id = i.service_id
        ORDER BY i.created_at, i.id`,
    )) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      id: r.id as string,
      title: r.title as string,
      description: (r.description as string) ?? "",
      service: (r.service as string | null) ?? null,
      category: (r.category as string | null) ?? null,
      severity: (r.severity as string | null) ?? null,
      teamId: (r.team_id as string | null) ?? null,
      duplicateOfId: (r.duplicate_of_id as string | null) ?? null,
      createdAt: new Date(r.created_at as string),
      endedAt: r.ended_at ? new Date(r.ended_at as string) : null,
    }));
  }

  private async decidedLabels(): Promise<Map<string, string>> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT ON (incident_id, kind) incident_id, kind,
              CASE status WHEN 'accepted' THEN value ELSE corrected_value END AS label
         FROM suggestion
        WHERE status IN ('accepted', 'corrected') AND kind IN ('severity', 'team', 'category')
        ORDER BY incident_id, kind, decided_at DESC`,
    )) as Array<{ incident_id: string; kind: string; label: string | null }>;
    return new Map(rows.filter((r) => r.label).map((r) => [`${r.incident_id}:${r.kind}`, r.label!]));
  }

  /**
   * "Helpful" (accepted) and "not similar" (dismissed) verdicts on similar incidents, per query
   * incident, with the evidence each hit was shown with (stored in its reasons since bm25Relative was).
   */
  private async similarVerdicts(): Promise<JudgedCandidate[][]> {
    const rows = (await this.dataSource.query(
      `SELECT s.incident_id, s.status, (s.reasons->>'denseScore')::float8 AS dense, (s.reasons->>'bm25Relative')::float8 AS bm25_relative,
              extract(epoch FROM q.created_at - c.created_at) / 86400 AS age_days
         FROM suggestion s
         JOIN incident q ON q.id = s.incident_id
         JOIN incident c ON c.id::text = s.value
        WHERE s.kind = 'similar' AND s.status IN ('accepted', 'dismissed') AND NOT s.abstained AND s.reasons ? 'bm25Relative'`,
    )) as Array<{ incident_id: string; status: string; dense: number; bm25_relative: number; age_days: number | string }>;
    const byQuery = new Map<string, JudgedCandidate[]>();
    for (const r of rows) {
      const list = byQuery.get(r.incident_id) ?? [];
      list.push({ dense: Number(r.dense), bm25Relative: Number(r.bm25_relative), ageDays: Number(r.age_days), helpful: r.status === "accepted" });
      byQuery.set(r.incident_id, list);
    }
    return [...byQuery.values()];
  }

  /** Runs a whole retraining for a run row; never throws for one kind's failure. */
  async run(runId: string, onProgress?: Progress): Promise<KindOutcome[]> {
    await initBackend();
    let lastWrite = 0;
    const progress: Progress = (percent, stage) => {
      onProgress?.(percent, stage);
      const now = Date.now();
      if (now - lastWrite > 500 || percent >= 100) {
        lastWrite = now;
        this.models.progress(runId, Math.round(percent * 10) / 10, stage).catch(() => undefined);
      }
    };
    await this.models.startRun(runId);
    try {
      progress(1, "loading history");
      const history = await this.loadHistory();
      const decided = await this.decidedLabels();
      // The embedder (fit, every incident's embedding, the index) needs nothing the classifiers
      // make: it is built on a worker thread (the second core) while they train here, and
      // trainEmbedder awaits it (the same embedder, vectors and index as in this thread, bit for bit).
      const embedderRows = embedderSplit(history);
      const embedderBuild =
        embedderRows.usable.length >= MIN_SIMILAR_HISTORY
          ? buildEmbedderInWorker(embedderRows.usable, { fitRows: embedderRows.cut, ids: embedderRows.usable.map((r) => r.id), lsa: EMBEDDER_OPTIONS }).catch(
              async (error: unknown): Promise<EmbedderBuild> => {
                // Without a worker thread the same fit runs here (embedding and index then follow in trainEmbedder).
                log.warn({ runId, err: error instanceof Error ? error.message : String(error) }, "embedder build on a worker thread failed; fitting in this thread");
                return { embedder: await LsaEmbedder.fit(embedderRows.train, EMBEDDER_OPTIONS) };
              },
            )
          : null;
      // Awaited in trainEmbedder; if a classifier throws first, the build's outcome is not needed.
      embedderBuild?.catch(() => undefined);
      const span = 70 / CLASSIFIER_KINDS.length;
      const outcomes = await this.trainClassifiers(history, decided, runId, (k, p, s) => progress(5 + k * span + (p / 100) * span, `${CLASSIFIER_KINDS[k]}: ${s}`));
      outcomes.push(await this.trainEmbedder(embedderRows, embedderBuild, runId, (p, s) => progress(75 + (p / 100) * 25, `similar: ${s}`)));
      progress(100, "done");
      await this.models.finishRun(runId, outcomes);
      log.info({ runId, outcomes: outcomes.map((o) => `${o.kind}: ${o.outcome} (${o.reason})`) }, "training run finished");
      return outcomes;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error({ runId, err: message }, "training run failed");
      await this.models.finishRun(runId, [], message);
      throw error;
    }
  }

  /**
   * The severity, team and category classifiers, each trained on the older share of its labelled
   * history and scored, with the active model, on the newest share; then registered. Training and
   * scoring run on a worker thread: they are minutes of synchronous work at 100k incidents, which
   * in this thread would hold the event loop (the API, triage jobs and queue lock renewals sharing
   * the process would wait) for up to tens of seconds at a time.
   */
  private async trainClassifiers(history: HistoryRow[], decided: Map<string, string>, runId: string, progress: (kindIndex: number, percent: number, stage: string) => void): Promise<KindOutcome[]> {
    const actives = await this.models.activeModels();
    const plans: Array<{ kind: ClassifierKind; train: number[]; holdout: number[]; activeId?: string; job?: number; outcome?: KindOutcome }> = [];
    const jobs: ClassifierJob[] = [];
    for (const kind of CLASSIFIER_KINDS) {
      const labelled = history.flatMap((r, i) => (labelOf(r, kind, decided) ? [i] : []));
      if (labelled.length < MIN_LABELLED) {
        plans.push({ kind, train: [], holdout: [], outcome: { kind, outcome: "insufficient_data", reason: `needs at least ${MIN_LABELLED} labelled incidents, has ${labelled.length}` } });
        continue;
      }
      const cut = Math.floor(labelled.length * (1 - HOLDOUT_SHARE));
      const [train, holdout] = [labelled.slice(0, cut), labelled.slice(cut)];
      const activeId = actives.find((m) => m.kind === kind)?.id;
      plans.push({ kind, train, holdout, activeId, job: jobs.length });
      const labels = (rows: number[]) => rows.map((i) => labelOf(history[i], kind, decided)!);
      jobs.push({
        train,
        trainLabels: labels(train),
        holdout,
        holdoutLabels: labels(holdout),
        // The category model must not see the category it predicts.
        withoutCategory: kind === ModelKind.category,
        // Each incident's creation date goes with it: validation holds out the newest rows (the trainer's default for dated examples).
        options: { seed: 42, objective: objectiveOf(kind) },
        compareWith: activeId ? [await this.models.loadArtifact<ClassifierArtifact>(activeId)] : [],
      });
    }
    const kindOfJob = plans.flatMap((p, k) => (p.job !== undefined ? [k] : []));
    const onJob: JobProgress = (j, p) => progress(kindOfJob[j], p.percent, p.stage);
    const results = jobs.length
      ? await runClassifierJobsInWorker(history, jobs, onJob).catch((error: unknown) => {
          // Without a worker thread the same jobs run here (the same models; the event loop is held meanwhile).
          log.warn({ runId, err: error instanceof Error ? error.message : String(error) }, "classifier training on a worker thread failed; training in this thread");
          return runClassifierJobs(history, jobs, onJob);
        })
      : [];
    const outcomes: KindOutcome[] = [];
    for (const [k, plan] of plans.entries()) {
      outcomes.push(plan.outcome ?? (await this.registerClassifier(plan.kind, history, plan.train, plan.activeId, results[plan.job!], runId, (p, s) => progress(k, p, s))));
    }
    return outcomes;
  }

  private async registerClassifier(kind: ClassifierKind, history: HistoryRow[], train: number[], activeId: string | undefined, result: ClassifierJobResult, runId: string, progress: Progress): Promise<KindOutcome> {
    if (result.outcome !== "trained") return { kind, outcome: result.outcome, reason: result.reason };
    const candidateMetrics = result.holdout;
    const activeMetrics = activeId ? result.compared[0] : null;
    // "Not worse": the kind's objective on the same holdout at least equal to the active model's.
    const key = objectiveOf(kind);
    const shown = key === "accuracy" ? "accuracy" : "macro-F1";
    const better = !activeMetrics || candidateMetrics[key] >= activeMetrics[key] - 1e-9;
    const metrics = { holdout: candidateMetrics, active_on_same_holdout: activeMetrics, active_model_id: activeId ?? null, validation: result.artifact.validation, labels: result.artifact.labels };
    const model = await this.models.register(
      { kind, trainingFrom: history[train[0]].createdAt, trainingTo: history[train[train.length - 1]].createdAt, nExamples: train.length, metrics, artifact: result.artifact, trainingRunId: runId },
      better,
    );
    progress(100, better ? "activated" : "kept the active model");
    return {
      kind,
      outcome: better ? "activated" : "kept_active",
      reason: better
        ? activeMetrics
          ? `${shown} ${candidateMetrics[key].toFixed(3)} ≥ active ${activeMetrics[key].toFixed(3)} on the same holdout`
          : `first ${kind} model (${shown} ${candidateMetrics[key].toFixed(3)} on the holdout)`
        : `${shown} ${candidateMetrics[key].toFixed(3)} < active ${activeMetrics![key].toFixed(3)} on the same holdout`,
      modelId: model.id,
      version: model.version,
      candidate: candidateMetrics,
      active: activeMetrics,
    };
  }

  private async trainEmbedder({ usable, cut, train }: EmbedderSplit, build: Promise<EmbedderBuild> | null, runId: string, progress: Progress): Promise<KindOutcome> {
    const kind = ModelKind.embedder;
    if (!build) {
      return { kind, outcome: "insufficient_data", reason: `needs at least ${MIN_SIMILAR_HISTORY} past incidents, has ${usable.length}` };
    }
    progress(5, "fitting embedder");
    const built = await build;
    const candidate = built.embedder;
    progress(38, "learning from verdicts");
    const learned = learnFusionFromFeedback(await this.similarVerdicts(), SIMILAR_INCIDENT_FUSION);
    const feedback = { judged_queries: learned.queries, pairs: learned.pairs, pair_accuracy_before: learned.pairAccuracyBefore, pair_accuracy_after: learned.pairAccuracyAfter, dense_weight: learned.fusion.denseWeight, recency_weight: learned.fusion.recencyWeight ?? 0 };
    progress(40, "evaluating");
    const holdoutQueries = usable.slice(cut).filter((r) => r.duplicateOfId);
    const activeRef = (await this.models.activeModels()).find((m) => m.kind === kind);
    let candidateMetrics: Record<string, number> = { duplicate_queries: holdoutQueries.length };
    let activeMetrics: Record<string, number> | null = null;
    let better = true;
    let reason = activeRef ? "" : "first embedder";
    if (holdoutQueries.length >= MIN_DUPLICATE_QUERIES) {
      const activeBundle = activeRef ? await this.models.loadArtifact<EmbedderBundle>(activeRef.id) : null;
      const embedders: RankedEmbedder[] = [{ lsa: candidate.toArtifact(), fusion: learned.fusion }, ...(activeBundle ? [{ lsa: activeBundle.lsa, fusion: similarIncidentFusion(activeBundle) }] : [])];
      // On a worker thread: indexing every incident in arrival order is seconds of synchronous work
      // per embedder, which would hold this thread's event loop.
      const ranked = await rankingMetricsInWorker(usable, holdoutQueries, embedders).catch((error: unknown) => {
        log.warn({ runId, err: error instanceof Error ? error.message : String(error) }, "holdout ranking on a worker thread failed; ranking in this thread");
        return rankingMetricsOfEmbedders(usable, holdoutQueries, embedders);
      });
      candidateMetrics = ranked[0];
      if (activeRef) {
        activeMetrics = ranked[1];
        better = candidateMetrics.rr_at_10 >= activeMetrics.rr_at_10 - 1e-9;
        reason = `RR@10 ${candidateMetrics.rr_at_10.toFixed(3)} ${better ? "≥" : "<"} active ${activeMetrics.rr_at_10.toFixed(3)} on ${holdoutQueries.length} holdout duplicates`;
      }
    } else if (activeRef) {
      // Nothing to score on: replace only when the vocabulary has clearly more history behind it.
      const active = await this.models.loadArtifact<EmbedderBundle>(activeRef.id);
      better = train.length >= active.lsa.trainedOn * 1.1;
      reason = `only ${holdoutQueries.length} duplicate links in the holdout (need ${MIN_DUPLICATE_QUERIES}) to compare; ${
        better ? "replaced because history grew by 10% or more" : "kept the active one (history grew by less than 10%)"
      }`;
    }
    if (!better) {
      const model = await this.models.register(
        { kind, trainingFrom: train[0].createdAt, trainingTo: train[train.length - 1].createdAt, nExamples: train.length, metrics: { holdout: candidateMetrics, active_on_same_holdout: activeMetrics, feedback }, artifact: { lsa: candidate.toArtifact(), ivf: new IvfIndex(candidate.dim).toState(), fusion: learned.fusion }, trainingRunId: runId },
        false,
      );
      return { kind, outcome: "kept_active", reason, modelId: model.id, version: model.version, candidate: candidateMetrics, active: activeMetrics };
    }
    progress(55, "embedding history");
    const ids = usable.map((r) => r.id);
    const vectors = built.vectors ?? embedAll(candidate, usable, (done) => progress(55 + (25 * done) / usable.length, "embedding history"));
    progress(80, "building index");
    const ivf = built.ivf ?? (await IvfIndex.build(ids, vectors, candidate.dim)).toState();
    // Registered inactive first so the embeddings can reference it, then stored, then activated.
    const model = await this.models.register(
      { kind, trainingFrom: train[0].createdAt, trainingTo: train[train.length - 1].createdAt, nExamples: train.length, metrics: { holdout: candidateMetrics, active_on_same_holdout: activeMetrics, feedback }, artifact: { lsa: candidate.toArtifact(), ivf, fusion: learned.fusion }, trainingRunId: runId },
      false,
    );
    progress(85, "storing embeddings");
    await storeEmbeddings(this.dataSource, model.id, ids, vectors, candidate.dim);
    await this.models.activate(model.id);
    progress(100, "activated");
    return { kind, outcome: "activated", reason: reason || "activated", modelId: model.id, version: model.version, candidate: candidateMetrics, active: activeMetrics };
  }
}

interface EmbedderSplit {
  /** Incidents with any text, oldest first. */
  usable: HistoryRow[];
  /** Index of the first holdout row in `usable`. */
  cut: number;
  /** The embedder's training rows: the older share. */
  train: HistoryRow[];
}

function embedderSplit(history: HistoryRow[]): EmbedderSplit {
  const usable = history.filter((r) => r.title.trim() || r.description.trim());
  const cut = Math.floor(usable.length * (1 - HOLDOUT_SHARE));
  return { usable, cut, train: usable.slice(0, cut) };
}

/** Upserts vectors; returns each row's stored updated_at (what an index syncing from the table will see). */
export async function storeEmbeddings(dataSource: DataSource, modelId: string, ids: string[], vectors: Float32Array, dim: number): Promise<Array<{ incident_id: string; updated_at: Date }>> {
  const chunk = 1_000;
  const stamps: Array<{ incident_id: string; updated_at: Date }> = [];
  for (let i = 0; i < ids.length; i += chunk) {
    const params: unknown[] = [modelId];
    const values: string[] = [];
    for (let j = i; j < Math.min(i + chunk, ids.length); j++) {
      params.push(ids[j], vectorToBytes(vectors.subarray(j * dim, (j + 1) * dim)));
      values.push(`($${params.length - 1}::uuid, $1::uuid, $${params.length}::bytea, now())`);
    }
    const rows = (await dataSource.query(
      `INSERT INTO incident_embedding (incident_id, model_id, vector, updated_at) VALUES ${values.join(", ")}
       ON CONFLICT (incident_id, model_id) DO UPDATE SET vector = EXCLUDED.vector, updated_at = now()
       RETURNING incident_id, updated_at`,
      params,
    )) as Array<{ incident_id: string; updated_at: Date }>;
    stamps.push(...rows);
  }
  return stamps;
}
