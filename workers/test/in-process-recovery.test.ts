import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRuntime, type QuellRuntime } from "@quell/api/app";
import { SYSTEM_ACTOR } from "@quell/api/modules/audit/audit.service";
import { dropSchema, testConfig } from "../../api/test/support/harness";
import { startWorkers, type RunningWorkers } from "../src/index";
import { waitFor } from "./support/redis";

describe("embedded mode after a restart", () => {
  const config = testConfig();
  let runtime: QuellRuntime;
  let workers: RunningWorkers | undefined;
  beforeAll(async () => {
    runtime = await startRuntime(config);
  });
  afterAll(async () => {
    await workers?.close();
    await runtime?.close();
    await dropSchema(config);
  });

  it("triages open incidents whose in-memory job was lost with the previous process", async () => {
    const incident = await runtime.services.incidents.create(SYSTEM_ACTOR, { title: "Lost with the last process", impact: 3, urgency: 3 });
    // The relay had handed the job over (row dispatched), then the process died before running it.
    await runtime.dataSource.query(`UPDATE outbox SET dispatched_at = now()`);
    workers = await startWorkers(runtime, { relay: { intervalMs: 50 }, schedules: false });
    const rows = await waitFor(async () => {
      const r = (await runtime.dataSource.query(`SELECT kind, abstained FROM suggestion WHERE incident_id = $1`, [incident.id])) as Array<{ kind: string; abstained: boolean }>;
      return r.length > 0 && r;
    });
    expect(rows.map((r) => r.kind).sort()).toEqual(["category", "problem", "severity", "similar", "team"]);
  });
});
