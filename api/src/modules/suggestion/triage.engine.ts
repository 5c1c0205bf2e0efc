import { modelInference } from "../../platform/observability/metrics";
import { initBackend, loadClassifier, type ClassifierArtifact, type TrainedClassifier } from "@quell/ml";
import type { DataSource } from "typeorm";
import { UnrecoverableError } from "../../platform/queue/job-queue";
import { logger } from "../../platform/logger";
import { formatIncidentNumber } from "../incident/incident.rules";
import { ModelKind } from "../model/model.entity";
import { matchProblems } from "../problem/problem.matcher";
import type { ModelService } from "../model/model.service";
import { MIN_LABELLED, MIN_SIMILAR_HISTORY, type EmbedderBundle } from "../model/model.training";
import { SimilarStore, type IndexableIncident } from "./similar.store";
import { SuggestionKind } from "./suggestion.entity";
import { lowConfidenceReason, triageInputHash } from "./suggestion.rules";
import type { SuggestionDraft, SuggestionService } from "./suggestion.service";

const log = logger.child({ component: "triage" });
const CLASSIFIER_KINDS = [SuggestionKind.severity, SuggestionKind.team, SuggestionKind.category] as const;
type ClassifierKind = (typeof CLASSIFIER_KINDS)[number];
/** Text beyond this is not read: a 1 MB paste costs the same as a long one, and the models see its start. */
const MAX_TEXT_CHARS = 20_000;

interface LoadedClassifier {
  id: string;
  version: number;
  model: TrainedClassifier;
}

interface IncidentRow extends IndexableIncident {
  number: number;
  category: string | null;
}

export interface TriageResult {
  stored: boolean;
  suggestions: number;
}

/**
 * Runs the active models on an incident and stores what they suggest. The models in memory
 * follow the registry: each job checks which models are active and loads any that changed, so
 * a retraining (in any process) reaches every worker without a restart.
 */
export class TriageEngine {
  private readonly classifiers = new Map<ClassifierKind, LoadedClassifier>();
  private similar: SimilarStore | null = null;
  private similarVersion = 0;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelService,
    private readonly suggestions: SuggestionService,
  ) {}

  /** The similar-incident index this engine reads (the process's one of the active embedder), if any. */
  get similarStore(): SimilarStore | null {
    return this.similar;
  }

  /** Loads the active models that are not loaded yet; drops those no longer active. */
  async refresh(): Promise<void> {
    // One load at a time per process; concurrent jobs wait for it.
    while (this.loading) await this.loading;
    this.loading = this.doRefresh().finally(() => {
      this.loading = null;
    });
    await this.loading;
  }

  private async doRefresh(): Promise<void> {
    await initBackend();
    const active = await this.models.activeModels();
    for (const kind of CLASSIFIER_KINDS) {
      const ref = active.find((m) => m.kind === (kind as string));
      if (!ref) this.classifiers.delete(kind);
      else if (this.classifiers.get(kind)?.id !== ref.id) {
        const model = loadClassifier(await this.models.loadArtifact<ClassifierArtifact>(ref.id));
        this.classifiers.set(kind, { id: ref.id, version: ref.version, model });
        log.info({ kind, version: ref.version }, "loaded model");
      }
    }
    const embedder = active.find((m) => m.kind === ModelKind.embedder);
    if (!embedder) {
      this.similar?.release();
      this.similar = null;
    } else if (this.similar?.modelId !== embedder.id) {
      // The process's one index of this embedder (recurrence reads it too); the old one is let go
      // only once the new one is open, so a failed load keeps triage on the old.
      const next = await SimilarStore.shared(this.dataSource, embedder.id, () => this.models.loadArtifact<EmbedderBundle>(embedder.id));
      this.similar?.release();
      this.similar = next;
      this.similarVersion = embedder.version;
    }
  }

  /** The triage job: idempotent (same text and models → the stored set is left as it is). */
  async triage(incidentId: string): Promise<TriageResult> {
    const t0 = performance.now();
    await this.refresh();
    const incident = await this.loadIncident(incidentId);
    const modelIds = [...[...this.classifiers.values()].map((c) => c.id), ...(this.similar ? [this.similar.modelId] : [])];
    const hash = triageInputHash({ title: incident.title, description: incident.description, service: incident.service, category: incident.category, modelIds });
    if (await this.suggestions.isCurrent(incident.id, hash)) return { stored: false, suggestions: 0 };

    const t1 = performance.now();
    const drafts: SuggestionDraft[] = [];
    for (const kind of CLASSIFIER_KINDS) drafts.push(await this.classify(kind, incident));
    const t2 = performance.now();
    const similar = await this.findSimilar(incident);
    drafts.push(...similar, ...(await matchProblems(this.dataSource, similar)));
    const t3 = performance.now();
    const stored = await this.suggestions.replacePending(incident.id, hash, drafts);
    const ms = (a: number, b: number) => Math.round((b - a) * 10) / 10;
    log.debug({ incidentId, ms: { load: ms(t0, t1), classify: ms(t1, t2), similar: ms(t2, t3), store: ms(t3, performance.now()) } }, "triaged");
    return { stored, suggestions: drafts.length };
  }

  private async loadIncident(id: string): Promise<IncidentRow> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new UnrecoverableError(`"${id}" is not an incident id`);
    const [row] = (await this.dataSource.query(
      `SELECT i.id, i.number, i.title, left(i.description, ${MAX_TEXT_CHARS}) AS description, s.name AS service, i.category, i.created_at
         FROM incident i LEFT JOIN service s ON s.id = i.service_id WHERE i.id = $1`,
      [id],
    )) as Array<{ id: string; number: number; title: string; description: string; service: string | null; category: string | null; created_at: string | Date }>;
    if (!row) throw new UnrecoverableError(`incident ${id} does not exist`);
    return { id: row.id, number: row.number, title: row.title, description: row.description ?? "", service: row.service, category: row.category, createdAt: new Date(row.created_at) };
  }

  private async classify(kind: ClassifierKind, incident: IncidentRow): Promise<SuggestionDraft> {
    const loaded = this.classifiers.get(kind);
    const base = { kind, rank: 1, reasons: {}, value: null, label: null, confidence: null };
    if (!loaded) {
      return { ...base, abstained: true, abstainReason: await this.coldStartReason(kind), modelId: null, modelVersion: null };
    }
    const endInference = modelInference.startTimer({ kind });
    const p = loaded.model.predict({
      title: incident.title,
      description: incident.description,
      service: incident.service ?? undefined,
      category: kind === SuggestionKind.category ? undefined : (incident.category ?? undefined),
    });
    endInference();
    const modelVersion = `${kind} v${loaded.version}`;
    // Routing offers the top 3 with calibrated confidences (abstaining or not), so an agent can pick one in one click.
    const reasons = {
      terms: p.reasons,
      distribution: p.distribution.slice(0, 5),
      ...(kind === SuggestionKind.team ? { alternatives: await this.alternativesFor(p.distribution.slice(0, 3)) } : {}),
    };
    if (p.abstained || p.label === null) {
      const why = p.abstainReason === "no_known_terms" ? "the text shares no known word with past incidents" : lowConfidenceReason(p.confidence, loaded.model.abstainThreshold);
      return { ...base, reasons, confidence: p.confidence, abstained: true, abstainReason: why, modelId: loaded.id, modelVersion };
    }
    return { ...base, value: p.label, label: await this.labelFor(kind, p.label), confidence: p.confidence, reasons, abstained: false, abstainReason: null, modelId: loaded.id, modelVersion };
  }

  private async findSimilar(incident: IncidentRow): Promise<SuggestionDraft[]> {
    const none = (reason: string): SuggestionDraft[] => [
      { kind: SuggestionKind.similar, value: null, label: null, confidence: null, reasons: {}, abstained: true, abstainReason: reason, rank: 1, modelId: this.similar?.modelId ?? null, modelVersion: this.similar ? `embedder v${this.similarVersion}` : null },
    ];
    if (!this.similar) {
      const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM incident`)) as Array<{ n: number }>;
      return none(
        n - 1 < MIN_SIMILAR_HISTORY
          ? `no similar-incident model yet: needs at least ${MIN_SIMILAR_HISTORY} past incidents, has ${Math.max(n - 1, 0)}`
          : `no similar-incident model yet: ${n - 1} past incidents are enough; it is built at the next retraining`,
      );
    }
    await this.similar.sync();
    await this.similar.upsert([incident]);
    const hits = (await this.similar.searchCollapsingDuplicates(incident, 10)).filter((h) => h.score > 0);
    if (hits.length === 0) return none("no earlier incident shares enough with this one");
    const numbers = (await this.dataSource.query(`SELECT id, number, title FROM incident WHERE id = ANY($1::uuid[])`, [hits.map((h) => h.id)])) as Array<{ id: string; number: number; title: string }>;
    const byId = new Map(numbers.map((n) => [n.id, n]));
    return hits
      .filter((h) => byId.has(h.id))
      .map((h, i) => ({
        kind: SuggestionKind.similar,
        value: h.id,
        label: `${formatIncidentNumber(byId.get(h.id)!.number)} ${byId.get(h.id)!.title}`.slice(0, 400),
        confidence: h.score,
        reasons: { sharedTerms: h.reasons.sharedTerms, sameService: h.reasons.sameService, denseScore: h.denseScore, bm25Score: h.bm25Score, bm25Relative: h.bm25Relative, ...(h.viaDuplicate ? { viaDuplicate: h.viaDuplicate } : {}) },
        abstained: false,
        abstainReason: null,
        rank: i + 1,
        modelId: this.similar!.modelId,
        modelVersion: `embedder v${this.similarVersion}`,
      }));
  }

  private async alternativesFor(top: { label: string; probability: number }[]): Promise<{ value: string; label: string; confidence: number }[]> {
    const names = (await this.dataSource.query(`SELECT id::text AS id, name FROM team WHERE id::text = ANY($1::text[])`, [top.map((t) => t.label)])) as Array<{ id: string; name: string }>;
    const nameOf = new Map(names.map((n) => [n.id, n.name]));
    return top.map((t) => ({ value: t.label, label: nameOf.get(t.label) ?? t.label, confidence: t.probability }));
  }

  private async labelFor(kind: ClassifierKind, value: string): Promise<string> {
    if (kind !== SuggestionKind.team) return value;
    const [team] = (await this.dataSource.query(`SELECT name FROM team WHERE id::text = $1`, [value])) as Array<{ name: string }>;
    return team?.name ?? value;
  }

  /** Why there is no suggestion of this kind yet, with the numbers a person can act on. */
  private async coldStartReason(kind: ClassifierKind): Promise<string> {
    const column = kind === SuggestionKind.severity ? "severity" : kind === SuggestionKind.team ? "team_id" : "category";
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM incident WHERE ${column} IS NOT NULL`)) as Array<{ n: number }>;
    if (n < MIN_LABELLED) return `no ${kind} model yet: needs at least ${MIN_LABELLED} labelled incidents, has ${n}`;
    const [last] = (await this.dataSource.query(
      `SELECT o->>'reason' AS reason FROM training_run r, jsonb_array_elements(r.outcomes) o
        WHERE r.status = 'succeeded' AND o->>'kind' = $1 AND o->>'outcome' = 'insufficient_data'
        ORDER BY r.finished_at DESC LIMIT 1`,
      [kind],
    )) as Array<{ reason: string }>;
    return last ? `no ${kind} model yet: ${last.reason}` : `no ${kind} model yet: ${n} labelled incidents are enough; it is trained at the next retraining`;
  }
}
