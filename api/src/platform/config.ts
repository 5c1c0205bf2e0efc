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
  jwtSecret: string;
  jwtTtlSeconds: number;
  logLevel: string;
  /** Largest request body the API accepts, in bytes. */
  bodyLimitBytes: number;
  maxQueryDepth: number;
  maxQueryComplexity: number;
  /** Requests per minute per token or user before RATE_LIMITED. */
  rateLimitPerMinute: number;
  /** Adds an `x-sql-statements` header to GraphQL responses (tests and profiling only). */
  exposeSqlCount: boolean;
  /** Days a resolved problem must stay free of new linked incidents before it closes without a reason. */
  problemQuietPeriodDays: number;
  /** Incidents without a problem a recurring group needs to become a problem candidate. */
  recurrenceMinIncidents: number;
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}

export function loadConfig(overrides: Partial<QuellConfig> = {}): QuellConfig {
  const dataDir = path.resolve(process.env.QUELL_DATA_DIR ?? path.join(process.cwd(), ".quell"));
  return {
    databaseUrl: process.env.DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    dataDir,
    databaseSchema: process.env.QUELL_DB_SCHEMA || undefined,
    httpPort: intFromEnv("PORT", 4000),
    httpHost: process.env.HOST ?? "127.0.0.1",
    webPort: intFromEnv("WEB_PORT", 3000),
    // The embedded default has a fixed development secret; production sets JWT_SECRET.
    jwtSecret: process.env.JWT_SECRET ?? "quell-development-secret-change-me-in-production",
    jwtTtlSeconds: intFromEnv("JWT_TTL_SECONDS", 12 * 3600),
    logLevel: process.env.LOG_LEVEL ?? "info",
    bodyLimitBytes: intFromEnv("QUELL_BODY_LIMIT_BYTES", 1_000_000),
    maxQueryDepth: intFromEnv("QUELL_MAX_QUERY_DEPTH", 10),
    maxQueryComplexity: intFromEnv("QUELL_MAX_QUERY_COMPLEXITY", 5_000),
    rateLimitPerMinute: intFromEnv("QUELL_RATE_LIMIT_PER_MINUTE", 6_000),
    exposeSqlCount: process.env.QUELL_EXPOSE_SQL_COUNT === "1",
    problemQuietPeriodDays: intFromEnv("QUELL_PROBLEM_QUIET_PERIOD_DAYS", 14),
    recurrenceMinIncidents: intFromEnv("QUELL_RECURRENCE_MIN_INCIDENTS", 3),
    ...overrides,
  };
}
