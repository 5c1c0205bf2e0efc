import { accuracyOf, initBackend, macroF1OverUnion, stratifiedSplit, topKAccuracy, trainClassifier, type IncidentRow, type TrainOptions } from "@quell/ml";
import { loadavg } from "node:os";
import { LinearSvmYardstick } from "./yardstick";
import { dataDir, itServiceTickets, mozillaSeverity, statusIncidents } from "./ml-data";

/**
 * Development-only: chooses trainClassifier's settings (loss, refit on all rows, ...) on TRAIN
 * alone. TRAIN is split again (stratified 85/15, seed 99; by time for status-incidents) into
 * dev-train and dev-test; each config in CONFIGS (a JSON list of TrainOptions) is trained on
 * dev-train with the registry's objective and scored on dev-test, beside the yardstick trained on
 * the same dev-train. The real TEST split is never read.
 * Args: dataset [--train-sample N]; env CONFIGS='[{},{"loss":"squared_hinge"}]', NO_SVM=1.
 */
async function main(): Promise<void> {
  const dir = dataDir();
  if (!dir) return console.log("no shared data");
  await initBackend();
  const args = process.argv.slice(2);
  const name = args[0] ?? "it-service-tickets";
  const sampleAt = args.indexOf("--train-sample");
  const loaders: Record<string, (d: string) => { train: IncidentRow[] }> = { "it-service-tickets": itServiceTickets, "mozilla-severity": mozillaSeverity, "status-incidents": statusIncidents };
  const routing = name === "it-service-tickets";
  const label = (r: IncidentRow) => (routing ? r.team : r.severity).trim();
  let train = loaders[name](dir).train.filter(label);
  if (sampleAt >= 0) {
    const n = Number(args[sampleAt + 1]);
    train = stratifiedSplit(train.map(label), n / train.length, 7).holdout.map((i) => train[i]);
  }
  let devTrain: IncidentRow[];
  let devTest: IncidentRow[];
  if (name === "status-incidents") {
    const cut = Math.floor(train.length * 0.85);
    [devTrain, devTest] = [train.slice(0, cut), train.slice(cut)];
  } else {
    const s = stratifiedSplit(train.map(label), 0.15, 99);
    [devTrain, devTest] = [s.train.map((i) => train[i]), s.holdout.map((i) => train[i])];
  }
  const truth = devTest.map(label);
  const input = (r: IncidentRow) => ({ title: r.title, description: r.description, service: r.service, category: r.category });
  const text = (r: IncidentRow) => [r.title, r.description, r.service, r.category].filter(Boolean).join("\n");
  console.log(`${name}: dev-train ${devTrain.length}, dev-test ${devTest.length}; load ${loadavg()[0].toFixed(1)}`);
  const line = (who: string, top1: string[], ranked: string[][], s: number) =>
    console.log(`  ${who.padEnd(60)} acc ${accuracyOf(truth, top1).toFixed(4)} mF1 ${macroF1OverUnion(truth, top1).toFixed(4)} top3 ${topKAccuracy(truth, ranked, 3).toFixed(4)} ${s.toFixed(0)} s`);
  if (!process.env.NO_SVM) {
    const t0 = Date.now();
    const svm = LinearSvmYardstick.fit(devTrain.map(text), devTrain.map(label));
    const ranked = svm.rank(devTest.map(text), 3);
    line("yardstick", ranked.map((r) => r[0]), ranked, (Date.now() - t0) / 1000);
  }
  for (const cfg of JSON.parse(process.env.CONFIGS ?? "[{}]") as TrainOptions[]) {
    const t0 = Date.now();
    const clf = await trainClassifier(
      devTrain.map((r) => ({ ...input(r), label: label(r) })),
      { seed: 42, objective: routing ? "accuracy" : "macro_f1", ...cfg },
    );
    const preds = clf.predictBatch(devTest.map(input), { explain: false });
    line(JSON.stringify(cfg), preds.map((p) => p.topLabel), preds.map((p) => p.distribution.map((d) => d.label)), (Date.now() - t0) / 1000);
    const v = clf.validation;
    console.log(`    validation acc ${v.accuracy.toFixed(4)} mF1 ${v.macro_f1.toFixed(4)} best epoch ${v.best_epoch}/${v.epochs} nb ${v.nb_blend} prior ${v.prior_adjustment} svm C ${v.svm_c} (${Object.entries(v).filter(([k]) => k.startsWith("validation_score_svm_c_")).map(([k, s]) => `${k.slice(23)}: ${s.toFixed(4)}`).join(", ")})`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
