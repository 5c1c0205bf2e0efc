import "reflect-metadata";
import { loadavg } from "node:os";
import { LsaEmbedder, SIMILAR_INCIDENT_FUSION, rankingMetrics, rankingMetricsInWorker } from "@quell/ml";
import type { HistoryRow } from "@quell/api/modules/model/model.training";
import { LoopMonitor } from "./loop-monitor";
import { topicGenerator } from "./triage-synth";

/**
 * How long a retraining's similar-incident holdout scoring (rankingMetrics, run whenever the newest
 * 20 % holds 5+ duplicate links) holds the event loop. bench:triage's
 * synthetic history has no duplicate links, so it never reaches this stage; here every 100th
 * holdout incident is a duplicate of an earlier one on its topic.
 *
 * It scores once in this thread and once through rankingMetricsInWorker, and prints both.
 *
 *   node bench/dist/ranking-block.js [incidents, default 20000]
 */
async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 20_000);
  const gen = topicGenerator(5);
  const t0 = Date.UTC(2025, 0, 1);
  const rows: HistoryRow[] = Array.from({ length: n }, (_, i) => {
    const topic = Math.floor(gen.rng() * gen.topics.length);
    return {
      id: `i${i}`,
      title: gen.text(topic, 3, 2),
      description: gen.text(topic, 8, 14),
      service: `svc-${topic % 40}`,
      category: null,
      severity: null,
      teamId: null,
      duplicateOfId: null,
      createdAt: new Date(t0 + i * 600_000),
      endedAt: null,
    };
  });
  const cut = Math.floor(n * 0.8);
  for (let i = cut; i < n; i += 100) {
    const original = rows[Math.floor(gen.rng() * cut)];
    rows[i] = { ...rows[i], title: original.title, duplicateOfId: original.id };
  }
  const queries = rows.slice(cut).filter((r) => r.duplicateOfId);
  const embedder = await LsaEmbedder.fit(rows.slice(0, cut), { seed: 7 });
  // In this thread (as before), then on a worker thread (as a retraining now does), back to back.
  const runs: Record<string, unknown> = {};
  for (const where of ["this_thread", "worker_thread"] as const) {
    const loop = new LoopMonitor(10);
    loop.start();
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const metrics =
      where === "this_thread"
        ? rankingMetrics(embedder, rows, queries, SIMILAR_INCIDENT_FUSION)
        : (await rankingMetricsInWorker(rows, queries, [{ lsa: embedder.toArtifact(), fusion: SIMILAR_INCIDENT_FUSION }]))[0];
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    // Let the timer run once more so the gap that ends with the scoring is counted.
    await new Promise((r) => setTimeout(r, 20));
    const report = loop.stop();
    runs[where] = { metrics, wall_s: +(wallMs / 1000).toFixed(1), cpu_s_all_threads: +((cpu.user + cpu.system) / 1e6).toFixed(1), loop_gap_max_ms: report.gap_max_ms, delay_p99_ms: report.delay_p99_ms, timer_ticks: report.timer_ticks };
  }
  process.stdout.write(JSON.stringify({ incidents: n, duplicate_queries: queries.length, ...runs, load_average: loadavg().map((l) => +l.toFixed(1)) }) + "\n");
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
