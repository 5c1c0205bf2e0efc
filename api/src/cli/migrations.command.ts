import fs from "node:fs";
import path from "node:path";
import type { DataSource } from "typeorm";

/** The SQL TypeORM would need to make the database match the entities, after all migrations. */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<{ up: string[]; down: string[] }> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return {
    up: sql.upQueries.map((q) => q.query),
    down: sql.downQueries.map((q) => q.query).reverse(),
  };
}

const indent = (lines: string[]) => lines.map((q) => `    await queryRunner.query(${JSON.stringify(q)});`).join("\n");

/** Writes a migration class for review; it is a draft to read and edit, not a finished file. */
export function writeMigrationDraft(dir: string, name: string, changes: { up: string[]; down: string[] }): string {
  const timestamp = Date.now();
  const className = `${name.replace(/[^A-Za-z0-9]/g, "")}${timestamp}`;
  const file = path.join(dir, `${timestamp}-${name}.ts`);
  fs.writeFileSync(
    file,
    `import type { MigrationInterface, QueryRunner } from "typeorm";

export class ${className} implements MigrationInterface {
  name = "${className}";

  public async up(queryRunner: QueryRunner): Promise<void> {
${indent(changes.up)}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${indent(changes.down)}
  }
}
`,
  );
  return file;
}
