import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { DataSource, type DataSourceOptions } from "typeorm";
import { MIGRATIONS } from "@quell/migrations";
import { ENTITIES } from "../../entities";
import type { QuellConfig } from "../config";
import { logger } from "../logger";
import { SnakeNamingStrategy } from "./naming";
import { CountingLogger } from "./query-counter";
import { closePglite, configurePglite, pgliteDriverModule } from "./pglite-pool";

export type DatabaseKind = "postgres" | "pglite";

export function databaseKind(config: Pick<QuellConfig, "databaseUrl">): DatabaseKind {
  return config.databaseUrl ? "postgres" : "pglite";
}

/**
 * One DataSource for both back ends. PostgreSQL when DATABASE_URL is set, else PGlite in
 * `<dataDir>/pgdata` (or in memory with dataDir ":memory:"). Both use gen_random_uuid()
 * (pgcrypto-style defaults) so the migrations are identical on both.
 */
export function createDataSource(config: Pick<QuellConfig, "databaseUrl" | "dataDir" | "databaseSchema">): DataSource {
  const common = {
    type: "postgres" as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: "migrations",
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    installExtensions: false,
    uuidExtension: "pgcrypto" as const,
    logger: new CountingLogger(),
    logging: ["query", "error", "warn", "migration"] as ("query" | "error" | "warn" | "migration")[],
    maxQueryExecutionTime: 2_000,
  };
  if (config.databaseUrl) {
    const schema = config.databaseSchema;
    const options: DataSourceOptions = {
      ...common,
      url: config.databaseUrl,
      // Everything unqualified (migrations' raw SQL too) lands in the chosen schema.
      extra: { max: 10, ...(schema ? { options: `-c search_path=${schema}` } : {}) },
    };
    return new DataSource(options);
  }
  const inMemory = config.dataDir === ":memory:";
  const pgdata = inMemory ? undefined : path.join(config.dataDir, "pgdata");
  if (pgdata) fs.mkdirSync(pgdata, { recursive: true });
  configurePglite(async () => {
    logger.info({ dataDir: pgdata ?? "memory" }, "starting embedded PGlite database");
    return PGlite.create(pgdata ? { dataDir: pgdata } : {});
  });
  return new DataSource({ ...common, driver: pgliteDriverModule, extra: { max: 1 } } as unknown as DataSourceOptions);
}

/** Opens the database and applies pending migrations; creates the schema first if asked for one. */
export async function openDatabase(config: Pick<QuellConfig, "databaseUrl" | "dataDir" | "databaseSchema">): Promise<DataSource> {
  if (config.databaseUrl && config.databaseSchema) {
    const bootstrap = new DataSource({ type: "postgres", url: config.databaseUrl });
    await bootstrap.initialize();
    await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${config.databaseSchema.replace(/"/g, "")}"`);
    await bootstrap.destroy();
  }
  const dataSource = createDataSource(config);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: "each" });
  return dataSource;
}

export async function closeDatabase(dataSource: DataSource): Promise<void> {
  if (dataSource.isInitialized) await dataSource.destroy();
  await closePglite();
}
