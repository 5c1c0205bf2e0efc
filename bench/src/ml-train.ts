import { createRng, initBackend, trainClassifier, type LabelledIncident } from "@quell/ml";
import { cpus, loadavg } from "node:os";
import { dataDir, mozillaSeverity } from "./ml-data";

/**
 * Training-time benchmark: trainClassifier on N incidents (default 100,000). With shared/data the
 * Mozilla summaries are resampled with replacement and lightly perturbed (a word dropped, a service
 * added) so rows are not exact copies; without it, synthetic incidents from per-class vocabularies.
 * Args: N (default 100,000), batch size (default: trainClassifier's).
 */
function resampled(n: number, seed: number): LabelledIncident[] {
  const rng = createRng(seed);
  const dir = dataDir();
  const services = ["payments", "billing", "auth", "search", "checkout", "mail", "vpn", "storage"];
  if (dir) {
    const { train } = mozillaSeverity(dir);
    return Array.from({ length: n }, () => {
      const r = train[Math.floor(rng() * train.length)];
      const words = r.title.split(" ");
      if (words.length > 3) words.splice(Math.floor(rng() * words.length), 1);
      return { title: words.join(" "), service: services[Math.floor(rng() * services.length)], label: r.severity };
    });
  }
  const classes: Record<string, string[]> = {
    sev1: ["outage", "down", "data", "loss", "all", "customers", "crash", "unavailable"],
    sev2: ["degraded", "slow", "errors", "elevated", "latency", "partial", "timeouts"],
    sev3: ["cosmetic", "typo", "layout", "minor", "label", "tooltip", "alignment"],
    sev4: ["question", "request", "docs", "improve", "feature", "wording"],
  };
  const common = ["service", "users", "report", "page", "api", "after", "deploy", "since", "morning", "intermittent"];
  const labels = Object.keys(classes);
  return Array.from({ length: n }, () => {
    const label = labels[Math.floor(rng() * labels.length)];
    const words = Array.from({ length: 6 + Math.floor(rng() * 6) }, () =>
      rng() < 0.4 ? classes[label][Math.floor(rng() * classes[label].length)] : common[Math.floor(rng() * common.length)],
    );
    return { title: words.join(" "), service: services[Math.floor(rng() * services.length)], label };
  });
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100_000);
  console.log(`backend ${await initBackend()}; ${n} incidents (${dataDir() ? "resampled Mozilla summaries" : "synthetic"})`);
  const examples = resampled(n, 11);
  // Stage changes in order (a stage may come back, e.g. "training" after "searching C"): each
  // stage's time is the sum of its intervals.
  const changes: { stage: string; wall: number; cpu: number }[] = [];
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  let last = "";
  const batchSize = process.argv[3] ? Number(process.argv[3]) : undefined;
  const clf = await trainClassifier(examples, {
    seed: 1,
    batchSize,
    onProgress: (p) => {
      if (p.stage !== last) {
        changes.push({ stage: p.stage, wall: Date.now(), cpu: cpuNow() });
        last = p.stage;
      }
    },
  });
  const total = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // CPU time beside wall time: on a shared machine the wall clock also counts other processes.
  const cpuS = (cpu.user + cpu.system) / 1e6;
  changes.push({ stage: "", wall: Date.now(), cpu: cpuNow() });
  const perStage = new Map<string, { wall: number; cpu: number }>();
  for (let i = 0; i + 1 < changes.length; i++) {
    const t = perStage.get(changes[i].stage) ?? { wall: 0, cpu: 0 };
    t.wall += (changes[i + 1].wall - changes[i].wall) / 1000;
    t.cpu += changes[i + 1].cpu - changes[i].cpu;
    perStage.set(changes[i].stage, t);
  }
  for (const [stage, t] of perStage) console.log(`  ${stage.padEnd(24)} ${t.wall.toFixed(1)} s wall, ${t.cpu.toFixed(1)} s CPU`);
  console.log(
    `trainClassifier wall time: ${total.toFixed(1)} s (process CPU ${cpuS.toFixed(1)} s, load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores); ` +
      `features ${clf.featurizer.size}, SVM C ${clf.validation.svm_c}, most solver passes ${clf.validation.svm_max_iterations}, refit on all ${clf.validation.refit_on_all}`,
  );
  console.log(`validation: macro-F1 ${clf.validation.macro_f1.toFixed(3)}, ECE ${clf.validation.ece.toFixed(3)}, coverage ${clf.validation.coverage.toFixed(3)}`);
  // Inference as triage runs it: one incident at a time, with the per-term reasons.
  const probes = resampled(1_000, 12);
  const latencies = probes.map((x) => {
    const t = performance.now();
    clf.predict(x);
    return performance.now() - t;
  });
  latencies.sort((x, y) => x - y);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2);
  console.log(`inference (one incident, with reasons): p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms over ${latencies.length}`);
  const mem = process.memoryUsage();
  console.log(`memory: rss ${(mem.rss / 2 ** 20).toFixed(0)} MB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
