import "reflect-metadata";
// A bench signs no sessions: a throwaway JWT secret satisfies the production start-up check.
import { randomBytes } from "node:crypto";
import { startRuntime } from "@quell/api/app";
import { RecurrenceEngine } from "@quell/api/modules/problem/recurrence.engine";
import { TriageEngine } from "@quell/api/modules/suggestion/triage.engine";
import { loadConfig } from "@quell/api/platform/config";

const mb = (b: number) => Math.round(b / 1024 / 1024);

/** Process memory after a full collection, in MB. */
function memoryMb(): { rss_mb: number; heap_used_mb: number; array_buffers_mb: number } {
  global.gc?.();
  const m = process.memoryUsage();
  return { rss_mb: mb(m.rss), heap_used_mb: mb(m.heapUsed), array_buffers_mb: mb(m.arrayBuffers) };
}

/**
 * Child of triage-latency: a worker process loading what its triage and recurrence jobs hold (the
 * triage engine's models and similar-incident index, then the recurrence engine's index and
 * groups, as after the first job of each queue); prints memory after each as JSON. The top-level
 * figures are with both engines loaded, as a worker runs.
 */
async function main(): Promise<void> {
  const runtime = await startRuntime(loadConfig({ dataDir: ":memory:", jwtSecret: randomBytes(32).toString("hex") }));
  const before = memoryMb();
  let t = Date.now();
  const triage = new TriageEngine(runtime.dataSource, runtime.services.models, runtime.services.suggestions);
  await triage.refresh();
  const loadS = (Date.now() - t) / 1000;
  const afterTriage = memoryMb();
  t = Date.now();
  const recurrence = new RecurrenceEngine(runtime.dataSource, runtime.services.models, runtime.services.recurrence, runtime.services.recurrence.options.clock);
  await recurrence.run("rebuild");
  const recurrenceS = (Date.now() - t) / 1000;
  const afterBoth = memoryMb();
  const [{ n }] = (await runtime.dataSource.query(`SELECT count(*)::int AS n FROM incident_embedding`)) as Array<{ n: number }>;
  process.stdout.write(
    JSON.stringify({
      embeddings: n,
      load_s: loadS,
      recurrence_rebuild_s: recurrenceS,
      ...afterBoth,
      rss_before_load_mb: before.rss_mb,
      triage_only: afterTriage,
    }) + "\n",
  );
  await runtime.close();
  // Both engines stay reachable until after the figures (a worker holds them for its lifetime).
  void [triage, recurrence];
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
