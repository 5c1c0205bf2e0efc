import { IncidentFeaturizer, fitLinearSoftmax, fitLinearSvmDual, initBackend, stratifiedSplit, type IncidentRow, type SparseVector } from "@quell/ml";
import { objectiveScore } from "@quell/ml";
import { dataDir, itServiceTickets, mozillaSeverity, statusIncidents } from "./ml-data";
import { decisionValuesOf, trainOneVsRestSvm, type Csr } from "./yardstick";

/**
 * Development-only: how the softmax's training settings compare with a linear SVM on the very same
 * pipeline features, on TRAIN alone (TRAIN split again 85/15, stratified seed 99, or by time for
 * status-incidents). The real TEST split is never read. Prints dev accuracy and macro-F1 per epoch.
 * Args: dataset [--train-sample N]; CONFIGS='[{"learningRate":0.02,"weightDecay":1e-4,"epochs":20}]'.
 * DUAL='{"features":[{},{"titleWeight":1}],"c":[0.5,1,2]}' instead compares featurizer options and
 * C values of the pipeline's dual-CD SVM (fitLinearSvmDual), each on the same dev split.
 */
async function main(): Promise<void> {
  const dir = dataDir();
  if (!dir) return console.log("no shared data");
  await initBackend();
  const args = process.argv.slice(2);
  const name = args[0] ?? "it-service-tickets";
  const sampleAt = args.indexOf("--train-sample");
  const loaders: Record<string, (d: string) => { train: IncidentRow[] }> = { "it-service-tickets": itServiceTickets, "mozilla-severity": mozillaSeverity, "status-incidents": statusIncidents };
  const label = (r: IncidentRow) => (name === "it-service-tickets" ? r.team : r.severity).trim();
  let train = loaders[name](dir).train.filter(label);
  if (sampleAt >= 0) {
    const n = Number(args[sampleAt + 1]);
    train = stratifiedSplit(train.map(label), n / train.length, 7).holdout.map((i) => train[i]);
  }
  let devTrain: IncidentRow[];
  let devTest: IncidentRow[];
  if (name === "status-incidents") {
    const cut = Math.floor(train.length * 0.85);
    devTrain = train.slice(0, cut);
    devTest = train.slice(cut);
  } else {
    const s = stratifiedSplit(train.map(label), 0.15, 99);
    devTrain = s.train.map((i) => train[i]);
    devTest = s.holdout.map((i) => train[i]);
  }
  const labels = [...new Set(train.map(label))].sort();
  const C = labels.length;
  const yTr = devTrain.map((r) => labels.indexOf(label(r)));
  const yTe = devTest.map((r) => labels.indexOf(label(r)));
  const score0 = (pred: number[]) => `acc ${objectiveScore("accuracy", yTe, pred, C).toFixed(4)} mF1 ${objectiveScore("macro_f1", yTe, pred, C).toFixed(4)}`;
  if (process.env.DUAL) {
    const dual = JSON.parse(process.env.DUAL) as { features?: Array<Record<string, unknown>>; c?: number[] };
    for (const fo of dual.features ?? [{}]) {
      const tf = Date.now();
      const f = IncidentFeaturizer.fit(devTrain, fo);
      const Xa = devTrain.map((r) => f.transform(r));
      const Xb = devTest.map((r) => f.transform(r));
      console.log(`features ${JSON.stringify(fo)}: ${f.size} (${f.wordBlockSize} words), ${((Date.now() - tf) / 1000).toFixed(1)} s`);
      for (const c of dual.c ?? [1]) {
        const t1 = Date.now();
        const fit = fitLinearSvmDual(Xa, yTr, yTr.map(() => 1), f.size, C, { c, seed: 42 });
        const pred = Xb.map((x) => {
          const l = fit.model.logits(x);
          let t = 0;
          for (let k = 1; k < l.length; k++) if (l[k] > l[t]) t = k;
          return t;
        });
        console.log(`  dual SVM C=${c}: ${score0(pred)} (${((Date.now() - t1) / 1000).toFixed(1)} s, passes ${fit.iterations.join("/")})`);
      }
    }
    return;
  }
  const t0 = Date.now();
  const feat = IncidentFeaturizer.fit(devTrain);
  const Xtr = devTrain.map((r) => feat.transform(r));
  const Xte = devTest.map((r) => feat.transform(r));
  console.log(`${name}: dev-train ${devTrain.length}, dev-test ${devTest.length}, features ${feat.size} (${feat.wordBlockSize} words), ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const score = (pred: number[]) => `acc ${objectiveScore("accuracy", yTe, pred, C).toFixed(4)} mF1 ${objectiveScore("macro_f1", yTe, pred, C).toFixed(4)}`;
  const argmax = (l: ArrayLike<number>) => {
    let t = 0;
    for (let c = 1; c < l.length; c++) if (l[c] > l[t]) t = c;
    return t;
  };
  if (!process.env.NO_SVM) {
    const t1 = Date.now();
    const toCsr = (X: SparseVector[]): Csr => {
      const indptr = new Int32Array(X.length + 1);
      const nnz = X.reduce((s, x) => s + x.indices.length + 1, 0);
      const indices = new Int32Array(nnz);
      const values = new Float32Array(nnz);
      let p = 0;
      X.forEach((x, i) => {
        indices.set(x.indices, p);
        values.set(x.values, p);
        p += x.indices.length;
        indices[p] = feat.size;
        values[p++] = 1;
        indptr[i + 1] = p;
      });
      return { indptr, indices, values };
    };
    const w = trainOneVsRestSvm(toCsr(Xtr), yTr, C, feat.size + 1);
    console.log(`SVM C=1 on pipeline features: ${score(decisionValuesOf(toCsr(Xte), w).map(argmax))} (${((Date.now() - t1) / 1000).toFixed(1)} s)`);
  }
  const configs = JSON.parse(process.env.CONFIGS ?? '[{"learningRate":0.02,"epochs":12}]') as Array<Record<string, number>>;
  for (const cfg of configs) {
    const t1 = Date.now();
    await fitLinearSoftmax(Xtr, yTr, yTr.map(() => 1), feat.size, C, {
      epochs: 12,
      batchSize: 512,
      learningRate: 0.02,
      l2: 0,
      seed: 42,
      maxFeaturesPerExample: 2048,
      ...cfg,
      onEpoch: (e, m) => {
        console.log(`  ${JSON.stringify(cfg)} epoch ${e + 1}: ${score(Xte.map((x) => argmax(m.logits(x))))}`);
        return e;
      },
    });
    console.log(`  ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
