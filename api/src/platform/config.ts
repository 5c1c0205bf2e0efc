import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Everything the processes read from the environment, read once and typed. */
export interface QuellConfig {
  /** PostgreSQL URL; unset means embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** Redis URL; unset means jobs run in-process. */
  redisUrl: string | undefined;
  /** Folder for the embedded database and other local state. */
  dataDir: string;
  /** PostgreSQL schema to use (tests give each worker its own). */
  databaseSchema: string | undefined;
  httpPort: number;
  httpHost: string;
  webPort: number;
  /** True for the embedded default (no DATABASE_URL) or NODE_ENV=development. */
  development: boolean;
  /** HS256 key for session JWTs; outside development it must come from JWT_SECRET (see resolveJwtSecret). */
  jwtSecret: string;
  /** Lifetime of an access token (JWT); the refresh token renews it. */
  jwtTtlSeconds: number;
  /** How long a session lives without being refreshed. */
  refreshTtlSeconds: number;
  logLevel: string;
  /** Largest request body the API accepts, in bytes. */
  bodyLimitBytes: number;
  maxQueryDepth: number;
  /** Variables-aware cost limit of one operation (fields that hit the database declare their cost). */
  maxQueryComplexity: number;
  maxAliases: number;
  maxDirectives: number;
  /** Lexer tokens in one GraphQL document. */
  maxTokens: number;
  /** Operations costing at least this much are "expensive"... */
  expensiveQueryCost: number;
  /** ...and one caller may run at most this many of them at once (per API process). */
  maxExpensiveInFlight: number;
  /** Failed logins per account, and per client address, within loginWindowSeconds before RATE_LIMITED. */
  loginFailuresPerAccount: number;
  loginFailuresPerAddress: number;
  loginWindowSeconds: number;
  /** Redis key prefix of the shared login counters (tests give each run its own). */
  loginThrottlePrefix: string;
  /** Express "trust proxy" (QUELL_TRUST_PROXY: hop count, "loopback", a subnet...): set it behind a reverse proxy so the client address is the caller's, not the proxy's. */
  trustProxy: string | undefined;
  /** argon2 hashes computed at once by this process; more wait in line. */
  argon2Concurrency: number;
  /** Requests per minute per token or user before RATE_LIMITED. */
  rateLimitPerMinute: number;
  /**
   * Seed the demo organisation (published logins) on first start: the embedded database does unless
   * QUELL_SEED=0; PostgreSQL only with QUELL_SEED=demo, so production never gets a published password.
   */
  seedDemo: boolean;
  /** Adds an `x-sql-statements` header to GraphQL responses (tests and profiling only). */
  exposeSqlCount: boolean;
  /** Days a resolved problem must stay free of new linked incidents before it closes without a reason. */
  problemQuietPeriodDays: number;
  /** How often running subscriptions re-check their session while idle (revoked or expired closes the socket). */
  subscriptionRecheckMs: number;
  /**
   * How long a checked access token's session answers from memory (0: read it on every request).
   * Logout, revocation, deactivation and role changes empty the cache of every replica at once
   * (through Redis pub/sub); this bounds how long a change made behind the API's back goes unseen.
   */
  sessionCacheMs: number;
  /** Incidents without a problem a recurring group needs to become a problem candidate. */
  recurrenceMinIncidents: number;
  /** Bearer token Prometheus sends to GET /metrics (QUELL_METRICS_TOKEN); unset turns the endpoint off. */
  metricsToken: string | undefined;
  /** Let outbound webhooks reach private and loopback addresses outside development (QUELL_WEBHOOK_ALLOW_PRIVATE=1); refused by default (SSRF). */
  webhookAllowPrivate: boolean;
  /** SMTP server for notification email (QUELL_SMTP_URL, e.g. smtps://user:pass@mail.example.com); unset: in-app only. */
  smtpUrl: string | undefined;
  /** From address of notification email. */
  mailFrom: string;
  /** The web app's public address, for links in messages (QUELL_PUBLIC_URL). */
  publicUrl: string | undefined;
  /** Largest alert webhook body, in bytes (413 above it). */
  alertBodyLimitBytes: number;
  /** Events one alert integration may send per second (429 with Retry-After above it). */
  alertEventsPerSecond: number;
  /** Redis key prefix of the per-integration alert counters (its own, apart from the login throttle's). */
  alertRateLimitPrefix: string;
  /** Group commit of alert events: how long the first event waits for others (ms), and the most in one INSERT. */
  alertCommitWindowMs: number;
  alertCommitMaxEvents: number;
  /** Alert batches being committed at once (each holds a pooled connection). */
  alertCommitsInFlight: number;
  /** Firing/resolved changes within alertFlapWindowSeconds that make an alert flap (held back). */
  alertFlapThreshold: number;
  alertFlapWindowSeconds: number;
  /** Failed attempts after which correlation gives up on an alert event (kept, marked dead). */
  alertEventMaxAttempts: number;
  /** How often the sweep retries alert events whose retry time has passed (ms). */
  alertEventSweepMs: number;
}

function intFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}

/** The secret the source used to ship as its default: anyone could forge sessions with it. */
export const PUBLISHED_JWT_SECRET = "quell-development-secret-change-me-in-production";
export const MIN_JWT_SECRET_BYTES = 32;
/** Where development keeps its generated secret, inside the data folder. */
export const DEV_SECRET_FILE = "jwt-secret";

/** A configuration Quell refuses to start with; the message says what to do. */
export class UnsafeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsafeConfigError";
  }
}

/** Why a JWT secret is unfit for production, or undefined when it is fine. */
export function weakJwtSecretReason(secret: string | undefined): string | undefined {
  if (!secret) return "JWT_SECRET is not set";
  if (secret === PUBLISHED_JWT_SECRET) return "JWT_SECRET is the default published in Quell's source";
  const bytes = Buffer.byteLength(secret, "utf8");
  if (bytes < MIN_JWT_SECRET_BYTES) return `JWT_SECRET is ${bytes} bytes; it needs at least ${MIN_JWT_SECRET_BYTES}`;
  return undefined;
}

/** Why a metrics token is too weak outside development (it guards what the process reveals about its load), or undefined. */
export function weakMetricsTokenReason(token: string): string | undefined {
  const bytes = Buffer.byteLength(token, "utf8");
  return bytes < MIN_JWT_SECRET_BYTES ? `QUELL_METRICS_TOKEN is ${bytes} bytes; it needs at least ${MIN_JWT_SECRET_BYTES}` : undefined;
}

/**
 * Development generates a random secret on first start and keeps it in the data folder, so a
 * restart keeps sessions; an in-memory data folder (tests) gets a fresh one each time.
 */
function developmentSecret(dataDir: string): string {
  if (dataDir === ":memory:") return randomBytes(32).toString("base64url");
  const file = path.join(dataDir, DEV_SECRET_FILE);
  try {
    const stored = fs.readFileSync(file, "utf8").trim();
    if (!weakJwtSecretReason(stored)) return stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const secret = randomBytes(32).toString("base64url");
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/**
 * Outside development, a missing, published or short secret would let anyone forge an admin
 * session, so the process refuses to start and says how to make one.
 */
export function resolveJwtSecret(options: { development: boolean; dataDir: string; secret: string | undefined }): string {
  if (options.development) return options.secret || developmentSecret(options.dataDir);
  const reason = weakJwtSecretReason(options.secret);
  if (!reason) return options.secret!;
  throw new UnsafeConfigError(
    [
      `Quell refuses to start: ${reason}.`,
      "Outside development (DATABASE_URL set and NODE_ENV is not \"development\") every process needs the same secret",
      `of at least ${MIN_JWT_SECRET_BYTES} random bytes to sign sessions. Make one and set it, e.g.:`,
      "",
      `  export JWT_SECRET="$(node -e 'console.log(require(\"crypto\").randomBytes(48).toString(\"base64url\"))')"`,
      "",
      "Keep it secret and the same on every API replica; changing it signs everyone out.",
    ].join("\n"),
  );
}

export function loadConfig(overrides: Partial<QuellConfig> = {}, env: NodeJS.ProcessEnv = process.env): QuellConfig {
  const base = readConfig(env, overrides);
  const development = overrides.development ?? (!base.databaseUrl || env.NODE_ENV === "development");
  const jwtSecret = resolveJwtSecret({ development, dataDir: base.dataDir, secret: overrides.jwtSecret ?? (env.JWT_SECRET || undefined) });
  const seedDemo = overrides.seedDemo ?? (env.QUELL_SEED === "demo" || (!base.databaseUrl && env.QUELL_SEED !== "0"));
  const weakMetrics = !development && base.metricsToken !== undefined ? weakMetricsTokenReason(base.metricsToken) : undefined;
  if (weakMetrics) throw new UnsafeConfigError(`Quell refuses to start: ${weakMetrics}. Make one as for JWT_SECRET, or leave it unset to turn /metrics off.`);
  return { ...base, development, jwtSecret, seedDemo };
}

function readConfig(env: NodeJS.ProcessEnv, overrides: Partial<QuellConfig>): Omit<QuellConfig, "development" | "jwtSecret" | "seedDemo"> {
  const dataDir = path.resolve(env.QUELL_DATA_DIR ?? path.join(process.cwd(), ".quell"));
  const { development: _d, jwtSecret: _j, seedDemo: _s, ...rest } = overrides;
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    dataDir,
    databaseSchema: env.QUELL_DB_SCHEMA || undefined,
    httpPort: intFromEnv("PORT", 4000, env),
    httpHost: env.HOST ?? "127.0.0.1",
    webPort: intFromEnv("WEB_PORT", 3000, env),
    jwtTtlSeconds: intFromEnv("JWT_TTL_SECONDS", 15 * 60, env),
    refreshTtlSeconds: intFromEnv("QUELL_SESSION_TTL_SECONDS", 14 * 24 * 3600, env),
    logLevel: env.LOG_LEVEL ?? "info",
    bodyLimitBytes: intFromEnv("QUELL_BODY_LIMIT_BYTES", 1_000_000, env),
    maxQueryDepth: intFromEnv("QUELL_MAX_QUERY_DEPTH", 10, env),
    maxQueryComplexity: intFromEnv("QUELL_MAX_QUERY_COMPLEXITY", 15_000, env),
    maxAliases: intFromEnv("QUELL_MAX_ALIASES", 15, env),
    maxDirectives: intFromEnv("QUELL_MAX_DIRECTIVES", 20, env),
    maxTokens: intFromEnv("QUELL_MAX_TOKENS", 3_000, env),
    expensiveQueryCost: intFromEnv("QUELL_EXPENSIVE_QUERY_COST", 2_000, env),
    maxExpensiveInFlight: intFromEnv("QUELL_MAX_EXPENSIVE_IN_FLIGHT", 2, env),
    rateLimitPerMinute: intFromEnv("QUELL_RATE_LIMIT_PER_MINUTE", 6_000, env),
    loginFailuresPerAccount: intFromEnv("QUELL_LOGIN_FAILURES_PER_ACCOUNT", 10, env),
    loginFailuresPerAddress: intFromEnv("QUELL_LOGIN_FAILURES_PER_ADDRESS", 100, env),
    loginWindowSeconds: intFromEnv("QUELL_LOGIN_WINDOW_SECONDS", 15 * 60, env),
    loginThrottlePrefix: env.QUELL_LOGIN_THROTTLE_PREFIX || "quell:login",
    trustProxy: env.QUELL_TRUST_PROXY || undefined,
    argon2Concurrency: intFromEnv("QUELL_ARGON2_CONCURRENCY", 2, env),
    exposeSqlCount: env.QUELL_EXPOSE_SQL_COUNT === "1",
    problemQuietPeriodDays: intFromEnv("QUELL_PROBLEM_QUIET_PERIOD_DAYS", 14, env),
    subscriptionRecheckMs: intFromEnv("QUELL_SUBSCRIPTION_RECHECK_MS", 30_000, env),
    sessionCacheMs: intFromEnv("QUELL_SESSION_CACHE_MS", 2_000, env),
    recurrenceMinIncidents: intFromEnv("QUELL_RECURRENCE_MIN_INCIDENTS", 3, env),
    metricsToken: env.QUELL_METRICS_TOKEN || undefined,
    webhookAllowPrivate: env.QUELL_WEBHOOK_ALLOW_PRIVATE === "1",
    smtpUrl: env.QUELL_SMTP_URL || undefined,
    mailFrom: env.QUELL_MAIL_FROM || "Quell <quell@localhost>",
    publicUrl: env.QUELL_PUBLIC_URL || undefined,
    alertBodyLimitBytes: intFromEnv("QUELL_ALERT_BODY_LIMIT_BYTES", 256 * 1024, env),
    // A monitoring fleet's storm (thousands of alerts a second from one Alertmanager) must not be refused by default.
    alertEventsPerSecond: intFromEnv("QUELL_ALERT_EVENTS_PER_SECOND", 5_000, env),
    alertRateLimitPrefix: env.QUELL_ALERT_RATE_LIMIT_PREFIX || "quell:alert-rate",
    alertCommitWindowMs: intFromEnv("QUELL_ALERT_COMMIT_WINDOW_MS", 2, env),
    alertCommitMaxEvents: intFromEnv("QUELL_ALERT_COMMIT_MAX_EVENTS", 500, env),
    alertCommitsInFlight: intFromEnv("QUELL_ALERT_COMMITS_IN_FLIGHT", 2, env),
    alertFlapThreshold: intFromEnv("QUELL_ALERT_FLAP_THRESHOLD", 4, env),
    alertFlapWindowSeconds: intFromEnv("QUELL_ALERT_FLAP_WINDOW_SECONDS", 15 * 60, env),
    // 8 attempts at 30 s doubling (capped at an hour): about two hours of retries before giving up.
    alertEventMaxAttempts: intFromEnv("QUELL_ALERT_EVENT_MAX_ATTEMPTS", 8, env),
    // The shortest put-off is 30 s: a sweep as often catches each retry within one delay.
    alertEventSweepMs: intFromEnv("QUELL_ALERT_EVENT_SWEEP_MS", 30_000, env),
    ...rest,
  };
}
