import {
  BLEND_GRID,
  DEFAULT_NB_BLEND,
  SVM_C_GRID,
  accuracyOf,
  adaptPosteriorsOnline,
  adjustPosterior,
  initBackend,
  macroF1OverUnion,
  pairedBootstrapInterval,
  trainClassifier,
  type IncidentRow,
  type IncidentText,
  type LabelledIncident,
  type LabelShiftOptions,
  type TrainOptions,
  type TrainedClassifier,
} from "@quell/ml";
import { loadavg } from "node:os";
import { LinearSvmYardstick } from "./yardstick";
import { dataDir, statusIncidents } from "./ml-data";

/**
 * Development-only: the status-incidents severity pipeline against the yardstick on TRAIN alone,
 * by forward chaining (rows are sorted by start time): each of the last three blocks of TRAIN
 * (60-73 %, 73-87 %, 87-100 %) is predicted by models trained on every TRAIN row before it, and
 * the predictions of the three blocks are pooled (173 rows instead of one 87-row dev split). The
 * real TEST split is never read.
 * Args: JSON list of variants, each { name?, train?: TrainOptions, input?: "plain" | "fields-as-text" };
 * each later variant is also compared with the first (paired bootstrap on the pooled rows).
 * Examples carry their creation dates, as retraining passes them (validation: the newest 15 %).
 * "fields-as-text" also appends service and category to the description as words (the yardstick
 * reads them as words; the pipeline as one pseudo-term each).
 * "adapt": label-shift settings; each is reported beside the variant's own unadapted predictions:
 * every block's calibrated posteriors re-weighted online, in arrival order, to the priors that EM
 * estimates from the posteriors of the arrivals before each row in that block (adaptPosteriorsOnline;
 * no label, nothing later). estimator "bbse" instead solves the confusion-matrix equations of
 * Lipton et al. 2018 (hard predictions; confusion matrix of the newest 15 % of the block's training
 * rows, held out only with refitOnAll false; ridge toward "no shift" with the pseudo-count);
 * "oracle" (a diagnosis, it reads the block's labels) re-weights to the block's true label mix: can
 * any prior estimate help these posteriors at all?
 * "adaptSelect": label-shift settings of which nested forward chaining (three inner blocks of 15 %
 * of the rows before each block) picks one, or none, per block, by pooled inner macro-F1.
 * "select": nested forward chaining: for each block, C, the naive Bayes share and the prior
 * adjustment are chosen by the macro-F1 of predictions pooled over `folds` inner expanding-window
 * folds (each the next 15 % of the rows before the block, trained on everything before it), then a
 * model with those choices is trained on all rows before the block. `only: "c"` chooses C alone
 * (the naive Bayes share stays the trainer's default, no prior adjustment).
 */
interface Variant {
  name?: string;
  train?: TrainOptions;
  input?: "plain" | "fields-as-text";
  adapt?: Adapt[];
  adaptSelect?: Adapt[];
  select?: { folds: number; only?: "c" };
}

type Adapt = LabelShiftOptions & { reference?: "frequency" | "validation"; estimator?: "em" | "bbse" | "oracle" };

/** Log-prior adjustment strengths the nested selection tries (0 and train.ts's PRIOR_ADJUSTMENTS). */
const TAUS = [0, 0.25, 0.5, 0.75, 1];

/** Block boundaries as shares of TRAIN; STATUS_CUTS (comma-separated) overrides them for a robustness check. */
const CUTS = process.env.STATUS_CUTS ? process.env.STATUS_CUTS.split(",").map(Number) : [0.6, 0.733, 0.867, 1];

async function main(): Promise<void> {
  const dir = dataDir();
  if (!dir) return console.log("no shared data");
  await initBackend();
  const { train } = statusIncidents(dir);
  const rows = train.filter((r) => r.severity.trim());
  const variants: Variant[] = JSON.parse(process.argv[2] ?? "[{}]");
  const folds = CUTS.slice(0, -1).map((c, i) => ({ before: rows.slice(0, Math.floor(c * rows.length)), test: rows.slice(Math.floor(c * rows.length), Math.floor(CUTS[i + 1] * rows.length)) }));
  const truth = folds.flatMap((f) => f.test.map((r) => r.severity.trim()));
  console.log(`status-incidents TRAIN ${rows.length} rows; forward-chaining blocks ${folds.map((f) => `${f.before.length}->${f.test.length}`).join(", ")}; load ${loadavg()[0].toFixed(1)}`);
  const text = (r: IncidentRow) => [r.title, r.description, r.service, r.category].filter(Boolean).join("\n");
  const yard = folds.flatMap((f) => {
    const svm = LinearSvmYardstick.fit(f.before.map(text), f.before.map((r) => r.severity.trim()));
    return svm.rank(f.test.map(text), 1).map((x) => x[0]);
  });
  report("yardstick", truth, yard, folds);
  let first: string[] | undefined;
  for (const v of variants) {
    const input = (r: IncidentRow) => ({
      title: r.title,
      description: v.input === "fields-as-text" ? `${r.description}\n${r.service} ${r.category}` : r.description,
      service: r.service,
      category: r.category,
    });
    const preds: string[] = [];
    const chosen: string[] = [];
    const adapted: string[][] = (v.adapt ?? []).map(() => []);
    const selectedAdapt: string[] = [];
    for (const f of folds) {
      const labelled = (rs: IncidentRow[]) => rs.map((r) => ({ ...input(r), createdAt: r.createdAt, label: r.severity.trim() }));
      let extra: TrainOptions = {};
      let tau = 0;
      if (v.select) {
        const choice = await selectByForwardChaining(f.before, v.select, labelled, input, v.train ?? {});
        extra = { svmC: choice.c, naiveBayesBlend: choice.w };
        tau = choice.tau;
        chosen.push(`cv C ${choice.c} nb ${choice.w} tau ${choice.tau} (cv macro-F1 ${choice.score.toFixed(3)})`);
      }
      const clf = await trainClassifier(labelled(f.before), { seed: 42, objective: "macro_f1", ...v.train, ...extra });
      const prior = trainPriors(clf, f.before);
      const post = posteriorsOf(clf, f.test.map(input), tau, prior);
      preds.push(...post.map((p) => clf.labels[argmax(p)]));
      (v.adapt ?? []).forEach((a, k) => adapted[k].push(...adaptedLabels(clf, f.before, f.test, input, tau, a)));
      if (v.adaptSelect) {
        // Nested: the setting (or none) whose online adaptation scores best on inner
        // forward-chaining folds of the rows before this block (ties: none).
        const inner = innerFolds(f.before, 3);
        const candidates: (Adapt | null)[] = [null, ...v.adaptSelect];
        const pooled = candidates.map(() => [] as string[]);
        for (const g of inner) {
          const m = await trainClassifier(labelled(g.before), { seed: 42, objective: "macro_f1", ...v.train, ...extra });
          candidates.forEach((a, k) => pooled[k].push(...(a ? adaptedLabels(m, g.before, g.test, input, tau, a) : posteriorsOf(m, g.test.map(input), 0).map((p) => m.labels[argmax(p)]))));
        }
        const innerTruth = inner.flatMap((g) => g.test.map((r) => r.severity.trim()));
        const scores = pooled.map((p) => macroF1OverUnion(innerTruth, p));
        const best = scores.reduce((b, sc, k) => (sc > scores[b] + 1e-9 ? k : b), 0);
        const a = candidates[best];
        selectedAdapt.push(...(a ? adaptedLabels(clf, f.before, f.test, input, tau, a) : post.map((p) => clf.labels[argmax(p)])));
        chosen.push(`adapt ${a ? `${a.estimator ?? "em"} ${a.pseudoCount}` : "none"} (inner macro-F1 ${scores.map((x) => x.toFixed(3)).join("/")})`);
      }
      const val = clf.validation as Record<string, unknown>;
      if (!v.select) chosen.push(`C ${val.svm_c} nb ${val.nb_blend} prior ${val.prior_adjustment}`);
    }
    const fmt = (ci: [number, number]) => ci.map((x) => (x >= 0 ? "+" : "") + x.toFixed(3)).join(", ");
    const acc = pairedBootstrapInterval(truth, preds, yard, accuracyOf, 1000);
    const f1 = pairedBootstrapInterval(truth, preds, yard, macroF1OverUnion, 1000);
    // Every later variant also against the first (paired, same rows): is a change a gain?
    first ??= preds;
    const vsFirst =
      first === preds
        ? ""
        : `; minus first variant: acc [${fmt(pairedBootstrapInterval(truth, preds, first, accuracyOf, 1000))}] macro-F1 [${fmt(pairedBootstrapInterval(truth, preds, first, macroF1OverUnion, 1000))}]`;
    report(v.name ?? JSON.stringify(v), truth, preds, folds, `${chosen.join("; ")}; minus yardstick: acc [${fmt(acc)}] macro-F1 [${fmt(f1)}]${vsFirst}`);
    const lines: [string, string[]][] = (v.adapt ?? []).map((a, k) => [`  + label shift ${a.estimator ?? "em"} window ${a.windowSize} pseudo-count ${a.pseudoCount} ${a.reference ?? "frequency"}`, adapted[k]]);
    if (v.adaptSelect) lines.push(["  + label shift chosen by nested forward chaining", selectedAdapt]);
    lines.forEach(([name, p]) => {
      const vs = (b: string[]) => `acc [${fmt(pairedBootstrapInterval(truth, p, b, accuracyOf, 1000))}] macro-F1 [${fmt(pairedBootstrapInterval(truth, p, b, macroF1OverUnion, 1000))}]`;
      report(name, truth, p, folds, `predicted mix ${mix(p)}; minus yardstick: ${vs(yard)}; minus unadapted: ${vs(preds)}`);
    });
  }
}

const argmax = (p: ArrayLike<number>) => {
  let t = 0;
  for (let c = 1; c < p.length; c++) if (p[c] > p[t]) t = c;
  return t;
};

function mix(labels: readonly string[]): string {
  return ["0", "1", "2", "3", "4"].map((l) => `${((100 * labels.filter((x) => x === l).length) / Math.max(labels.length, 1)).toFixed(0)}`).join("/");
}

/**
 * BBSE (Lipton et al. 2018) online: for arrival t, the importance weights w solve C w = mu, C the
 * joint (predicted, true) shares on the held-out rows, mu the predicted-label shares of the window
 * before t; ridge toward w = 1 with weight pseudoCount / window rows; w clipped at 0. The new
 * priors are w times the held-out label shares; each posterior is re-weighted by w.
 */
function bbseOnline(post: Float64Array[], heldPred: number[], heldTruth: number[], k: number, a: LabelShiftOptions): Float64Array[] {
  const n = heldPred.filter((_, i) => heldTruth[i] >= 0).length;
  const C = Array.from({ length: k }, () => new Float64Array(k));
  heldPred.forEach((p, i) => heldTruth[i] >= 0 && (C[p][heldTruth[i]] += 1 / n));
  const source = Float64Array.from({ length: k }, (_, j) => C.reduce((s, row) => s + row[j], 0));
  const ones = new Float64Array(k).fill(1);
  return post.map((p, t) => {
    const window = post.slice(Math.max(0, t - a.windowSize), t);
    if (!window.length) return p;
    const mu = new Float64Array(k);
    window.forEach((q) => (mu[argmax(q)] += 1 / window.length));
    const lambda = a.pseudoCount / window.length;
    // (C'C + lambda I) w = C' mu + lambda * 1
    const A = Array.from({ length: k }, (_, i) => Float64Array.from({ length: k }, (_, j) => C.reduce((s, row) => s + row[i] * row[j], 0) + (i === j ? lambda : 0)));
    const b = Float64Array.from({ length: k }, (_, i) => C.reduce((s, row, r) => s + row[i] * mu[r], 0) + lambda * ones[i]);
    const w = solve(A, b).map((x) => Math.max(x, 0));
    const priors = Float64Array.from(source, (s0, c) => s0 * w[c]);
    const total = priors.reduce((x, y) => x + y, 0);
    return total > 0 ? adjustPosterior(p, source, priors.map((x) => x / total)) : p;
  });
}

/** Gaussian elimination with partial pivoting (k is 4-5 here). */
function solve(A: Float64Array[], b: Float64Array): Float64Array {
  const k = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let i = 0; i < k; i++) {
    let piv = i;
    for (let r = i + 1; r < k; r++) if (Math.abs(M[r][i]) > Math.abs(M[piv][i])) piv = r;
    [M[i], M[piv]] = [M[piv], M[i]];
    for (let r = i + 1; r < k; r++) {
      const f = M[r][i] / M[i][i];
      for (let c = i; c <= k; c++) M[r][c] -= f * M[i][c];
    }
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) x[i] = (M[i][k] - M.slice(i + 1, k).reduce((s, _, j) => s + M[i][i + 1 + j] * x[i + 1 + j], 0)) / M[i][i];
  return x;
}

/**
 * Top labels of `test` after online label-shift adaptation `a` (see Variant.adapt). The priors the
 * posteriors are taken to assume: the training frequencies (Saerens et al.), or the model's mean
 * posterior on its own validation rows (the newest 15 %, held out only when refitOnAll is false),
 * which absorbs a model whose class marginals are off.
 */
function adaptedLabels(clf: TrainedClassifier, before: IncidentRow[], test: IncidentRow[], input: (r: IncidentRow) => IncidentText, tau: number, a: Adapt): string[] {
  const prior = trainPriors(clf, before);
  const post = posteriorsOf(clf, test.map(input), tau, prior);
  const held = before.slice(before.length - Math.round(0.15 * before.length));
  const reference = a.reference === "validation" ? meanOf(posteriorsOf(clf, held.map(input), tau, prior)) : prior;
  let out: Float64Array[];
  if (a.estimator === "oracle") {
    const truthMix = Float64Array.from(clf.labels, (l) => test.filter((r) => r.severity.trim() === l).length / test.length);
    out = post.map((p) => adjustPosterior(p, reference, truthMix));
  } else if (a.estimator === "bbse") {
    const heldPred = posteriorsOf(clf, held.map(input), tau, prior).map(argmax);
    const heldTruth = held.map((r) => clf.labels.indexOf(r.severity.trim()));
    out = bbseOnline(post, heldPred, heldTruth, clf.labels.length, a);
  } else out = adaptPosteriorsOnline(post, reference, a);
  return out.map((p) => clf.labels[argmax(p)]);
}

const meanOf = (rows: Float64Array[]) => Float64Array.from(rows[0], (_, c) => rows.reduce((s, r) => s + r[c], 0) / rows.length);

/** Each class's share of the training rows the classifier kept (its labels' order). */
function trainPriors(clf: TrainedClassifier, rows: IncidentRow[]): Float64Array {
  const counts = clf.labels.map((l) => rows.filter((r) => r.severity.trim() === l).length);
  const total = counts.reduce((a, b) => a + b, 0);
  return Float64Array.from(counts, (n) => n / total);
}

/**
 * Calibrated posteriors in the classifier's label order; with tau > 0 the log-prior adjustment
 * train.ts applies to the biases (logit - tau * log prior), applied after the fact: on the log
 * probabilities that is - tau * log prior / temperature (train.ts applies it only with 200+
 * validation rows, so on these sets it must be applied here to be tried at all).
 */
function posteriorsOf(clf: TrainedClassifier, inputs: IncidentText[], tau: number, prior?: Float64Array): Float64Array[] {
  return clf.predictBatch(inputs, { explain: false }).map((p) => {
    const probs = Float64Array.from(clf.labels, (l) => p.distribution.find((d) => d.label === l)!.probability);
    if (!tau || !prior) return probs;
    const logits = probs.map((q, c) => Math.log(Math.max(q, 1e-12)) - (tau * Math.log(Math.max(prior[c], 1e-6))) / clf.temperature);
    const max = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - max));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  });
}

/** k inner forward-chaining folds of rows (time-ordered): each the next 15 % of them, trained on all before it; the last ends at the newest row. */
function innerFolds(rows: IncidentRow[], k: number): { before: IncidentRow[]; test: IncidentRow[] }[] {
  const block = Math.floor(0.15 * rows.length);
  return Array.from({ length: k }, (_, j) => {
    const end = rows.length - (k - 1 - j) * block;
    return { before: rows.slice(0, end - block), test: rows.slice(end - block, end) };
  });
}

/** Nested selection (see "select"): the C / naive Bayes share / tau with the best pooled inner macro-F1 (ties: the first in grid order). */
async function selectByForwardChaining(
  rows: IncidentRow[],
  select: { folds: number; only?: "c" },
  labelled: (rs: IncidentRow[]) => LabelledIncident[],
  input: (r: IncidentRow) => IncidentText,
  train: TrainOptions,
): Promise<{ c: number; w: number; tau: number; score: number }> {
  const block = Math.floor(0.15 * rows.length);
  const k = select.folds;
  const inner = Array.from({ length: k }, (_, j) => {
    const end = rows.length - (k - 1 - j) * block;
    return { before: rows.slice(0, end - block), test: rows.slice(end - block, end) };
  });
  const truth = inner.flatMap((f) => f.test.map((r) => r.severity.trim()));
  let best = { c: SVM_C_GRID[0], w: BLEND_GRID[0], tau: 0, score: -Infinity };
  const blends = select.only === "c" ? [DEFAULT_NB_BLEND] : BLEND_GRID;
  const taus = select.only === "c" ? [0] : TAUS;
  for (const c of SVM_C_GRID)
    for (const w of blends) {
      const perTau: string[][] = taus.map(() => []);
      for (const f of inner) {
        const clf = await trainClassifier(labelled(f.before), { seed: 42, objective: "macro_f1", ...train, svmC: c, naiveBayesBlend: w });
        const prior = trainPriors(clf, f.before);
        taus.forEach((tau, t) => perTau[t].push(...posteriorsOf(clf, f.test.map(input), tau, prior).map((p) => clf.labels[argmax(p)])));
      }
      taus.forEach((tau, t) => {
        const s = macroF1OverUnion(truth, perTau[t]);
        if (s > best.score + 1e-9) best = { c, w, tau, score: s };
      });
    }
  return best;
}

function report(name: string, truth: string[], preds: string[], folds: { test: IncidentRow[] }[], extra = ""): void {
  let at = 0;
  const perFold = folds.map((f) => {
    const t = truth.slice(at, at + f.test.length);
    const p = preds.slice(at, (at += f.test.length));
    return accuracyOf(t, p).toFixed(2);
  });
  console.log(`${name.padEnd(60)} pooled acc ${accuracyOf(truth, preds).toFixed(3)} macro-F1 ${macroF1OverUnion(truth, preds).toFixed(3)} (acc per block ${perFold.join("/")}) ${extra}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
