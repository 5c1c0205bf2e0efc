import { describe, expect, it } from "vitest";
import { pendingSchemaChanges } from "../../api/src/cli/migrations.command";
import { closeDatabase, createDataSource, openDatabase } from "../../api/src/platform/database/data-source";
import { dropSchema, testConfig } from "../../api/test/support/harness";
import { MIGRATIONS } from "../src";

describe("migrations", () => {
  it("agree with the entities, and every down undoes its up completely", async () => {
    const config = testConfig();
    const dataSource = await openDatabase(config);
    try {
      const pending = await pendingSchemaChanges(dataSource);
      expect(pending.up, "entities and migrations disagree: generate a migration with `npm run quell -- migrations --generate Name`").toEqual([]);

      for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: "each" });
      const tables = await dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'migrations'`);
      const types = await dataSource.query(`SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() AND t.typtype = 'e'`);
      expect(tables).toEqual([]);
      expect(types).toEqual([]);

      await dataSource.runMigrations({ transaction: "each" });
      expect((await pendingSchemaChanges(dataSource)).up).toEqual([]);
    } finally {
      await closeDatabase(dataSource);
      await dropSchema(config);
    }
  });

  it("does not let synchronize touch the schema", () => {
    const dataSource = createDataSource(testConfig());
    expect(dataSource.options.synchronize).toBe(false);
    expect(dataSource.options.migrationsRun).toBe(false);
  });
});
