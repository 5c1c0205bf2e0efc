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

export interface IngestOptions {
  /** Events one integration may send per second (shared by every API replica through Redis). */
  perSecond: number;
  keyPrefix: string;
  redis?: Redis;
  /** How long a token lookup is remembered; a revoked or disabled integration is refused after at most this. */
  tokenCacheMs?: number;
}

/**
 * The fast half of event management: who is sending (token), may they (rate), and a durable
 * store of the validated event with its correlation job, in one statement. Correlation runs later
 * from the outbox, so an answer never waits for it.
 */
export class AlertIngestion {
  private readonly tokens = new Map<string, { integration: AlertIntegration | null; expiresAt: number }>();
  private readonly limiter: RateLimiterAbstract;

  constructor(
    private readonly dataSource: DataSource,
    private readonly opts: IngestOptions,
  ) {
    const common = { keyPrefix: `${opts.keyPrefix}:alerts`, points: opts.perSecond, duration: 1 };
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
      const integration = await this.dataSource.getRepository(AlertIntegration).findOne({ where: { tokenHash: hash } });
      cached = { integration, expiresAt: now + (this.opts.tokenCacheMs ?? 5_000) };
      if (this.tokens.size > 10_000) this.tokens.clear();
      this.tokens.set(hash, cached);
    }
    if (!cached.integration) throw new IngestError(401, "UNAUTHENTICATED", "This token belongs to no integration (revoked, rotated or mistyped).");
    if (!cached.integration.enabled) throw new IngestError(401, "UNAUTHENTICATED", `The integration "${cached.integration.name}" is disabled.`);
    return cached.integration;
  }

  /** Forgets cached tokens (an admin rotated or disabled one in this process). */
  forgetTokens(): void {
    this.tokens.clear();
  }

  async admit(integrationId: string): Promise<void> {
    try {
      await this.limiter.consume(integrationId);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw new IngestError(429, "RATE_LIMITED", `Too many events: at most ${this.opts.perSecond} a second per integration. Retry in ${retryAfterSeconds} s.`, retryAfterSeconds);
    }
  }

  /**
   * Stores the event and its correlation job together (one statement, so one round trip and one
   * commit). The same idempotency key twice stores once and answers with the first event's id.
   */
  async store(integration: { id: string; source: AlertSource }, alerts: NormalizedAlert[], idempotencyKey: string): Promise<{ eventId: string; duplicate: boolean }> {
    const key = createHash("sha256").update(idempotencyKey).digest("hex");
    const rows = (await this.dataSource.query(
      `WITH e AS (
         INSERT INTO alert_event (integration_id, idempotency_key, alerts) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (integration_id, idempotency_key) DO NOTHING RETURNING id
       ), o AS (
         INSERT INTO outbox (queue, job_name, payload)
         SELECT $4, 'correlate', jsonb_build_object('eventId', e.id, 'incidentId', NULL) FROM e RETURNING id
       )
       SELECT id FROM e`,
      [integration.id, key, JSON.stringify(alerts), QueueName.Alerts],
    )) as Array<{ id: string }>;
    if (rows[0]) return { eventId: rows[0].id, duplicate: false };
    const [existing] = (await this.dataSource.query(`SELECT id FROM alert_event WHERE integration_id = $1 AND idempotency_key = $2`, [integration.id, key])) as Array<{ id: string }>;
    return { eventId: existing.id, duplicate: true };
  }
}
