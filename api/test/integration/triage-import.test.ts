import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRuntime, type QuellRuntime } from "../../src/app";
import { importIncidentsFromFile } from "../../src/cli/import.command";
import "../../src/cli/ml.command";
import { COMMANDS } from "../../src/cli/commands";
import { dropSchema, testConfig } from "../support/harness";
import { TOPICS } from "../support/triage-history";

class Capture {
  text = "";
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}
const io = () => ({ stdout: new Capture(), stderr: new Capture() });

const CSV = [
  "extra,id,title,description,severity,team,category,service,created_at,resolved_at,duplicate_of",
  `x,A-1,Database down,"primary ""db-1"" unreachable, again",Blocker,DBA,database,Payments,2024-01-02 10:00:00+00:00,2024-01-02 12:30:00+00:00,`,
  "x,A-2,Login broken,SSO fails for everyone,P3,Identity,access,Portal,2024-01-03T09:00:00Z,,",
  "x,A-3,,no title here,SEV1,DBA,database,Payments,2024-01-04T09:00:00Z,,",
  "x,A-4,DB down again,same as A-1,whenever,dba,database, payments ,2024-01-05T09:00:00Z,2024-01-05T10:00:00Z,A-1",
  "x,A-5,Bad date,x,SEV2,DBA,,Payments,yesterday,,",
  "x,A-6,Только кириллица,описание,sev-2,,,,2024-01-06T09:00:00Z,,ZZZ",
].join("\n");

describe("import CLI", () => {
  const config = testConfig();
  let runtime: QuellRuntime;
  let dir: string;
  beforeAll(async () => {
    runtime = await startRuntime(config);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "quell-import-"));
  });
  afterAll(async () => {
    await runtime?.close();
    await dropSchema(config);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("imports the good rows, reports the bad ones by line, and is idempotent on id", async () => {
    const file = path.join(dir, "incidents.csv");
    fs.writeFileSync(file, CSV);
    const first = io();
    const result = await importIncidentsFromFile(runtime, file, first);
    expect(result.code).toBe(1);
    expect(first.stdout.text).toBe("imported 4 incidents, 0 already imported, 2 bad rows skipped; created teams: DBA, Identity; created services: Payments, Portal\n");
    expect(first.stderr.text).toContain(`${file}:4: skipped: title is empty (id A-3)`);
    expect(first.stderr.text).toContain(`${file}:6: skipped: created_at "yesterday" is not a date (id A-5)`);
    expect(first.stderr.text).toContain(`${file}:5: warning: severity "whenever"`);
    expect(first.stderr.text).toContain(`${file}:7: warning: duplicate_of ZZZ is not an imported id`);
    expect(first.stderr.text).toMatch(/100% 4\/4 rows/);

    const rows = (await runtime.dataSource.query(
      `SELECT i.external_id, i.title, i.description, i.severity, i.stage, i.priority, i.created_at, i.closed_at, t.name AS team, s.name AS service, d.external_id AS dup
         FROM incident i LEFT JOIN team t ON t.id = i.team_id LEFT JOIN service s ON s.id = i.service_id LEFT JOIN incident d ON d.id = i.duplicate_of_id
        ORDER BY i.external_id`,
    )) as Array<Record<string, any>>;
    expect(rows.map((r) => r.external_id)).toEqual(["A-1", "A-2", "A-4", "A-6"]);
    const [a1, a2, a4, a6] = rows;
    expect(a1).toMatchObject({ title: "Database down", description: 'primary "db-1" unreachable, again', severity: "SEV1", stage: "closed", team: "DBA", service: "Payments", priority: 1 });
    expect(new Date(a1.created_at).toISOString()).toBe("2024-01-02T10:00:00.000Z");
    expect(new Date(a1.closed_at).toISOString()).toBe("2024-01-02T12:30:00.000Z");
    expect(a2).toMatchObject({ severity: "SEV3", stage: "identified", team: "Identity", service: "Portal" });
    expect(a4).toMatchObject({ severity: null, team: "DBA", service: "Payments", dup: "A-1" });
    expect(a6).toMatchObject({ title: "Только кириллица", severity: "SEV2", team: null, service: null, dup: null });
    // Only unresolved incidents are queued for triage; resolved history is training data.
    const queued = (await runtime.dataSource.query(`SELECT payload->>'incidentId' AS id FROM outbox`)) as Array<{ id: string }>;
    expect(queued).toHaveLength(2);

    const again = io();
    const second = await importIncidentsFromFile(runtime, file, again);
    expect(second.report).toMatchObject({ imported: 0, alreadyImported: 4 });
    const [{ n }] = (await runtime.dataSource.query(`SELECT count(*)::int AS n FROM incident`)) as Array<{ n: number }>;
    expect(n).toBe(4);
    expect(((await runtime.dataSource.query(`SELECT count(*)::int AS n FROM team`)) as Array<{ n: number }>)[0].n).toBe(2);
  });

  it("refuses a file without the id and title columns, or no file at all", async () => {
    const file = path.join(dir, "bad.csv");
    fs.writeFileSync(file, "name,summary\nx,y\n");
    const out = io();
    expect((await importIncidentsFromFile(runtime, file, out)).code).toBe(2);
    expect(out.stderr.text).toContain(`${file}:1: the header has no "id" column`);
    expect((await importIncidentsFromFile(runtime, path.join(dir, "missing.csv"), io())).code).toBe(2);
  });

  it("dispatches `ml evaluate` to the evaluation CLI: one JSON object on stdout", async () => {
    const header = "id,title,description,severity,team,category,service,created_at,resolved_at,duplicate_of";
    const line = (i: number) => {
      const t = TOPICS[i % 3];
      return `r${i},${t.words[i % 10]} ${t.words[(i + 3) % 10]} issue,${t.words[(i + 5) % 10]} ${t.words[(i + 7) % 10]},${t.severity},team${i % 3},${t.category},svc,2024-01-01T00:00:00Z,,`;
    };
    const train = path.join(dir, "train.csv");
    const test = path.join(dir, "test.csv");
    fs.writeFileSync(train, [header, ...Array.from({ length: 60 }, (_, i) => line(i))].join("\n"));
    fs.writeFileSync(test, [header, ...Array.from({ length: 15 }, (_, i) => line(100 + i))].join("\n"));
    const command = COMMANDS.find((c) => c.name === "ml evaluate")!;
    const out = io();
    expect(await command.run(["--task", "severity", "--train", train, "--test", test, "--json"], out)).toBe(0);
    const lines = out.stdout.text.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ task: "severity", n_train: 60, n_test: 15 });
  });
});
