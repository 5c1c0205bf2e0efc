import { accuracyOf, initBackend, macroF1OverUnion, pairedBootstrapInterval, trainClassifier, type IncidentRow, type TrainOptions } from "@quell/ml";
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
 */
interface Variant {
  name?: string;
  train?: TrainOptions;
  input?: "plain" | "fields-as-text";
}

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
    for (const f of folds) {
      const clf = await trainClassifier(f.before.map((r) => ({ ...input(r), createdAt: r.createdAt, label: r.severity.trim() })), { seed: 42, objective: "macro_f1", ...v.train });
      preds.push(...clf.predictBatch(f.test.map(input), { explain: false }).map((p) => p.topLabel ?? ""));
      const val = clf.validation as Record<string, unknown>;
      chosen.push(`C ${val.svm_c} nb ${val.nb_blend} prior ${val.prior_adjustment}`);
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
  }
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
