import { MoreThan, type DataSource, type EntityManager } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import { ErrorCode, QuellError, notFound } from "../../platform/errors";
import { inTransaction } from "../../platform/database/transaction";
import type { QuellPubSub } from "../../platform/pubsub";
import { QueueName } from "../../platform/queue/queues";
import { appendAudit } from "../audit/audit.service";
import { enqueueInTransaction } from "../outbox/outbox.service";
import { MlModel, ModelKind, ModelStatus, TrainingRun, TrainingStatus } from "./model.entity";
import { packArtifact, unpackArtifact } from "./model.artifact";
import { TRAINING_PROGRESS, type TrainingProgress } from "./model.events";

const STALE_RUN_MS = 6 * 3600_000;
/** Newest open incidents re-triaged when a model is activated; older ones keep their suggestions. */
const RETRIAGE_ON_ACTIVATION_LIMIT = 2_000;

async function requeueOpenIncidents(manager: EntityManager): Promise<void> {
  await manager.query(
    `INSERT INTO outbox (queue, job_name, payload)
     SELECT $1, 'triage', jsonb_build_object('incidentId', i.id::text, 'reason', 'model_changed')
       FROM incident i
      WHERE i.stage NOT IN ('closed', 'cancelled')
      ORDER BY i.created_at DESC
      LIMIT $2`,
    [QueueName.Triage, RETRIAGE_ON_ACTIVATION_LIMIT],
  );
}

export interface ActiveModelRef {
  id: string;
  kind: ModelKind;
  version: number;
}

export interface NewModel {
  kind: ModelKind;
  trainingFrom: Date | null;
  trainingTo: Date | null;
  nExamples: number;
  metrics: Record<string, unknown>;
  artifact: unknown;
  trainingRunId: string | null;
}

/** The model registry: versions, metrics, artifacts, the active model per kind, and training runs. */
export class ModelService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: QuellPubSub,
  ) {}

  /** Queues a retraining through the outbox: the run row and its job commit together. */
  async requestRetrain(actor: Principal | null, trigger: "manual" | "cli" | "schedule"): Promise<TrainingRun> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      // A run silent for hours died with its process (an in-process job, a killed worker): it no longer blocks.
      const since = new Date(Date.now() - STALE_RUN_MS);
      const running = await manager.findOne(TrainingRun, {
        where: [
          { status: TrainingStatus.queued, updatedAt: MoreThan(since) },
          { status: TrainingStatus.running, updatedAt: MoreThan(since) },
        ],
      });
      if (running) {
        throw new QuellError(ErrorCode.Conflict, `A training run is already ${running.status} (${running.id}); wait for it to finish.`, { runId: running.id });
      }
      const run = await manager.save(manager.create(TrainingRun, { trigger, requestedById: actor?.userId || null }));
      await enqueueInTransaction(manager, QueueName.Retrain, "retrain", { requestedBy: actor?.userId || null, trigger, runId: run.id });
      await appendAudit(manager, actor, { action: "model.retrain_requested", entityType: "training_run", entityId: run.id, after: run });
      return run;
    });
  }

  /** A run that starts now in this process (the CLI, or a scheduled job that has no row yet). */
  async createRun(trigger: string, requestedById: string | null): Promise<TrainingRun> {
    const repo = this.dataSource.getRepository(TrainingRun);
    return repo.save(repo.create({ trigger, requestedById }));
  }

  async getRun(id: string): Promise<TrainingRun> {
    const run = await this.dataSource.getRepository(TrainingRun).findOne({ where: { id } });
    if (!run) throw notFound("TrainingRun", id);
    return run;
  }

  listRuns(first = 20): Promise<TrainingRun[]> {
    return this.dataSource.getRepository(TrainingRun).find({ order: { createdAt: "DESC" }, take: Math.min(Math.max(first, 1), 100) });
  }

  listModels(kind?: ModelKind, first = 50): Promise<MlModel[]> {
    return this.dataSource.getRepository(MlModel).find({
      where: kind ? { kind } : {},
      order: { createdAt: "DESC" },
      take: Math.min(Math.max(first, 1), 200),
    });
  }

  async activeModels(manager: EntityManager = this.dataSource.manager): Promise<ActiveModelRef[]> {
    return manager.find(MlModel, { where: { active: true }, select: { id: true, kind: true, version: true } });
  }

  async loadArtifact<T>(modelId: string): Promise<T> {
    const row = await this.dataSource
      .getRepository(MlModel)
      .createQueryBuilder("m")
      .select(["m.id", "m.artifact"])
      .where("m.id = :id", { id: modelId })
      .getOne();
    if (!row) throw notFound("MlModel", modelId);
    return unpackArtifact<T>(row.artifact);
  }

  /**
   * Stores a trained model. With `activate` it replaces the active one of its kind in the same
   * transaction (the old one becomes superseded); otherwise it is kept as rejected.
   */
  async register(model: NewModel, activate: boolean): Promise<MlModel> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      // One registration per kind at a time, so versions don't collide.
      await manager.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`ml_model:${model.kind}`]);
      const [{ max }] = (await manager.query("SELECT COALESCE(MAX(version), 0)::int AS max FROM ml_model WHERE kind = $1", [model.kind])) as Array<{ max: number }>;
      const previous = activate ? await manager.findOne(MlModel, { where: { kind: model.kind, active: true } }) : null;
      if (previous) await manager.update(MlModel, { id: previous.id }, { active: false, status: ModelStatus.superseded });
      const row = manager.create(MlModel, {
        kind: model.kind,
        version: max + 1,
        status: activate ? ModelStatus.active : ModelStatus.rejected,
        active: activate,
        trainingFrom: model.trainingFrom,
        trainingTo: model.trainingTo,
        nExamples: model.nExamples,
        metrics: model.metrics,
        artifact: packArtifact(model.artifact),
        trainingRunId: model.trainingRunId,
        activatedAt: activate ? new Date() : null,
      });
      await manager.save(MlModel, row);
      const { artifact: _artifact, ...summary } = row;
      await appendAudit(manager, null, {
        action: activate ? "model.activate" : "model.reject",
        entityType: "ml_model",
        entityId: row.id,
        before: previous ? { id: previous.id, version: previous.version, kind: previous.kind } : null,
        after: summary,
      });
      return row;
    });
  }

  /** Makes a registered model the active one of its kind (the previous one becomes superseded). */
  async activate(modelId: string): Promise<void> {
    await inTransaction(this.dataSource, async ({ manager }) => {
      const model = await manager.findOne(MlModel, { where: { id: modelId } });
      if (!model) throw notFound("MlModel", modelId);
      await manager.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`ml_model:${model.kind}`]);
      const previous = await manager.findOne(MlModel, { where: { kind: model.kind, active: true } });
      if (previous?.id === model.id) return;
      if (previous) await manager.update(MlModel, { id: previous.id }, { active: false, status: ModelStatus.superseded });
      await manager.update(MlModel, { id: model.id }, { active: true, status: ModelStatus.active, activatedAt: new Date() });
      await appendAudit(manager, null, {
        action: "model.activate",
        entityType: "ml_model",
        entityId: model.id,
        before: previous ? { id: previous.id, version: previous.version, kind: previous.kind } : null,
        after: { id: model.id, version: model.version, kind: model.kind },
      });
    });
  }

  async startRun(runId: string): Promise<void> {
    await this.dataSource.getRepository(TrainingRun).update({ id: runId }, { status: TrainingStatus.running, startedAt: new Date(), stage: "starting", percent: 0, error: null });
    this.publish({ runId, status: TrainingStatus.running, percent: 0, stage: "starting" });
  }

  /** Progress as the trainer reports it; callers throttle. */
  async progress(runId: string, percent: number, stage: string): Promise<void> {
    await this.dataSource.getRepository(TrainingRun).update({ id: runId }, { percent, stage });
    this.publish({ runId, status: TrainingStatus.running, percent, stage });
  }

  async finishRun(runId: string, outcomes: Record<string, unknown>[], error?: string): Promise<TrainingRun> {
    const status = error ? TrainingStatus.failed : TrainingStatus.succeeded;
    await inTransaction(this.dataSource, async ({ manager }) => {
      await manager.update(
        TrainingRun,
        { id: runId },
        { status, outcomes: outcomes as never, error: error ?? null, finishedAt: new Date(), percent: error ? undefined : 100, stage: error ? "failed" : "done" },
      );
      // A newly active model makes the open incidents' pending suggestions stale (or, at a cold
      // start, turns "no model yet" into real suggestions): re-triage them through the outbox.
      if (outcomes.some((o) => o.outcome === "activated")) await requeueOpenIncidents(manager);
    });
    const run = await this.getRun(runId);
    this.publish({ runId, status, percent: run.percent, stage: run.stage });
    return run;
  }

  private publish(progress: TrainingProgress): void {
    this.pubsub.publish(TRAINING_PROGRESS, progress);
  }
}
