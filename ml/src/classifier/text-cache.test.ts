import { describe, expect, it } from "vitest";
import { IncidentFeaturizer, type IncidentText } from "./features";
import { IncidentTextCache } from "./text-cache";
import { trainClassifier, type LabelledIncident } from "./train";
import { createRng } from "../util/random";
import type { SparseVector } from "../text/sparse";

// Topics with their own words over shared background words, some rows with odd text: CJK runs
// (character bigrams), hex ids and numbers (marker tokens), no description, a description past the
// 2,000 characters read, and a title long enough to hit the character n-gram budget.
function incidents(n: number, seed: number): LabelledIncident[] {
  const rng = createRng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
  const background = ["service", "users", "error", "after", "deploy", "since", "morning", "intermittent", "the", "not", "working"];
  const topics = ["vpn tunnel dns resolver", "printer toner jam tray", "disk full volume quota", "login password sso token", "payment checkout card declined"].map((t) => t.split(" "));
  return Array.from({ length: n }, (_, i) => {
    const t = Math.floor(rng() * topics.length);
    const words = (k: number) => Array.from({ length: k }, () => (rng() < 0.5 ? pick(topics[t]) : pick(background))).join(" ");
    let description: string | undefined = words(12);
    if (i % 11 === 0) description = undefined;
    if (i % 13 === 0) description = `${words(6)} host 0xdeadbeef 93% ${"x".repeat(2_100)} ${words(4)}`;
    return {
      // Row 7's title (titles are not capped) has more known character n-grams than one incident may count.
      title: (i === 7 ? words(3_000) : words(4)) + (i % 9 === 0 ? " 東京サーバー停止" : ""),
      description,
      service: i % 3 ? `Svc-${t}` : null,
      category: `cat ${t % 3}`,
      label: rng() < 0.15 ? `team-${Math.floor(rng() * 4)}` : `team-${t % 4}`,
    };
  });
}

function same(a: SparseVector, b: SparseVector): boolean {
  return a.indices.length === b.indices.length && a.indices.every((v, i) => v === b.indices[i]) && a.values.every((v, i) => v === b.values[i]);
}

describe("IncidentTextCache", () => {
  const rows = incidents(600, 5);
  const unseen: IncidentText[] = [...incidents(80, 99), { title: "completely new words qqq zzz", description: "nothing known here" }, { title: "" }];

  it("fits the same vocabulary and IDF as the string path and gives the same vectors, bit for bit", () => {
    const cache = new IncidentTextCache();
    const alone = IncidentFeaturizer.fit(rows.slice(0, 400));
    const shared = IncidentFeaturizer.fitCached(cache, rows.slice(0, 400));
    expect(shared.toJSON()).toEqual(alone.toJSON());
    for (const x of [...rows, ...unseen]) expect(same(shared.transformCached(cache, x), alone.transform(x))).toBe(true);
  });

  it("serves several featurizers fitted on different rows from one cache", () => {
    const cache = new IncidentTextCache();
    const first = IncidentFeaturizer.fitCached(cache, rows.slice(0, 300), { maxWordFeatures: 200 });
    const second = IncidentFeaturizer.fitCached(cache, rows.slice(300), { titleWeight: 3 });
    expect(first.toJSON()).toEqual(IncidentFeaturizer.fit(rows.slice(0, 300), { maxWordFeatures: 200 }).toJSON());
    expect(second.toJSON()).toEqual(IncidentFeaturizer.fit(rows.slice(300), { titleWeight: 3 }).toJSON());
    for (const x of unseen) {
      expect(same(first.transformCached(cache, x), first.transform(x))).toBe(true);
      expect(same(second.transformCached(cache, x), second.transform(x))).toBe(true);
    }
  });

  it("is not used by a featurizer that reads text differently", () => {
    const cache = new IncidentTextCache();
    expect(() => IncidentFeaturizer.fitCached(cache, rows, { charNgrams: [3, 4] })).toThrow(/other n-gram/);
    // A model saved before fieldWeightAfterTf: its vectors come from the string path.
    const state = JSON.parse(JSON.stringify(IncidentFeaturizer.fit(rows).toJSON()));
    delete state.opts.fieldWeightAfterTf;
    const legacy = IncidentFeaturizer.fromJSON(state);
    expect(legacy.canUse(cache)).toBe(false);
    for (const x of rows.slice(0, 30)) expect(same(legacy.transformCached(cache, x), legacy.transform(x))).toBe(true);
  });
});

describe("trainClassifier with a shared text cache", () => {
  it("trains models that are the same as ones trained alone and predict the same", async () => {
    const rows = incidents(700, 8);
    const cache = new IncidentTextCache();
    // Two models over one cache, as a retraining does (the second without the category it would predict).
    const byTeam = rows;
    const byCategory = rows.map(({ category, ...r }) => ({ ...r, label: category! }));
    for (const [examples, objective] of [
      [byTeam, "accuracy"],
      [byCategory, "macro_f1"],
    ] as const) {
      const alone = await trainClassifier(examples, { seed: 2, objective });
      const shared = await trainClassifier(examples, { seed: 2, objective, textCache: cache });
      const strip = (a: ReturnType<typeof alone.toArtifact>) => ({ ...a, trainedAt: "" });
      expect(strip(shared.toArtifact())).toEqual(strip(alone.toArtifact()));
      for (const x of incidents(60, 31)) {
        const p = alone.predict(x, { explain: false });
        expect(shared.predict(x, { explain: false, textCache: cache })).toEqual(p);
        expect(shared.predict(x)).toMatchObject({ label: p.label, confidence: p.confidence });
      }
    }
  });
});
