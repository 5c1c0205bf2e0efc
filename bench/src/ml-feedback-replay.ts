import { accuracyOf, createRng, initBackend, macroF1OverUnion, shuffleInPlace, trainClassifier, type IncidentRow } from "@quell/ml";
import { dataDir, itServiceTickets, statusIncidents } from "./ml-data";

/**
 * Offline replay of learning from agents' decisions. History is cut in three slices in arrival
 * order: the model is trained on the first (EARLY), suggests a team for every ticket of the second
 * (LIVE), and an agent decides on a share of those suggestions: an accepted suggestion confirms
 * the label, a corrected one gives the right group, unanswered ones give nothing (as a dismissed
 * suggestion with no team set). Retraining then learns from EARLY plus the decided LIVE tickets
 * (decisions win over the field, as ModelTrainer's decidedLabels), and both models are scored on
 * the LATER slice, which neither saw.
 *
 * Args: [it-service-tickets|status-incidents] [--rows N] (use the first N tickets of the seeded order).
 */
const SHARES = [0, 0.1, 0.25, 0.5, 1];

async function main(): Promise<void> {
  const dir = dataDir();
  if (!dir) {
    console.log("no shared data found (set QUELL_DATA); nothing to replay");
    return;
  }
  const args = process.argv.slice(2);
  const name = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a)) ?? "it-service-tickets";
  const rowsAt = args.indexOf("--rows");
  console.log(`backend ${await initBackend()}`);
  let rows: IncidentRow[];
  let label: (r: IncidentRow) => string;
  if (name === "status-incidents") {
    // Dated: arrival order is time order.
    const s = statusIncidents(dir);
    rows = [...s.train, ...s.test];
    label = (r) => r.severity;
  } else {
    // No dates: a seeded shuffle stands in for arrival order.
    const s = itServiceTickets(dir);
    rows = shuffleInPlace([...s.train, ...s.test], createRng(5));
    label = (r) => r.team;
  }
  if (rowsAt >= 0) rows = rows.slice(0, Number(args[rowsAt + 1]));
  const objective = name === "status-incidents" ? "macro_f1" : "accuracy";
  const a = Math.floor(rows.length * 0.3);
  const b = Math.floor(rows.length * 0.6);
  const early = rows.slice(0, a);
  const live = rows.slice(a, b);
  const later = rows.slice(b);
  const input = (r: IncidentRow) => ({ title: r.title, description: r.description, service: r.service, category: r.category });
  console.log(`${name}: EARLY ${early.length}, LIVE ${live.length}, LATER ${later.length} (objective ${objective})`);

  const first = await trainClassifier(
    early.map((r) => ({ ...input(r), label: label(r) })),
    { seed: 42, objective },
  );
  const liveSuggestions = first.predictBatch(live.map(input), { explain: false }).map((p) => p.topLabel);
  const liveTruth = live.map(label);
  console.log(`model trained on EARLY, on LIVE: accuracy ${accuracyOf(liveTruth, liveSuggestions).toFixed(3)} (what agents were shown)`);
  const laterTruth = later.map(label);
  const order = shuffleInPlace(
    live.map((_, i) => i),
    createRng(9),
  );
  console.log("decided share  accepted  corrected  LATER accuracy  LATER macro-F1");
  for (const share of SHARES) {
    const decided = order.slice(0, Math.round(share * live.length));
    // The agent's decision is the truth: accepting a right suggestion, correcting a wrong one.
    const fed = decided.map((i) => ({ ...input(live[i]), label: liveTruth[i] }));
    const corrected = decided.filter((i) => liveSuggestions[i] !== liveTruth[i]).length;
    const model =
      share === 0
        ? first
        : await trainClassifier(
            [...early.map((r) => ({ ...input(r), label: label(r) })), ...fed],
            { seed: 42, objective },
          );
    const pred = model.predictBatch(later.map(input), { explain: false }).map((p) => p.topLabel);
    console.log(
      `${share.toFixed(2).padEnd(14)} ${String(decided.length - corrected).padEnd(9)} ${String(corrected).padEnd(10)} ${accuracyOf(laterTruth, pred).toFixed(3).padEnd(15)} ${macroF1OverUnion(laterTruth, pred).toFixed(3)}`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
