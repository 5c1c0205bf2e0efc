import { In, type DataSource } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import { ErrorCode, QuellError, badInput, notFound } from "../../platform/errors";
import { inTransaction } from "../../platform/database/transaction";
import type { QuellPubSub } from "../../platform/pubsub";
import { appendAudit, SYSTEM_ACTOR } from "../audit/audit.service";
import { Incident, Severity } from "../incident/incident.entity";
import { INCIDENT_CHANGED, IncidentChangeKind, type IncidentChangedPayload } from "../incident/incident.events";
import type { IncidentService } from "../incident/incident.service";
import { Team } from "../team/team.entity";
import { Suggestion, SuggestionKind, SuggestionStatus } from "./suggestion.entity";
import { suggestionMetrics, type DecisionCounts } from "./suggestion.rules";

/** A suggestion as the triage engine computes it, before it is stored. */
export interface SuggestionDraft {
  kind: SuggestionKind;
  value: string | null;
  label: string | null;
  confidence: number | null;
  reasons: Record<string, unknown>;
  abstained: boolean;
  abstainReason: string | null;
  rank: number;
  modelId: string | null;
  modelVersion: string | null;
}

/** What accepting a suggestion of some kind does, supplied by the module that owns it (problems link the incident). */
export type SuggestionApplier = (actor: Principal, suggestion: Suggestion) => Promise<void>;

export interface KindMetrics extends DecisionCounts {
  precision: number | null;
  coverage: number | null;
  decided: number;
}

/** Suggestions: stored by the triage worker, decided by people, measured from those decisions. */
export class SuggestionService {
  private readonly appliers = new Map<SuggestionKind, SuggestionApplier>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: QuellPubSub,
    private readonly incidents: IncidentService,
  ) {}

  /** Registers what accepting a suggestion of this kind does to the incident. */
  onAccept(kind: SuggestionKind, applier: SuggestionApplier): void {
    this.appliers.set(kind, applier);
  }

  forIncident(incidentId: string, kind?: SuggestionKind): Promise<Suggestion[]> {
    return this.dataSource.getRepository(Suggestion).find({
      where: { incidentId, ...(kind ? { kind } : {}) },
      order: { kind: "ASC", rank: "ASC", createdAt: "DESC" },
    });
  }

  forIncidents(incidentIds: string[]): Promise<Suggestion[]> {
    if (incidentIds.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(Suggestion).find({
      where: { incidentId: In(incidentIds) },
      order: { kind: "ASC", rank: "ASC", createdAt: "DESC" },
    });
  }

  async getById(id: string): Promise<Suggestion> {
    const suggestion = await this.dataSource.getRepository(Suggestion).findOne({ where: { id } });
    if (!suggestion) throw notFound("Suggestion", id);
    return suggestion;
  }

  /** True when the newest suggestions of the incident came from this very input: nothing to redo. */
  async isCurrent(incidentId: string, inputHash: string): Promise<boolean> {
    const [latest] = (await this.dataSource.query(
      `SELECT input_hash FROM suggestion WHERE incident_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [incidentId],
    )) as Array<{ input_hash: string }>;
    return latest?.input_hash === inputHash;
  }

  /**
   * Replaces the incident's pending suggestions with a new set in one transaction. Idempotent:
   * if the newest set already came from the same input (a retried or duplicated job), nothing
   * changes. Decided suggestions stay: they are the record of what people said.
   */
  async replacePending(incidentId: string, inputHash: string, drafts: SuggestionDraft[]): Promise<boolean> {
    return inTransaction(this.dataSource, async (work) => {
      const { manager } = work;
      // Two jobs for one incident (two workers, a retry racing a duplicate) take turns here.
      await manager.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`triage:${incidentId}`]);
      if (!(await manager.exists(Incident, { where: { id: incidentId } }))) return false;
      const [latest] = (await manager.query(`SELECT input_hash FROM suggestion WHERE incident_id = $1 ORDER BY created_at DESC LIMIT 1`, [incidentId])) as Array<{ input_hash: string }>;
      if (latest?.input_hash === inputHash) return false;
      await manager.delete(Suggestion, { incidentId, status: SuggestionStatus.pending });
      const now = new Date();
      if (drafts.length) {
        // One multi-row INSERT for the whole set.
        await manager.insert(
          Suggestion,
          drafts.map((d) => manager.create(Suggestion, { ...d, incidentId, inputHash, status: SuggestionStatus.pending, createdAt: now })) as never,
        );
      }
      await appendAudit(manager, SYSTEM_ACTOR, {
        action: "suggestion.triage",
        entityType: "incident",
        entityId: incidentId,
        after: { inputHash, suggestions: drafts.map((d) => ({ kind: d.kind, value: d.value, confidence: d.confidence, abstained: d.abstained, modelVersion: d.modelVersion })) },
      });
      work.afterCommit(() => this.publish(incidentId, null));
      return true;
    });
  }

  async accept(actor: Principal, id: string): Promise<Suggestion> {
    const suggestion = await this.pendingSuggestion(id);
    if (suggestion.abstained || suggestion.value === null) {
      throw new QuellError(ErrorCode.PreconditionFailed, "This suggestion holds no value to accept (the model abstained); correct it with the right value instead.");
    }
    await this.applyToIncident(actor, suggestion, suggestion.value);
    return this.decide(actor, suggestion, SuggestionStatus.accepted, null);
  }

  async correct(actor: Principal, id: string, value: string): Promise<Suggestion> {
    const suggestion = await this.pendingSuggestion(id);
    if (suggestion.kind === SuggestionKind.similar || suggestion.kind === SuggestionKind.problem) {
      throw badInput("value", `a ${suggestion.kind} suggestion is accepted or dismissed, not corrected`);
    }
    const normalized = await this.validateValue(suggestion.kind, value);
    await this.applyToIncident(actor, suggestion, normalized);
    return this.decide(actor, suggestion, SuggestionStatus.corrected, normalized);
  }

  async dismiss(actor: Principal, id: string): Promise<Suggestion> {
    return this.decide(actor, await this.pendingSuggestion(id), SuggestionStatus.dismissed, null);
  }

  async metrics(since?: Date): Promise<KindMetrics[]> {
    const rows = (await this.dataSource.query(
      `SELECT kind,
              count(*) FILTER (WHERE status = 'accepted' AND NOT abstained)::int AS accepted,
              count(*) FILTER (WHERE status = 'corrected' AND NOT abstained)::int AS corrected,
              count(*) FILTER (WHERE status = 'dismissed' AND NOT abstained)::int AS dismissed,
              count(*) FILTER (WHERE status = 'pending' AND NOT abstained)::int AS pending,
              count(*) FILTER (WHERE abstained)::int AS abstained,
              count(DISTINCT incident_id)::int AS triaged_incidents,
              count(DISTINCT incident_id) FILTER (WHERE NOT abstained)::int AS covered_incidents
         FROM suggestion
        WHERE ($1::timestamptz IS NULL OR created_at >= $1)
        GROUP BY kind`,
      [since ?? null],
    )) as Array<Record<string, number | string>>;
    return Object.values(SuggestionKind).map((kind) => {
      const r = rows.find((row) => row.kind === kind);
      const counts: DecisionCounts = {
        kind,
        accepted: Number(r?.accepted ?? 0),
        corrected: Number(r?.corrected ?? 0),
        dismissed: Number(r?.dismissed ?? 0),
        pending: Number(r?.pending ?? 0),
        abstained: Number(r?.abstained ?? 0),
        triagedIncidents: Number(r?.triaged_incidents ?? 0),
        coveredIncidents: Number(r?.covered_incidents ?? 0),
      };
      return { ...counts, ...suggestionMetrics(counts) };
    });
  }

  private async pendingSuggestion(id: string): Promise<Suggestion> {
    const suggestion = await this.getById(id);
    if (suggestion.status !== SuggestionStatus.pending) {
      throw new QuellError(ErrorCode.PreconditionFailed, `This suggestion was already ${suggestion.status}.`, { status: suggestion.status });
    }
    return suggestion;
  }

  private async decide(actor: Principal, suggestion: Suggestion, status: SuggestionStatus, correctedValue: string | null): Promise<Suggestion> {
    return inTransaction(this.dataSource, async (work) => {
      const { manager } = work;
      const row = await manager.findOne(Suggestion, { where: { id: suggestion.id }, lock: { mode: "pessimistic_write" } });
      if (!row) throw notFound("Suggestion", suggestion.id);
      if (row.status !== SuggestionStatus.pending) throw new QuellError(ErrorCode.PreconditionFailed, `This suggestion was already ${row.status}.`, { status: row.status });
      const before = { ...row };
      row.status = status;
      row.decidedById = actor.userId || null;
      row.decidedAt = new Date();
      row.correctedValue = correctedValue;
      await manager.save(row);
      await appendAudit(manager, actor, { action: `suggestion.${status === SuggestionStatus.accepted ? "accept" : status === SuggestionStatus.corrected ? "correct" : "dismiss"}`, entityType: "suggestion", entityId: row.id, before, after: row });
      work.afterCommit(() => this.publish(row.incidentId, actor));
      return row;
    });
  }

  private async validateValue(kind: SuggestionKind, value: string): Promise<string> {
    const v = value.trim();
    if (!v) throw badInput("value", "must not be empty");
    if (kind === SuggestionKind.severity) {
      const sev = v.toUpperCase();
      if (!(Object.values(Severity) as string[]).includes(sev)) throw badInput("value", `severity must be one of ${Object.values(Severity).join(", ")}`);
      return sev;
    }
    if (kind === SuggestionKind.team) {
      const team = /^[0-9a-f-]{36}$/i.test(v) ? await this.dataSource.getRepository(Team).findOne({ where: { id: v } }) : null;
      if (!team) throw notFound("Team", v);
      return team.id;
    }
    if (v.length > 120) throw badInput("value", "a category is at most 120 characters");
    return v;
  }

  /** The decided value goes onto the incident through the incident's own use cases. */
  private async applyToIncident(actor: Principal, suggestion: Suggestion, value: string): Promise<void> {
    const applier = this.appliers.get(suggestion.kind);
    if (applier) return applier(actor, suggestion);
    if (suggestion.kind === SuggestionKind.similar) return;
    const incident = await this.incidents.getById(suggestion.incidentId);
    if (suggestion.kind === SuggestionKind.team) {
      if (incident.teamId !== value) await this.incidents.assign(actor, { id: incident.id, version: incident.version, teamId: value });
      return;
    }
    if (suggestion.kind === SuggestionKind.severity && incident.severity !== value) {
      await this.incidents.update(actor, { id: incident.id, version: incident.version, severity: value as Severity });
    } else if (suggestion.kind === SuggestionKind.category && incident.category !== value) {
      await this.incidents.update(actor, { id: incident.id, version: incident.version, category: value });
    }
  }

  private publish(incidentId: string, actor: Principal | null): void {
    const payload: IncidentChangedPayload = { incidentId, kind: IncidentChangeKind.suggestions_changed, actorId: actor?.userId || null };
    this.pubsub.publish(INCIDENT_CHANGED, payload);
  }
}
