import "reflect-metadata";
// A bench signs no sessions: a throwaway JWT secret satisfies the production start-up check.
import { randomBytes } from "node:crypto";
import { startRuntime } from "@quell/api/app";
import { TriageEngine } from "@quell/api/modules/suggestion/triage.engine";
import { loadConfig } from "@quell/api/platform/config";

/** Child of triage-latency: a worker's triage engine loading its models and index; prints memory as JSON. */
async function main(): Promise<void> {
  const runtime = await startRuntime(loadConfig({ dataDir: ":memory:", jwtSecret: randomBytes(32).toString("hex") }));
  const before = process.memoryUsage();
  const t = Date.now();
  const engine = new TriageEngine(runtime.dataSource, runtime.services.models, runtime.services.suggestions);
  await engine.refresh();
  const loadS = (Date.now() - t) / 1000;
  global.gc?.();
  const after = process.memoryUsage();
  const [{ n }] = (await runtime.dataSource.query(`SELECT count(*)::int AS n FROM incident_embedding`)) as Array<{ n: number }>;
  const mb = (b: number) => Math.round(b / 1024 / 1024);
  process.stdout.write(
    JSON.stringify({ embeddings: n, load_s: loadS, rss_mb: mb(after.rss), heap_used_mb: mb(after.heapUsed), array_buffers_mb: mb(after.arrayBuffers), rss_before_load_mb: mb(before.rss) }) + "\n",
  );
  await runtime.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
