// Runs once before the browser spec files. Creating PGlite's database cluster and applying every
// migration took each spec's API 8-25 s; the specs now copy one migrated data folder made here by
// the same openDatabase (so the migrations still run on PGlite, once per run) and open it, with
// nothing left to migrate.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { requireBuilt } from "./stack";

declare module "vitest" {
  export interface ProvidedContext {
    /** A PGlite data folder with every migration applied, closed cleanly: copy it, never open it in place. */
    migratedPgdata: string;
  }
}

type Database = { openDatabase(config: Record<string, unknown>): Promise<unknown>; closeDatabase(dataSource: unknown): Promise<void> };

export default async function setup(project: TestProject): Promise<() => void> {
  const { openDatabase, closeDatabase } = requireBuilt<Database>("./api/dist/platform/database/data-source.js");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "quell-web-e2e-migrated-"));
  await closeDatabase(await openDatabase({ dataDir, databaseUrl: undefined, databaseSchema: undefined }));
  project.provide("migratedPgdata", path.join(dataDir, "pgdata"));
  return () => rmSync(dataDir, { recursive: true, force: true });
}
