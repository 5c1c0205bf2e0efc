import fs from "node:fs";
import { createProgressBar, readIncidentCsvFile } from "@quell/ml";
import { startRuntime, type QuellRuntime } from "../app";
import { IncidentImporter, type ImportReport } from "../modules/import/incident-import";
import { loadConfig } from "../platform/config";
import { registerCommand, type CliIo } from "./commands";

/**
 * Reads an incident CSV and imports it; rows the parser refuses are reported by line and the
 * rest still go in. Exit code 0: every row is in (or was already); 1: some rows were bad;
 * 2: the file could not be read at all.
 */
export async function importIncidentsFromFile(runtime: QuellRuntime, file: string, io: CliIo): Promise<{ code: number; report: ImportReport | null }> {
  if (!fs.existsSync(file)) {
    io.stderr.write(`error: file not found: ${file}\n`);
    return { code: 2, report: null };
  }
  const { rows, errors } = await readIncidentCsvFile(file);
  if (rows.length === 0 && errors.length > 0 && errors.every((e) => e.line === 1)) {
    for (const e of errors) io.stderr.write(`${file}:${e.line}: ${e.message}\n`);
    return { code: 2, report: null };
  }
  const bar = createProgressBar(io.stderr);
  const importer = new IncidentImporter(runtime.dataSource, runtime.services.catalog);
  const report = await importer.import(rows, (done, total) => bar.update(total ? (100 * done) / total : 100, `${done}/${total} rows`));
  bar.done();
  for (const e of errors) io.stderr.write(`${file}:${e.line}: skipped: ${e.message}\n`);
  for (const w of report.warnings) io.stderr.write(`${file}:${w.line}: warning: ${w.message}\n`);
  io.stdout.write(
    `imported ${report.imported} incidents, ${report.alreadyImported} already imported, ${errors.length} bad rows skipped` +
      (report.teamsCreated.length ? `; created teams: ${report.teamsCreated.join(", ")}` : "") +
      (report.servicesCreated.length ? `; created services: ${report.servicesCreated.join(", ")}` : "") +
      "\n",
  );
  return { code: errors.length ? 1 : 0, report };
}

registerCommand({
  name: "import",
  summary: "import incidents from a CSV (id,title,description,severity,team,category,service,created_at,resolved_at,duplicate_of)",
  async run(args, io) {
    const file = args.find((a) => !a.startsWith("--"));
    if (!file) {
      io.stderr.write("usage: quell import FILE.csv\n");
      return 2;
    }
    const runtime = await startRuntime(loadConfig());
    try {
      return (await importIncidentsFromFile(runtime, file, io)).code;
    } finally {
      await runtime.close();
    }
  },
});
