import { execFileSync, fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRuntime, type QuellRuntime } from "@quell/api/app";
import { SYSTEM_ACTOR } from "@quell/api/modules/audit/audit.service";
import { OutboxRelay } from "@quell/api/modules/outbox/outbox.relay";
import { BullMqJobQueue } from "@quell/api/platform/queue/index";
import { dropSchema, testConfig } from "../../api/test/support/harness";
import { seedHistoryAndTrain } from "../../api/test/support/triage-history";
import { uniquePrefix, waitFor } from "./support/redis";

const ROOT = path.resolve(__dirname, "../..");

interface WorkerEvent {
  event: "ready" | "started" | "stored";
  incidentId?: string;
  result?: { stored: boolean };
}

/**
 * Kills a worker process with SIGKILL in the middle of a triage job and checks that another
 * worker runs the job again and that the incident ends up with exactly one set of suggestions.
 * Needs PostgreSQL (two processes share the database) and Redis.
 */
describe.runIf(!!process.env.REDIS_URL && !!process.env.DATABASE_URL)("a worker killed mid-job", () => {
  const config = testConfig({ redisUrl: process.env.REDIS_URL });
  const prefix = uniquePrefix("crash");
  let runtime: QuellRuntime;
  let producer: BullMqJobQueue;
  let relay: OutboxRelay;
  const children: ChildProcess[] = [];

  function startChild(phase: string): { child: ChildProcess; events: WorkerEvent[]; ready: Promise<void> } {
    const events: WorkerEvent[] = [];
    const child = fork(path.join(__dirname, "support/crash-worker.cjs"), [], {
      env: { ...process.env, JWT_SECRET: config.jwtSecret, QUELL_DB_SCHEMA: config.databaseSchema, QUELL_QUEUE_PREFIX: prefix, QUELL_JOB_LOCK_MS: "1000", CRASH_PHASE: phase, LOG_LEVEL: "silent" },
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    children.push(child);
    child.on("message", (m) => events.push(m as WorkerEvent));
    const ready = waitFor(async () => events.some((e) => e.event === "ready"), 60_000).then(() => undefined);
    return { child, events, ready };
  }

  beforeAll(async () => {
    // The child runs the compiled packages (CI runs `npm test` without a build).
    execFileSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-b", path.join(ROOT, "workers")], { cwd: ROOT, stdio: "inherit" });
    runtime = await startRuntime(config);
    const team = await runtime.services.catalog.createTeam(null, { name: "Crash team" });
    const team2 = await runtime.services.catalog.createTeam(null, { name: "Crash team 2" });
    await seedHistoryAndTrain(runtime, [team.id, team2.id], 15);
    producer = new BullMqJobQueue({ redisUrl: process.env.REDIS_URL!, prefix });
    relay = new OutboxRelay(runtime.dataSource, producer, { intervalMs: 50 });
    relay.start();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await relay?.stop();
    await producer?.close();
    await runtime?.close();
    await dropSchema(config);
  });

  async function storedSets(incidentId: string) {
    const rows = (await runtime.dataSource.query(`SELECT kind, input_hash FROM suggestion WHERE incident_id = $1`, [incidentId])) as Array<{ kind: string; input_hash: string }>;
    const audits = (await runtime.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'suggestion.triage' AND entity_id = $1`, [incidentId])) as Array<{ n: number }>;
    return { rows, hashes: new Set(rows.map((r) => r.input_hash)), triageAudits: audits[0].n };
  }

  for (const phase of ["before-store", "after-store"] as const) {
    it(`runs the job again and stores the suggestions exactly once (killed ${phase})`, async () => {
      const first = startChild(phase);
      await first.ready;
      const incident = await runtime.services.incidents.create(SYSTEM_ACTOR, { title: `Postgres deadlock ${phase}`, description: "database connection pool timeout", impact: 2, urgency: 2 });
      const reached = phase === "before-store" ? "started" : "stored";
      await waitFor(async () => first.events.some((e) => e.event === reached && e.incidentId === incident.id), 30_000);
      first.child.kill("SIGKILL");
      await new Promise((r) => first.child.once("exit", r));
      if (phase === "before-store") expect((await storedSets(incident.id)).rows).toEqual([]);

      const second = startChild("none");
      await second.ready;
      // The killed worker's lock runs out; BullMQ hands the stalled job to the live worker.
      await waitFor(async () => second.events.some((e) => e.event === "stored" && e.incidentId === incident.id), 45_000);
      // Killed after storing: the re-run finds the set already there and stores nothing.
      expect(second.events.find((e) => e.event === "stored")!.result!.stored).toBe(phase === "before-store");
      const sets = await storedSets(incident.id);
      const count = (kind: string) => sets.rows.filter((r) => r.kind === kind).length;
      expect(sets.hashes.size).toBe(1);
      expect(sets.triageAudits).toBe(1);
      expect([count("severity"), count("team"), count("category")]).toEqual([1, 1, 1]);
      expect(count("similar")).toBe(10);
      second.child.kill("SIGTERM");
      await new Promise((r) => second.child.once("exit", r));
    });
  }

  it("finishes the job in hand on SIGTERM, then exits 0", async () => {
    const child = fork(path.join(ROOT, "workers/dist/main.js"), ["--queues", "retrain", "--no-relay", "--no-schedules"], {
      env: { ...process.env, JWT_SECRET: config.jwtSecret, QUELL_DB_SCHEMA: config.databaseSchema, QUELL_QUEUE_PREFIX: prefix, LOG_LEVEL: "silent" },
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    children.push(child);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    await new Promise((resolve) => child.once("message", resolve));
    const run = await runtime.services.models.requestRetrain(null, "manual");
    await waitFor(async () => (await runtime.services.models.getRun(run.id)).status === "running", 30_000, 20);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect((await runtime.services.models.getRun(run.id)).status).toBe("succeeded");
  });
});
