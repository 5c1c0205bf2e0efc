import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { DataSource } from "typeorm";
import { hashApiToken } from "../../platform/auth/auth.service";
import { QueueName } from "../../platform/queue/queues";
import { AlertIntegration, type AlertSource } from "./alert.entity";
import type { NormalizedAlert } from "./alert.sources";

/** Why a delivery is refused, as an HTTP status and a stable code. */
export class IngestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface StoredEvent {
  eventId: string;
  duplicate: boolean;
}

/** An event waiting for the next group commit, with every request that delivered it. */
interface PendingEvent {
  integrationId: string;
  key: string;
  alerts: NormalizedAlert[];
  waiters: Array<{ resolve: (stored: StoredEvent) => void; reject: (error: unknown) => void }>;
}

export interface GroupCommitOptions {
  /** How long the first event of a batch waits for others before the batch is written. */
  windowMs: number;
  /** Events in one INSERT at most; a full batch is written at once. */
  maxEvents: number;
  /** Batches being committed at once (each holds one pooled connection); more events wait for the next batch. */
  inFlight: number;
}

export interface IngestOptions {
  /** Events one integration may send per second (shared by every API replica through Redis). */
  perSecond: number;
  /** Redis key prefix of the per-integration counters (apart from the login throttle's). */
  keyPrefix: string;
  redis?: Redis;
  /**
   * Points this process takes from the shared count beyond the events in hand, handed out locally
   * until the count's window ends (so a busy integration costs one Redis round trip per this many
   * events, not one per event-loop turn). Default: 1/20 of perSecond. Points leased and not used are
   * lost for the window, so with N replicas an integration may be refused up to N leases early; never late.
   */
  leasePoints?: number;
  /** How long a token lookup is remembered; a revoked or disabled integration is refused after at most this. */
  tokenCacheMs?: number;
  groupCommit?: Partial<GroupCommitOptions>;
}

/** PostgreSQL refused the rows themselves (data exception, integrity violation), not the connection. */
const isDataError = (error: unknown) => /^2[23]/.test(String((error as { code?: unknown })?.code ?? ""));

/** Where an event waits and is found again: one per integration and idempotency key. */
const slotOf = (integrationId: string, key: string) => `${integrationId}:${key}`;

const GROUP_COMMIT_DEFAULTS: GroupCommitOptions = { windowMs: 2, maxEvents: 500, inFlight: 2 };

/**
 * The fast half of event management: who is sending (token), may they (rate), and a durable
 * store of the validated event with its correlation job, in one statement (group-committed with
 * the events arriving alongside). Correlation runs later from the outbox, so an answer never waits for it.
 */
export class AlertIngestion {
  private readonly tokens = new Map<string, { integration: Promise<AlertIntegration | null>; expiresAt: number }>();
  private readonly limiter: RateLimiterAbstract;
  private readonly commitLimits: GroupCommitOptions;
  /** Events not yet in a batch, by integration and idempotency key. */
  private readonly pending = new Map<string, PendingEvent>();
  private committing = 0;
  /** Commits made and events they stored, since start (events per commit shows how well batching works). */
  readonly commitStats = { commits: 0, events: 0 };
  private timer: NodeJS.Timeout | null = null;
  /** Requests waiting to be counted against their integration's rate, by integration. */
  private readonly admitting = new Map<string, Array<{ resolve: () => void; reject: (error: unknown) => void }>>();
  /** Points already counted in the shared window and not yet handed out, by integration; gone when the window ends. */
  private readonly leases = new Map<string, { points: number; expiresAt: number }>();
  private readonly leasePoints: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly opts: IngestOptions,
  ) {
    const limits = { ...GROUP_COMMIT_DEFAULTS, ...opts.groupCommit };
    this.commitLimits = { windowMs: Math.max(0, limits.windowMs), maxEvents: Math.max(1, limits.maxEvents), inFlight: Math.max(1, limits.inFlight) };
    this.leasePoints = Math.max(0, Math.floor(opts.leasePoints ?? opts.perSecond / 20));
    const common = { keyPrefix: opts.keyPrefix, points: opts.perSecond, duration: 1 };
    this.limiter = opts.redis
      ? // A Redis outage falls back to this process's own count: ingestion goes on while Redis restarts.
        new RateLimiterRedis({ ...common, storeClient: opts.redis, insuranceLimiter: new RateLimiterMemory(common) })
      : new RateLimiterMemory(common);
  }

  async authenticate(token: string | null | undefined): Promise<AlertIntegration> {
    if (!token) throw new IngestError(401, "UNAUTHENTICATED", "Send the integration's token: `Authorization: Bearer <token>` (PagerDuty: or as routing_key).");
    const hash = hashApiToken(token);
    const now = Date.now();
    let cached = this.tokens.get(hash);
    if (!cached || cached.expiresAt < now) {
      // The lookup itself is cached, so the requests in flight when an entry expires share one query.
      const lookup = this.dataSource.getRepository(AlertIntegration).findOne({ where: { tokenHash: hash } });
      cached = { integration: lookup, expiresAt: now + (this.opts.tokenCacheMs ?? 5_000) };
      if (this.tokens.size > 10_000) this.tokens.clear();
      this.tokens.set(hash, cached);
      lookup.catch(() => this.tokens.get(hash) === cached && this.tokens.delete(hash));
    }
    const integration = await cached.integration;
    if (!integration) throw new IngestError(401, "UNAUTHENTICATED", "This token belongs to no integration (revoked, rotated or mistyped).");
    if (!integration.enabled) throw new IngestError(401, "UNAUTHENTICATED", `The integration "${integration.name}" is disabled.`);
    return integration;
  }

  /** Forgets cached tokens (an admin rotated or disabled one in this process). */
  forgetTokens(): void {
    this.tokens.clear();
  }

  /**
   * Counts one event against its integration's rate. An event finds its point in this process's
   * lease when there is one left (no round trip). Otherwise the events of one integration arriving
   * in the same turn of the event loop are counted with one call, which also takes the next lease;
   * the first ones up to the limit pass and the rest get 429, as if counted one by one.
   */
  admit(integrationId: string): Promise<void> {
    const lease = this.leases.get(integrationId);
    if (lease && lease.points > 0 && lease.expiresAt > Date.now()) {
      lease.points--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      let waiting = this.admitting.get(integrationId);
      if (!waiting) {
        waiting = [];
        this.admitting.set(integrationId, waiting);
        setImmediate(() => void this.countAdmissions(integrationId));
      }
      waiting.push({ resolve, reject });
    });
  }

  private async countAdmissions(integrationId: string): Promise<void> {
    const waiting = this.admitting.get(integrationId) ?? [];
    this.admitting.delete(integrationId);
    const asked = waiting.length + this.leasePoints;
    let counted: RateLimiterRes;
    try {
      counted = await this.limiter.consume(integrationId, asked);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) {
        for (const w of waiting) w.reject(refusal);
        return;
      }
      counted = refusal;
    }
    // Points of this call still within the limit: the waiting events' first, then the lease's.
    const allowed = Math.max(0, Math.min(asked, this.opts.perSecond - (counted.consumedPoints - asked)));
    const leftOver = allowed - waiting.length;
    // Counts of one integration overlap under load (a batch starts while the previous call is still
    // on its way to Redis): a lease taken in the same window adds to the one in hand. Replacing it
    // threw away points already counted, and at 6k events/s refused half of what the limit allows.
    const now = Date.now();
    const inHand = this.leases.get(integrationId);
    const sameWindow = inHand !== undefined && inHand.expiresAt > now;
    if (leftOver > 0) this.leases.set(integrationId, { points: leftOver + (sameWindow ? inHand.points : 0), expiresAt: now + counted.msBeforeNext });
    else if (!sameWindow) this.leases.delete(integrationId);
    if (allowed >= waiting.length) {
      for (const w of waiting) w.resolve();
      return;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil(counted.msBeforeNext / 1000));
    const tooMany = new IngestError(429, "RATE_LIMITED", `Too many events: at most ${this.opts.perSecond} a second per integration. Retry in ${retryAfterSeconds} s.`, retryAfterSeconds);
    waiting.forEach((w, i) => (i < allowed ? w.resolve() : w.reject(tooMany)));
  }

  /**
   * Stores the event and a correlation job covering it durably, answering once they are committed. Events
   * arriving together share one multi-row INSERT and one commit (group commit): a commit's fsync
   * costs the same for one row or hundreds, so throughput grows with load while each answer still
   * waits for its own row to be on disk. The same idempotency key twice stores once and answers
   * with the first event's id.
   */
  store(integration: { id: string; source: AlertSource }, alerts: NormalizedAlert[], idempotencyKey: string): Promise<StoredEvent> {
    const key = createHash("sha256").update(idempotencyKey).digest("hex");
    return new Promise((resolve, reject) => {
      const slot = slotOf(integration.id, key);
      const waiting = this.pending.get(slot);
      // A repeat inside the same batch waits for the first one's row (and is its duplicate).
      if (waiting) waiting.waiters.push({ resolve, reject });
      else this.pending.set(slot, { integrationId: integration.id, key, alerts, waiters: [{ resolve, reject }] });
      this.scheduleCommit();
    });
  }

  private scheduleCommit(): void {
    if (this.committing >= this.commitLimits.inFlight) return; // the commit in flight takes the next batch when it ends
    if (this.pending.size >= this.commitLimits.maxEvents) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      void this.commitPending();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.commitPending();
    }, this.commitLimits.windowMs);
  }

  private async commitPending(): Promise<void> {
    if (!this.pending.size) return;
    const batch = [...this.pending.values()].slice(0, this.commitLimits.maxEvents);
    for (const event of batch) this.pending.delete(slotOf(event.integrationId, event.key));
    this.committing++;
    try {
      await this.commitBatch(batch);
    } finally {
      this.committing--;
      // What piled up meanwhile has waited long enough: it goes now.
      if (this.pending.size) {
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        void this.commitPending();
      }
    }
  }

  /** One statement, one commit for the batch; refused for its data, each event alone, so one bad event refuses only itself. */
  private async commitBatch(batch: PendingEvent[]): Promise<void> {
    let ids: Map<string, { id: string; inserted: boolean }>;
    try {
      ids = await this.insertEvents(batch);
      this.commitStats.commits++;
      this.commitStats.events += batch.length;
    } catch (error) {
      if (batch.length === 1 || !isDataError(error)) {
        for (const w of batch[0].waiters) w.reject(error);
        return;
      }
      await Promise.all(batch.map((event) => this.commitBatch([event])));
      return;
    }
    for (const event of batch) {
      const row = ids.get(slotOf(event.integrationId, event.key));
      event.waiters.forEach((w, i) => (row ? w.resolve({ eventId: row.id, duplicate: !row.inserted || i > 0 }) : w.reject(new Error("stored event not found"))));
    }
  }

  private async insertEvents(batch: PendingEvent[]): Promise<Map<string, { id: string; inserted: boolean }>> {
    const integrationIds = batch.map((e) => e.integrationId);
    const keys = batch.map((e) => e.key);
    // clock_timestamp() row by row in arrival order: events of one batch get distinct, increasing
    // received_at (correlation orders an alert's events by it). One outbox row per batch, not per event:
    // relaying a job through BullMQ per event was most of correlation's cost (bench:alerts drain profile).
    const inserted = (await this.dataSource.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::jsonb[]) WITH ORDINALITY AS t(integration_id, idempotency_key, alerts, ord)
       ), e AS (
         INSERT INTO alert_event (integration_id, idempotency_key, alerts, received_at)
         SELECT integration_id, idempotency_key, alerts, clock_timestamp() FROM input ORDER BY ord
         ON CONFLICT (integration_id, idempotency_key) DO NOTHING RETURNING id, integration_id, idempotency_key
       ), o AS (
         -- One correlation job for the batch (a job drains every pending event, so one is enough),
         -- naming the events committed with it; none when every event was a duplicate.
         INSERT INTO outbox (queue, job_name, payload, created_at)
         SELECT $4, 'correlate', jsonb_build_object('eventId', (array_agg(e.id ORDER BY input.ord))[1], 'incidentId', NULL, 'eventIds', jsonb_agg(e.id ORDER BY input.ord)), clock_timestamp()
           FROM e JOIN input USING (integration_id, idempotency_key) HAVING count(*) > 0 RETURNING id
       )
       SELECT id, integration_id, idempotency_key FROM e`,
      [integrationIds, keys, batch.map((e) => JSON.stringify(e.alerts)), QueueName.Alerts],
    )) as Array<{ id: string; integration_id: string; idempotency_key: string }>;
    const ids = new Map(inserted.map((r) => [slotOf(r.integration_id, r.idempotency_key), { id: r.id, inserted: true }]));
    if (inserted.length < batch.length) {
      // Delivered before (an earlier batch stored it): answer with the first event's id.
      const existing = (await this.dataSource.query(
        `SELECT a.id, a.integration_id, a.idempotency_key FROM alert_event a JOIN unnest($1::uuid[], $2::varchar[]) AS k(integration_id, idempotency_key) USING (integration_id, idempotency_key)`,
        [integrationIds, keys],
      )) as Array<{ id: string; integration_id: string; idempotency_key: string }>;
      for (const r of existing) if (!ids.has(slotOf(r.integration_id, r.idempotency_key))) ids.set(slotOf(r.integration_id, r.idempotency_key), { id: r.id, inserted: false });
    }
    return ids;
  }
}
