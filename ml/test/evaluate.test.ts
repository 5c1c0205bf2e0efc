import { describe, expect, it } from "vitest";
import * as path from "node:path";
import { readIncidentCsvFile, evaluateClassification, evaluateSimilar, runEvaluateCli, pairedBootstrapGain, createRng, type IncidentRow } from "@quell/ml";

const fixture = (f: string) => path.join(__dirname, "fixtures", f);

function capture() {
  let out = "";
  let err = "";
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } },
    out: () => out,
    err: () => err,
  };
}

describe("ml evaluate on hand-made fixtures", () => {
  it("scores a trivially separable severity set with the exact JSON shape and hand-computed baselines", async () => {
    const c = capture();
    const code = await runEvaluateCli(
      ["evaluate", "--task", "severity", "--train", fixture("classify-train.csv"), "--test", fixture("classify-test.csv"), "--json"],
      c.io,
    );
    expect(code).toBe(0);
    const lines = c.out().trim().split("\n");
    expect(lines).toHaveLength(1); // exactly one JSON object on stdout
    const r = JSON.parse(lines[0]);
    for (const key of ["task", "n_train", "n_test", "accuracy", "macro_f1", "per_class", "baselines"]) expect(r).toHaveProperty(key);
    expect(r.task).toBe("severity");
    expect(r.n_train).toBe(45);
    expect(r.n_test).toBe(6); // Q7 has no label
    expect(r.accuracy).toBe(1);
    expect(r.macro_f1).toBe(1);
    expect(Object.keys(r.per_class).sort()).toEqual(["sev1", "sev3"]);
    expect(r.per_class.sev1).toEqual({ precision: 1, recall: 1, f1: 1, support: 4 });
    expect(r.per_class.sev3).toEqual({ precision: 1, recall: 1, f1: 1, support: 2 });
    // Majority of TRAIN is sev1 (24 vs 21): 4/6 right; F1 sev1 = 2*(4/6*1)/(4/6+1) = 0.8, sev3 = 0.
    expect(r.baselines.majority.accuracy).toBeCloseTo(4 / 6, 10);
    expect(r.baselines.majority.macro_f1).toBeCloseTo(0.4, 10);
    expect(Object.keys(r.baselines.naive_bayes).sort()).toEqual(["accuracy", "macro_f1", "macro_f1_gain_ci95", "per_class"]);
    expect(Object.keys(r.baselines.naive_bayes.per_class!).sort()).toEqual(["sev1", "sev3"]);
    expect(c.err()).toContain("%");
  });

  it("counts RR@k by hand on a tiny duplicate set, a non-candidate target being a miss", async () => {
    const train = (await readIncidentCsvFile(fixture("similar-train.csv"))).rows;
    const test = (await readIncidentCsvFile(fixture("similar-test.csv"))).rows;
    const r = await evaluateSimilar(train, test);
    expect(Object.keys(r).slice(0, 8)).toEqual(["task", "queries", "rr_at_1", "rr_at_5", "rr_at_10", "rr_at_20", "mrr", "baselines"]);
    expect(r.queries).toBe(2);
    // S7 finds its original S2 first; S8's original S9 was created after S8, so it cannot be found.
    expect(r.queries_target_not_candidate).toBe(1);
    expect([r.rr_at_1, r.rr_at_5, r.rr_at_10, r.rr_at_20, r.mrr]).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    // MRR 0.5 over 2 queries with one impossible: BM25 ranks S2 first, so every RR@k is 0.5 too.
    expect(r.baselines.bm25).toEqual({ rr_at_10: 0.5, mrr: 0.5, rr_at_1: 0.5, rr_at_5: 0.5, rr_at_20: 0.5 });
  });

  it("team task reads the team column", async () => {
    const train = (await readIncidentCsvFile(fixture("classify-train.csv"))).rows;
    const test = (await readIncidentCsvFile(fixture("classify-test.csv"))).rows;
    const r = await evaluateClassification("team", train, test);
    expect(Object.keys(r.per_class).sort()).toEqual(["dba", "frontend"]);
    expect(r.accuracy).toBe(1);
  });

  it("recurrence clusters one file with the defaults and prints one JSON object with the baseline beside it", async () => {
    const c = capture();
    const code = await runEvaluateCli(["evaluate", "--task", "recurrence", "--test", fixture("recurrence.csv"), "--json"], c.io);
    expect(code).toBe(0);
    const lines = c.out().trim().split("\n");
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0]);
    expect(r.task).toBe("recurrence");
    expect(r.n).toBe(15);
    // Gold: {R1..R4} (6 pairs), {R5,R6,R7} and {R8,R9,R10} (3 each); all found, nothing else joined.
    expect(r.gold_groups).toBe(3);
    expect(r.gold_pairs).toBe(12);
    expect([r.pair_precision, r.pair_recall, r.pair_f1, r.clusters, r.largest_cluster]).toEqual([1, 1, 1, 3, 4]);
    for (const k of ["pair_precision", "pair_recall", "pair_f1", "clusters", "largest_cluster", "threshold"]) expect(r.baselines.tfidf_single_link).toHaveProperty(k);
  });

  it("recurrence takes no --train: it clusters the --test file alone", async () => {
    const c = capture();
    expect(await runEvaluateCli(["evaluate", "--task", "recurrence", "--train", fixture("recurrence.csv"), "--test", fixture("recurrence.csv")], c.io)).toBe(2);
    expect(c.err()).toMatch(/--train is not used/);
    const d = capture();
    expect(await runEvaluateCli(["evaluate", "--task", "recurrence"], d.io)).toBe(2);
    expect(d.err()).toMatch(/--test is required/);
  });

  it("counts abstained rows in accuracy and macro-F1 and reports top-3 accuracy", async () => {
    const train = (await readIncidentCsvFile(fixture("classify-train.csv"))).rows;
    const test = (await readIncidentCsvFile(fixture("classify-test.csv"))).rows;
    // A row no known word: the model abstains on it, yet it is still a TEST row to be scored.
    const unknown = { ...test[0], id: "Q-unknown", title: "zzqx wvvq", description: "", service: "", category: "", team: "dba", line: 99 };
    const r = await evaluateClassification("team", train, [...test, unknown]);
    expect(r.n_test).toBe(7);
    expect(r.coverage).toBeLessThan(1);
    // Six rows are right; the abstained one counts as right or wrong by its top label, over 7 rows.
    expect([6 / 7, 1]).toContainEqual(r.accuracy);
    expect(r.top3_accuracy).toBe(1); // two teams: both are always in the top 3
  });

  it("rejects bad arguments and missing files with a message and a non-zero code", async () => {
    const a = capture();
    expect(await runEvaluateCli(["evaluate", "--task", "priority", "--train", "x", "--test", "y"], a.io)).toBe(2);
    expect(a.err()).toMatch(/--task must be one of/);
    expect(a.out()).toBe("");
    const b = capture();
    expect(await runEvaluateCli(["evaluate", "--task", "team", "--train", "/nonexistent.csv", "--test", "y", "--json"], b.io)).toBe(2);
    expect(b.err()).toMatch(/not found/);
    const c = capture();
    expect(await runEvaluateCli(["train"], c.io)).toBe(2);
  });
});

/**
 * Three teams whose tickets share most of their words (each ticket draws 70 % of its words from a
 * common pool, 30 % from its team's own), and 15 % of TRAIN and TEST labels are flipped: no model can
 * be right on every row, so the scores below are not 1 by construction.
 */
function overlappingTickets(n: number, seed: number, prefix: string): IncidentRow[] {
  const rng = createRng(seed);
  const common = ["login", "error", "slow", "page", "user", "cannot", "system", "report", "issue", "server", "access", "request"];
  const own: Record<string, string[]> = {
    network: ["vpn", "wifi", "dns", "latency", "router", "packet"],
    database: ["query", "replica", "deadlock", "index", "backup", "table"],
    desktop: ["laptop", "printer", "monitor", "keyboard", "driver", "screen"],
  };
  const teams = Object.keys(own);
  const pick = (xs: string[]) => xs[Math.floor(rng() * xs.length)];
  return Array.from({ length: n }, (_, i) => {
    const team = teams[i % teams.length];
    const words = Array.from({ length: 8 }, () => (rng() < 0.3 ? pick(own[team]) : pick(common)));
    const label = rng() < 0.15 ? pick(teams.filter((t) => t !== team)) : team;
    return {
      id: `${prefix}${i}`, title: words.slice(0, 4).join(" "), description: words.slice(4).join(" "), severity: "", team: label,
      category: "", service: "", createdAt: null, resolvedAt: null, duplicateOf: null, line: i + 2,
    };
  });
}

describe("ml evaluate on data that is not separable", () => {
  const train = overlappingTickets(240, 11, "N");
  const test = overlappingTickets(90, 12, "M");

  it("scores below 1 and above the majority baseline, and its figures add up over every TEST row", async () => {
    const r = await evaluateClassification("team", train, test);
    expect(r.n_test).toBe(90);
    expect(r.accuracy).toBeLessThan(0.99);
    expect(r.accuracy).toBeGreaterThan(r.baselines.majority.accuracy);
    const perClass = Object.values(r.per_class);
    expect(perClass.reduce((s, m) => s + m.support, 0)).toBe(90);
    expect(perClass.reduce((s, m) => s + m.recall * m.support, 0) / 90).toBeCloseTo(r.accuracy, 10);
    expect(perClass.reduce((s, m) => s + m.f1, 0) / perClass.length).toBeCloseTo(r.macro_f1, 10);
    expect(r.top3_accuracy).toBe(1); // three teams
  });

  it("abstaining on every row changes neither accuracy nor macro-F1: abstained rows count by their top label", async () => {
    const answering = await evaluateClassification("team", train, test, undefined, { abstainThreshold: 0 });
    const abstaining = await evaluateClassification("team", train, test, undefined, { abstainThreshold: 1.01 });
    expect(answering.coverage).toBe(1);
    expect(abstaining.coverage).toBe(0);
    expect(abstaining.accuracy).toBeGreaterThan(0);
    expect(abstaining.accuracy).toBe(answering.accuracy);
    expect(abstaining.macro_f1).toBe(answering.macro_f1);
    expect(abstaining.per_class).toEqual(answering.per_class);
  });
});

describe("pairedBootstrapGain", () => {
  it("brackets the observed gain, and is narrow and positive for a clearly better system", () => {
    const truth = Array.from({ length: 400 }, (_, i) => ["a", "b", "c"][i % 3]);
    const good = truth.map((t, i) => (i % 10 === 0 ? "a" : t)); // 90 %+ right
    const poor = truth.map((t, i) => (i % 2 === 0 ? "a" : t)); // about 2/3 right
    const [lo, hi] = pairedBootstrapGain(truth, good, poor);
    expect(lo).toBeGreaterThan(0.1);
    expect(hi).toBeLessThan(0.5);
    expect(lo).toBeLessThan(hi);
    const [lo2, hi2] = pairedBootstrapGain(truth, poor, poor);
    expect([lo2, hi2]).toEqual([0, 0]);
    const [lo3, hi3] = pairedBootstrapGain(truth, poor, good);
    expect(hi3).toBeLessThan(0);
    expect(lo3).toBeCloseTo(-hi, 1);
  });
});
