import { createProgressBar, runEvaluateCli } from "@quell/ml";
import { startRuntime } from "../app";
import type { KindOutcome } from "../modules/model/model.training";
import { ModelTrainer } from "../modules/model/model.training";
import { loadConfig } from "../platform/config";
import { registerCommand } from "./commands";

registerCommand({
  name: "ml evaluate",
  summary:
    "--task severity|team|similar --train TRAIN.csv --test TEST.csv [--json]: train fresh, score, touch no stored data; " +
    "--task recurrence --test FILE.csv: cluster the file with the production defaults, score against its duplicate_of groups",
  run(args, io) {
    return runEvaluateCli(["evaluate", ...args], io);
  },
});

registerCommand({
  name: "ml retrain",
  summary: "train, evaluate on a time-split holdout and activate models that are not worse (progress on stderr)",
  async run(_args, io) {
    const runtime = await startRuntime(loadConfig());
    try {
      const run = await runtime.services.models.createRun("cli", null);
      const bar = createProgressBar(io.stderr);
      let outcomes: KindOutcome[];
      try {
        outcomes = await new ModelTrainer(runtime.dataSource, runtime.services.models).run(run.id, (percent, stage) => bar.update(percent, stage));
      } finally {
        bar.done();
      }
      for (const o of outcomes) {
        io.stdout.write(`${o.kind.padEnd(9)} ${o.outcome.padEnd(17)} ${o.version ? `v${o.version} ` : ""}${o.reason}\n`);
      }
      io.stdout.write(`training run ${run.id}\n`);
      return 0;
    } finally {
      await runtime.close();
    }
  },
});

registerCommand({
  name: "ml status",
  summary: "the active model of each kind and the latest training runs",
  async run(_args, io) {
    const runtime = await startRuntime(loadConfig());
    try {
      const models = await runtime.services.models.listModels(undefined, 200);
      const active = models.filter((m) => m.active);
      if (active.length === 0) io.stdout.write("no active models (cold start): run `npm run quell -- ml retrain`\n");
      for (const m of active) {
        const holdout = (m.metrics.holdout ?? {}) as Record<string, number>;
        const figure = holdout.macro_f1 !== undefined ? `macro-F1 ${holdout.macro_f1.toFixed(3)}` : holdout.rr_at_10 !== undefined ? `RR@10 ${holdout.rr_at_10.toFixed(3)}` : "";
        io.stdout.write(`${m.kind.padEnd(9)} v${m.version}  ${m.nExamples} examples  ${figure}  activated ${m.activatedAt?.toISOString() ?? "-"}\n`);
      }
      for (const r of await runtime.services.models.listRuns(5)) {
        io.stdout.write(`run ${r.id} ${r.trigger} ${r.status} ${Math.round(r.percent)}% ${r.stage}${r.error ? ` error: ${r.error}` : ""}\n`);
      }
      return 0;
    } finally {
      await runtime.close();
    }
  },
});
