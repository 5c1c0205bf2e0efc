import "reflect-metadata";
import { startApi, startRuntime, type QuellApi, type QuellRuntime } from "./app";
import { loadConfig, UnsafeConfigError, type QuellConfig } from "./platform/config";
import { databaseKind } from "./platform/database/data-source";
import { logger } from "./platform/logger";
import { seedDemoData } from "./modules/demo/demo.seed";
import { DEMO_PASSWORD, DEMO_USERS } from "./modules/demo/demo.catalog";
import { User } from "./modules/user/user.entity";
import { Role } from "./platform/auth/roles";
import type { DataSource } from "typeorm";

export interface Closable {
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** Seed the demo organisation on first start (default: config.seedDemo, see QUELL_SEED). */
  seed?: boolean;
  /** Extra parts to run beside the API (the workers in embedded mode, the web app). */
  extras?: Array<(api: QuellApi) => Promise<Closable>>;
  /** Lines to add to the start-up banner (e.g. the web URL). */
  bannerLines?: string[];
}

export interface RunningPlatform {
  api: QuellApi;
  close(): Promise<void>;
}

/** Who can sign in: the demo logins where the demo organisation exists, else how to make the first admin. */
async function accessLines(dataSource: DataSource, seeded: boolean): Promise<string[]> {
  const users = dataSource.getRepository(User);
  if (await users.exists({ where: { email: DEMO_USERS[0]!.email } })) {
    return [
      `  Demo logins (password: ${DEMO_PASSWORD})${seeded ? " — demo data was just created" : ""}`,
      ...DEMO_USERS.slice(0, 5).map((u) => `    ${u.role.padEnd(16)} ${u.email}`),
    ];
  }
  if (await users.exists({ where: { role: Role.admin, active: true } })) return [];
  return ["  No administrator yet. Create the first one (it asks for the password):", "    npm run quell -- admin create --email you@example.org --name \"Your Name\""];
}

function banner(config: QuellConfig, api: QuellApi, access: string[], extra: string[]): string {
  const db = databaseKind(config) === "pglite" ? `embedded PGlite in ${config.dataDir}` : "PostgreSQL (DATABASE_URL)";
  const queue = config.redisUrl ? "BullMQ on Redis (REDIS_URL)" : "in-process job runner";
  return [
    "",
    "  Quell is running",
    `    GraphQL API   ${api.http.url}/graphql`,
    `    GraphQL IDE   ${api.http.url}/graphiql`,
    `    Health        ${api.http.url}/healthz  ${api.http.url}/readyz`,
    ...extra.map((l) => `    ${l}`),
    `    Database      ${db}`,
    `    Jobs          ${queue}`,
    "",
    ...access,
    "",
  ].join("\n");
}

/** Runs the platform: migrations, demo seed on first start, the API, and any extras. */
export async function startPlatform(config: QuellConfig = loadConfig(), options: PlatformOptions = {}): Promise<RunningPlatform> {
  const runtime: QuellRuntime = await startRuntime(config);
  const wantSeed = options.seed ?? config.seedDemo;
  const seed = wantSeed ? await seedDemoData(runtime.dataSource) : { seeded: false, incidents: 0 };
  const api = await startApi(config, runtime);
  const extras: Closable[] = [];
  for (const start of options.extras ?? []) extras.push(await start(api));
  const access = await accessLines(runtime.dataSource, seed.seeded);
  process.stdout.write(banner(config, api, access, options.bannerLines ?? []) + "\n");
  let closing: Promise<void> | undefined;
  return {
    api,
    close() {
      closing ??= (async () => {
        for (const extra of extras.reverse()) await extra.close().catch((err: unknown) => logger.error({ err }, "error while stopping"));
        await api.close();
      })();
      return closing;
    },
  };
}

/** SIGTERM/SIGINT: stop taking requests, finish what is running, close the database, exit 0. */
export function closeOnSignals(platform: Closable, timeoutMs = 15_000): void {
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      logger.error("shutdown took too long; exiting");
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    platform.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

/** Ends a process that could not start; a refused configuration is printed as plain advice, not a JSON log line. */
export function exitOnStartupFailure(err: unknown): never {
  if (err instanceof UnsafeConfigError) process.stderr.write(`\n${err.message}\n\n`);
  else logger.fatal({ err }, "Quell failed to start");
  process.exit(1);
}

if (require.main === module) {
  startPlatform().then(closeOnSignals, exitOnStartupFailure);
}
