import {
  blendWithNaiveBayes,
  classificationMetrics,
  expectedCalibrationError,
  fitNaiveBayesLinear,
  initBackend,
  MultinomialNaiveBayes,
  stratifiedSplit,
  trainClassifier,
  tuneClassOffsets,
  type LinearSoftmax,
  type TrainOptions,
} from "@quell/ml";
import { dataDir, mozillaSeverity, statusIncidents } from "./ml-data";

/**
 * Development-only tuning of the severity model, on TRAIN alone: TRAIN is split again (stratified
 * 80/20, seed 99, or by time for status-incidents) into dev-train and dev-test; trainClassifier
 * runs on dev-train and every variant is scored on dev-test. The real TEST split is never read.
 * Args: mozilla-severity | status-incidents.
 */
const env = (k: string) => (process.env[k] ? Number(process.env[k]) : undefined);

async function main(): Promise<void> {
  const dir = dataDir();
  if (!dir) return console.log("no shared data");
  await initBackend();
  const which = process.argv[2] ?? "mozilla-severity";
  const { train } = which === "status-incidents" ? statusIncidents(dir) : mozillaSeverity(dir);
  let devTrain, devTest;
  if (which === "status-incidents") {
    const cut = Math.floor(train.length * 0.8); // train is already sorted by time
    devTrain = train.slice(0, cut);
    devTest = train.slice(cut);
  } else {
    const s = stratifiedSplit(
      train.map((r) => r.severity),
      0.2,
      99,
    );
    devTrain = s.train.map((i) => train[i]);
    devTest = s.holdout.map((i) => train[i]);
  }
  const lab = (r: (typeof train)[number]) => ({
    title: r.title,
    description: r.description,
    service: r.service,
    category: r.category,
    createdAt: r.createdAt,
    label: r.severity,
  });
  if (process.env.CALIB) {
    // Whole-pipeline variants scored on dev-test: macro-F1, accuracy and ECE of the top label.
    for (const o of JSON.parse(process.env.CALIB) as TrainOptions[]) {
      const c = await trainClassifier(devTrain.map(lab), { seed: 42, ...o });
      const preds = c.predictBatch(devTest);
      const truth = devTest.map((r) => r.severity.trim());
      const m = classificationMetrics(truth, preds.map((p) => p.topLabel), [...new Set([...truth, ...c.labels])].sort());
      const ece = expectedCalibrationError(
        preds.map((p) => p.confidence),
        preds.map((p, i) => p.topLabel === truth[i]),
      );
      const v = c.validation;
      console.log(
        `${JSON.stringify(o).padEnd(60)} dev-test macro-F1 ${m.macroF1.toFixed(3)} acc ${m.accuracy.toFixed(3)} ECE ${ece.toFixed(3)} T ${c.temperature.toFixed(2)} | val n ${v.n_validation} ECE ${v.ece.toFixed(3)} blend ${v.nb_blend}`,
      );
    }
    return;
  }
  const t0 = Date.now();
  const clf = await trainClassifier(devTrain.map(lab), {
    seed: 42,
    naiveBayesBlend: 0,
    tuneClassOffsets: false,
    learningRate: env("LR"),
    l2: env("L2"),
    epochs: env("EPOCHS"),
    batchSize: env("BATCH"),
    features: process.env.FEAT ? JSON.parse(process.env.FEAT) : undefined,
  });
  console.log(`softmax trained in ${((Date.now() - t0) / 1000).toFixed(1)} s; validation`, clf.validation);
  const labels = [...clf.labels];
  const C = labels.length;
  const usable = devTrain.filter((r) => labels.includes(r.severity.trim()));
  const split = stratifiedSplit(
    usable.map((r) => r.severity.trim()),
    0.15,
    42,
  );
  const X = usable.map((r) => clf.featurizer.transform(r));
  const y = usable.map((r) => labels.indexOf(r.severity.trim()));
  const trX = split.train.map((i) => X[i]);
  const trY = split.train.map((i) => y[i]);
  const valX = split.holdout.map((i) => X[i]);
  const valY = split.holdout.map((i) => y[i]);
  const testX = devTest.map((r) => clf.featurizer.transform(r));
  const truth = devTest.map((r) => r.severity.trim());
  const f1 = (m: LinearSoftmax, off?: Float64Array) => {
    const pred = testX.map((x) => {
      const l = m.logits(x);
      let top = 0;
      for (let c = 1; c < C; c++) if (l[c] + (off?.[c] ?? 0) > l[top] + (off?.[top] ?? 0)) top = c;
      return labels[top];
    });
    return classificationMetrics(truth, pred, labels).macroF1;
  };
  const nbText = (r: (typeof train)[number]) => `${r.title}\n${r.description}`;
  const baseline = new MultinomialNaiveBayes().fit(devTrain.map(nbText), devTrain.map((r) => r.severity));
  console.log(`dev-test: plain NB macro-F1 ${classificationMetrics(truth, devTest.map((r) => baseline.predict(nbText(r))), labels).macroF1.toFixed(3)}; softmax only ${f1(clf.model).toFixed(3)}`);
  const grid = [0, 0.2, 0.35, 0.5, 0.65, 0.8, 1];
  for (const alpha of (process.argv[3] ?? "0.03,0.1,0.3,1").split(",").map(Number)) {
    const nb = fitNaiveBayesLinear(trX, trY, clf.featurizer.size, C, { alpha });
    const auto = blendWithNaiveBayes(clf.model, nb, valX, valY, C, undefined, grid);
    const rows: string[] = [];
    for (const w of grid) {
      const m = blendWithNaiveBayes(clf.model, nb, valX, valY, C, w).model;
      const off = valY.length >= 200 ? tuneClassOffsets(valX.map((x) => m.logits(x)), valY, C) : new Float64Array(C);
      const vl = valX.map((x) => m.logits(x));
      const off2 = tuneClassOffsets(vl, valY, C, 3, 0.002);
      const off3 = tuneClassOffsets(vl, valY, C, 1, 0.002).map((o) => o / 2);
      rows.push(
        `w ${w}: val ${auto.scores[grid.indexOf(w)].toFixed(3)} dev-test ${f1(m).toFixed(3)} +offsets ${f1(m, off).toFixed(3)} ` +
          `gain.002 ${f1(m, off2).toFixed(3)} half ${f1(m, off3).toFixed(3)}`,
      );
    }
    console.log(`alpha ${alpha}: chosen w ${auto.weight}\n  ${rows.join("\n  ")}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
