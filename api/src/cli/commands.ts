import fs from "node:fs";
import path from "node:path";
import { loadConfig, type QuellConfig } from "../platform/config";
import { closeDatabase, openDatabase, createDataSource } from "../platform/database/data-source";
import { buildQuellSchema, printQuellSchema } from "../platform/graphql/schema";
import { verifyAuditChain } from "../modules/audit/audit.service";
import { pendingSchemaChanges, writeMigrationDraft } from "./migrations.command";

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Defaults to process.stdin (tests pipe a password in). */
  stdin?: NodeJS.ReadableStream;
  /** Defaults to loadConfig() (tests point a command at their own database). */
  config?: QuellConfig;
}

export interface CliCommand {
  name: string;
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** The repository root, found from this file whether it runs from src (tests) or dist. */
export const REPO_ROOT = path.resolve(__dirname, "../../..");
export const SCHEMA_FILE = path.join(REPO_ROOT, "api/schema.graphql");

const COMMAND_LIST: CliCommand[] = [];

export function registerCommand(command: CliCommand): void {
  COMMAND_LIST.push(command);
}

export const COMMANDS: readonly CliCommand[] = COMMAND_LIST;

export function usage(): string {
  return `Usage: npm run quell -- <command>\n\n${COMMAND_LIST.map((c) => `  ${c.name.padEnd(22)} ${c.summary}`).join("\n")}\n`;
}

registerCommand({
  name: "schema",
  summary: "write api/schema.graphql from the resolvers (--check: fail if it is stale)",
  async run(args, io) {
    const printed = printQuellSchema(await buildQuellSchema());
    const current = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, "utf8") : "";
    if (args.includes("--check")) {
      if (current === printed) {
        io.stdout.write("api/schema.graphql is up to date\n");
        return 0;
      }
      io.stderr.write("api/schema.graphql is stale: run `npm run quell -- schema` and commit the result\n");
      return 1;
    }
    fs.writeFileSync(SCHEMA_FILE, printed);
    io.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
    return 0;
  },
});

registerCommand({
  name: "migrate",
  summary: "apply pending migrations (--revert: undo the last one)",
  async run(args, io) {
    const config = loadConfig();
    if (args.includes("--revert")) {
      const dataSource = createDataSource(config);
      await dataSource.initialize();
      await dataSource.undoLastMigration({ transaction: "each" });
      await closeDatabase(dataSource);
      io.stdout.write("reverted the last migration\n");
      return 0;
    }
    const dataSource = await openDatabase(config);
    await closeDatabase(dataSource);
    io.stdout.write("migrations are applied\n");
    return 0;
  },
});

registerCommand({
  name: "migrations",
  summary: "--check: fail when entities and migrations disagree; --generate NAME: draft a migration",
  async run(args, io) {
    const config = loadConfig();
    const dataSource = await openDatabase(config);
    try {
      const changes = await pendingSchemaChanges(dataSource);
      const generateAt = args.indexOf("--generate");
      if (generateAt >= 0) {
        const name = args[generateAt + 1];
        if (!name) {
          io.stderr.write("--generate needs a name\n");
          return 2;
        }
        if (changes.up.length === 0) {
          io.stdout.write("entities and migrations agree: nothing to generate\n");
          return 0;
        }
        const file = writeMigrationDraft(path.join(REPO_ROOT, "migrations/src"), name, changes);
        io.stdout.write(`wrote ${file}: review it, strip the schema names, add it to migrations/src/index.ts\n`);
        return 0;
      }
      if (changes.up.length === 0) {
        io.stdout.write("entities and migrations agree\n");
        return 0;
      }
      io.stderr.write(`entities and migrations disagree; the missing migration would run:\n${changes.up.map((q) => `  ${q}`).join("\n")}\n`);
      return 1;
    } finally {
      await closeDatabase(dataSource);
    }
  },
});

registerCommand({
  name: "audit verify",
  summary: "recompute every audit hash chain (stream) against its head; names the first broken link",
  async run(_args, io) {
    const dataSource = await openDatabase(loadConfig());
    try {
      const verdict = await verifyAuditChain(dataSource);
      if (verdict.ok) {
        io.stdout.write(`audit chain intact: ${verdict.checked} records in ${verdict.streams} streams, heads digest ${verdict.headsDigest}\n`);
        return 0;
      }
      io.stderr.write(`audit chain BROKEN${verdict.brokenAtSeq ? ` at record ${verdict.brokenAtSeq}` : ""}: ${verdict.reason} (${verdict.checked} records verified before it)\n`);
      return 1;
    } finally {
      await closeDatabase(dataSource);
    }
  },
});
