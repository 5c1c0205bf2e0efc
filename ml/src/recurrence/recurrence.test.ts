import { describe, expect, it } from "vitest";
import * as path from "node:path";
import { readIncidentCsvFile, type IncidentRow } from "../data/incidents";
import { LsaEmbedder } from "../similar/lsa-embedder";
import { SimilarIncidentIndex } from "../similar/similar-index";
import { IvfIndex } from "../similar/ivf-index";
import { DEFAULT_FUSION, SIMILAR_INCIDENT_FUSION } from "../similar/fusion";
import { createRng } from "../util/random";
import { RecurrenceClusterer, SearchRecurrenceClusterer, DEFAULT_RECURRENCE, byCreation } from "./cluster";
import type { RecurrenceIncident } from "./features";
import { clusterEvidence } from "./evidence";
import { goldGroups, pairScores, tfidfSingleLink } from "./evaluate";

const FIXTURE = path.join(__dirname, "../../test/fixtures/recurrence.csv");

async function fixture(): Promise<{ rows: IncidentRow[]; embedder: LsaEmbedder }> {
  const { rows } = await readIncidentCsvFile(FIXTURE);
  return { rows, embedder: await LsaEmbedder.fit(rows, { seed: 7 }) };
}

const groupsOf = (c: RecurrenceClusterer) => c.groups(2).map((g) => [...g.ids].sort().join(","));

describe("recurrence clustering on a hand-made history", () => {
  it("groups the three recurring issues exactly and leaves the one-off incidents alone", async () => {
    const { rows, embedder } = await fixture();
    const c = RecurrenceClusterer.rebuild(new SimilarIncidentIndex(embedder), rows);
    expect(groupsOf(c).sort()).toEqual(["R1,R2,R3,R4", "R10,R8,R9", "R5,R6,R7"]);
    expect(c.groups(1)).toHaveLength(3 + 5);
    // The key of a group is its oldest incident, so it survives a rebuild.
    expect(c.groupKeyOf("R4")).toBe("R1");
    expect(c.groupKeyOf("R10")).toBe("R8");
  });

  it("gives the same groups when incidents arrive one by one in time order as a full rebuild", async () => {
    const { rows, embedder } = await fixture();
    const rebuilt = RecurrenceClusterer.rebuild(new SimilarIncidentIndex(embedder), rows);
    const incremental = new RecurrenceClusterer(new SimilarIncidentIndex(embedder));
    for (const r of [...rows].sort(byCreation)) incremental.assign(r);
    expect(groupsOf(incremental).sort()).toEqual(groupsOf(rebuilt).sort());
  });

  it("lets a new incident join the group it recurs in, and starts a group for one that matches nothing", async () => {
    const { rows, embedder } = await fixture();
    const c = RecurrenceClusterer.rebuild(new SimilarIncidentIndex(embedder), rows.filter((r) => r.id !== "R7"));
    const r7 = rows.find((r) => r.id === "R7")!;
    const joined = c.assign(r7);
    expect(joined).toMatchObject({ key: "R5", joined: true });
    expect(joined.score).toBeGreaterThanOrEqual(DEFAULT_RECURRENCE.threshold);
    const alone = c.assign({ id: "N1", title: "Badge reader at the loading dock rejects cards", description: "", createdAt: new Date("2024-03-20T00:00:00Z") });
    expect(alone).toEqual({ key: "N1", joined: false, score: 0 });
  });

  it("adds time and service evidence: the full weights at the same moment on one service, decaying with the gap", async () => {
    const { rows, embedder } = await fixture();
    const c = RecurrenceClusterer.rebuild(new SimilarIncidentIndex(embedder), rows);
    const f = (id: string) => c.scorer.get(id)!;
    const { timeWeight, timeWindowDays, serviceWeight } = DEFAULT_RECURRENCE;
    // R1 and R14 share nothing but the team; 11 days and an hour apart, different services.
    expect(c.scorer.evidenceBonus(f("R1"), f("R14"))).toBeCloseTo(timeWeight * Math.exp(-(11 + 1 / 24) / timeWindowDays), 10);
    // R5 and R6 are on one service, 7 days apart.
    expect(c.scorer.evidenceBonus(f("R5"), f("R6"))).toBeCloseTo(timeWeight * Math.exp(-7 / timeWindowDays) + serviceWeight, 10);
    expect(c.scorer.similarity(f("R5"), f("R6")) - c.scorer.textSimilarity(f("R5"), f("R6"))).toBeCloseTo(c.scorer.evidenceBonus(f("R5"), f("R6")), 10);
    // Text similarity is symmetric and 1 for an incident with itself.
    expect(c.scorer.textSimilarity(f("R1"), f("R3"))).toBeCloseTo(c.scorer.textSimilarity(f("R3"), f("R1")), 10);
    expect(c.scorer.textSimilarity(f("R2"), f("R2"))).toBeCloseTo(1, 5);
    expect(c.scorer.textSimilarity(f("R1"), f("R11"))).toBe(0);
  });

  it("states each group's evidence: members, span, services and teams, shared words, cohesion, rate and open time", async () => {
    const { rows, embedder } = await fixture();
    const c = RecurrenceClusterer.rebuild(new SimilarIncidentIndex(embedder), rows);
    const vpn = c.groups(2).find((g) => g.key === "R1")!;
    const e = clusterEvidence(c.scorer, vpn.key, vpn.ids, new Date("2024-03-10T21:00:00Z"));
    expect(e.incidentIds).toEqual(["R1", "R2", "R3", "R4"]);
    expect(e.firstAt).toEqual(new Date("2024-03-01T09:00:00Z"));
    expect(e.lastAt).toEqual(new Date("2024-03-10T09:00:00Z"));
    expect(e.spanDays).toBe(9);
    expect(e.services).toEqual([{ name: "vpn", incidents: 4 }]);
    expect(e.teams).toEqual([
      { name: "network", incidents: 3 },
      { name: "service desk", incidents: 1 },
    ]);
    expect(e.topTerms).toEqual(expect.arrayContaining(["vpn", "tunnel", "remote", "staff"]));
    expect(e.topTerms).not.toContain("xnumx");
    expect(e.cohesion).toBeGreaterThan(0.5);
    expect(e.cohesion).toBeLessThanOrEqual(1);
    expect(e.perWeek).toBeCloseTo(4 / (9 / 7), 10);
    // 2 + 1 + 3 hours resolved, R4 open for 12 hours until `now`.
    expect(e.openHours).toBeCloseTo(18, 10);
    // A span under a week counts as a week.
    const short = clusterEvidence(c.scorer, "x", ["R1", "R2"], new Date("2024-03-20T00:00:00Z"));
    expect(short.perWeek).toBe(2);
  });
});

describe("recurrence scoring", () => {
  it("builds gold groups from duplicate_of links, transitively, ignoring links to rows outside the file", () => {
    const gold = goldGroups([
      { id: "a", duplicateOf: null },
      { id: "b", duplicateOf: "a" },
      { id: "c", duplicateOf: "b" },
      { id: "d", duplicateOf: "zz" },
      { id: "e", duplicateOf: null },
      { id: "f", duplicateOf: "e" },
    ]);
    expect([...gold.keys()].sort()).toEqual(["a", "b", "c", "e", "f"]);
    expect(gold.get("a")).toBe(gold.get("c"));
    expect(gold.get("a")).not.toBe(gold.get("e"));
  });

  it("counts pair precision and recall by hand over rows in gold groups only", () => {
    const gold = new Map([
      ["a", 0],
      ["b", 0],
      ["c", 0],
      ["d", 1],
      ["e", 1],
    ]);
    const predicted = new Map<string, string>([
      ["a", "X"],
      ["b", "X"],
      ["c", "Y"],
      ["d", "Y"],
      ["e", "Z"],
      ["f", "Z"],
      ["g", "W"],
    ]);
    // Predicted pairs among gold rows: (a,b) right, (c,d) wrong. Gold pairs: ab, ac, bc, de.
    const s = pairScores(gold, predicted);
    expect(s.pair_precision).toBe(0.5);
    expect(s.pair_recall).toBe(0.25);
    expect(s.pair_f1).toBeCloseTo(1 / 3, 10);
    // Groups of two or more over all rows: X, Y and Z (e with the non-gold f).
    expect(s.clusters).toBe(3);
    expect(s.largest_cluster).toBe(2);
  });

  it("the single-link baseline chains: two rows that share nothing end up together through a third", () => {
    const rows = [
      { id: "a", title: "orders database disk full" },
      { id: "b", title: "orders database disk full vpn tunnel down" },
      { id: "c", title: "vpn tunnel down" },
      { id: "d", title: "printer jammed" },
    ];
    const groups = tfidfSingleLink(rows, 0.3);
    expect(groups.get("a")).toBe(groups.get("c"));
    expect(groups.get("d")).not.toBe(groups.get("a"));
  });
});

describe("recurrence with an embedder that predates the words", () => {
  it("groups incidents whose words the embedder never saw on their shared words alone", async () => {
    const { rows } = await readIncidentCsvFile(FIXTURE);
    // Fitted on the printer, laptop and wifi tickets only: no word of the recurring incidents is known.
    const embedder = await LsaEmbedder.fit(rows.filter((r) => ["R11", "R12", "R13", "R14", "R15"].includes(r.id)), { seed: 7, minDf: 1 });
    const recurring = rows.filter((r) => Number(r.id.slice(1)) <= 10);
    expect(embedder.embed(recurring).every((v) => v.every((x) => x === 0))).toBe(true);
    const c = RecurrenceClusterer.rebuild(new SimilarIncidentIndex(embedder), rows);
    expect(groupsOf(c).sort()).toEqual(["R1,R2,R3,R4", "R10,R8,R9", "R5,R6,R7"]);
  });

  it("does not join two unrelated incidents because the only word the embedder knows in each is a number", async () => {
    // A number in a third of the history, so the number marker is in the embedder's vocabulary.
    const history = Array.from({ length: 12 }, (_, i) => ({ id: `h${i}`, title: i % 3 ? "checkout payment gateway declined" : `checkout returns http ${500 + i}`, description: "card payment errors" }));
    const embedder = await LsaEmbedder.fit(history, { seed: 7 });
    const at = new Date("2024-03-01T00:00:00Z");
    const late = { id: "n1", title: "Order confirmation emails delayed by 20 minutes", description: "customers see confirmation emails arriving late", createdAt: at };
    const backup = { id: "n2", title: "Nightly backup job times out after 4 hours", description: "the storage array backup timed out", createdAt: at };
    // Both vectors stand for the number marker alone, so they point the same way.
    const [v1, v2] = embedder.embed([late, backup]);
    expect(v1.reduce((s, x, i) => s + x * v2[i], 0)).toBeGreaterThan(0.9);
    const c = RecurrenceClusterer.rebuild(new SimilarIncidentIndex(embedder), [...history.map((h, i) => ({ ...h, createdAt: new Date(at.getTime() - (i + 1) * 86_400_000) })), late, backup]);
    expect(c.groupKeyOf("n2")).not.toBe(c.groupKeyOf("n1"));
    // Opened at the same moment, yet below the joining threshold.
    expect(c.scorer.similarity(c.scorer.get("n1")!, c.scorer.get("n2")!)).toBeLessThan(DEFAULT_RECURRENCE.threshold);
  });
});

/** The fast path with small dense blocks, so a few hundred incidents cross many block boundaries. */
class SmallBlockClusterer extends RecurrenceClusterer {
  protected override denseBlock = 37;
}

/**
 * Seeded history: 12 recurring issues (their own words plus a topic's), over a shared background
 * whose commonest words are in most incidents, so BM25's long lists and MaxScore's pruning matter.
 */
function generatedHistory(n: number, seed: number): RecurrenceIncident[] {
  const rng = createRng(seed);
  const word = (prefix: string, i: number) => `${prefix}${i.toString(36)}z`;
  const background = Array.from({ length: 150 }, (_, i) => word("bg", i));
  const pick = (list: readonly string[], skew: number) => list[Math.floor(list.length * Math.pow(rng(), skew))];
  const start = Date.UTC(2024, 0, 1);
  return Array.from({ length: n }, (_, i) => {
    const issue = Math.floor(rng() * 40);
    const own = Array.from({ length: 6 }, (_, w) => word(`is${issue}w`, w));
    const topic = Array.from({ length: 10 }, (_, w) => word(`tp${issue % 4}w`, w));
    const text = (nOwn: number, nTopic: number, nBg: number) =>
      [...Array.from({ length: nOwn }, () => pick(own, 1)), ...Array.from({ length: nTopic }, () => pick(topic, 1)), ...Array.from({ length: nBg }, () => pick(background, 3))].join(" ");
    return {
      id: `g${i.toString().padStart(4, "0")}`,
      title: text(issue < 12 ? 2 : 0, 1, 2),
      description: text(issue < 12 ? 3 : 0, 3, 12),
      service: `svc-${issue % 5}`,
      createdAt: new Date(start + Math.floor(rng() * 200) * 86_400_000),
    };
  });
}

describe("the fast neighbour lookup gives the groups of the search-based pass", () => {
  const keysOf = (c: RecurrenceClusterer, xs: readonly { id: string }[]) => xs.map((x) => `${x.id}:${c.groupKeyOf(x.id)}`);

  it("on the hand-made history", async () => {
    const { rows, embedder } = await fixture();
    const fast = RecurrenceClusterer.rebuild(new SimilarIncidentIndex(embedder), rows);
    const reference = SearchRecurrenceClusterer.rebuild(new SimilarIncidentIndex(embedder), rows);
    expect(keysOf(fast, rows)).toEqual(keysOf(reference, rows));
  });

  it("on 400 generated incidents, with the flat index and with a trained IVF index, across dense blocks", async () => {
    const history = generatedHistory(400, 3);
    const embedder = await LsaEmbedder.fit(history, { seed: 7 });
    for (const trained of [false, true]) {
      const index = () => {
        const ix = new SimilarIncidentIndex(embedder);
        for (const x of history) ix.add({ ...x, description: x.description ?? "" });
        return ix;
      };
      const [fastIndex, referenceIndex] = [index(), index()];
      if (trained) {
        await fastIndex.optimize(100);
        await referenceIndex.optimize(100);
        expect(fastIndex.ann.trained).toBe(true);
        expect(fastIndex.ann.nlist).toBeGreaterThan(fastIndex.ann.nprobe);
      }
      const fast = SmallBlockClusterer.rebuild(fastIndex, history);
      const reference = SearchRecurrenceClusterer.rebuild(referenceIndex, history);
      expect(keysOf(fast, history)).toEqual(keysOf(reference, history));
      // Not trivially equal: the recurring issues group, the rest mostly do not.
      expect(fast.groups(3).length).toBeGreaterThanOrEqual(8);
      // Incidents arriving one by one (the incremental path) end in the same groups as the rebuild.
      const incremental = new RecurrenceClusterer(trained ? fastIndex : index());
      for (const x of [...history].sort(byCreation)) incremental.assign(x);
      expect(keysOf(incremental, history)).toEqual(keysOf(fast, history));
    }
  });

  it("fuses with the clusterer's own fusion, whatever the index's (one index serves similar-incident search too)", async () => {
    const history = generatedHistory(400, 3);
    const embedder = await LsaEmbedder.fit(history, { seed: 7 });
    const index = (fusion?: typeof DEFAULT_FUSION) => {
      const ix = new SimilarIncidentIndex(embedder, { fusion });
      for (const x of history) ix.add({ ...x, description: x.description ?? "" });
      return ix;
    };
    // An index as similar-incident search would set it (its learned weights, recency on): the
    // default clusterer on it gives the groups and pair scores it gives on a default index.
    const searchFusion = { ...SIMILAR_INCIDENT_FUSION, denseWeight: 0.2 };
    const onShared = SmallBlockClusterer.rebuild(index(searchFusion), history);
    const onOwn = SmallBlockClusterer.rebuild(index(), history);
    expect(keysOf(onShared, history)).toEqual(keysOf(onOwn, history));
    const [a, b] = onOwn.groups(3)[0].ids;
    expect(onShared.scorer.similarity(onShared.scorer.get(a)!, onShared.scorer.get(b)!)).toBe(onOwn.scorer.similarity(onOwn.scorer.get(a)!, onOwn.scorer.get(b)!));
    // A clusterer given another fusion uses it, in the fast lookup and in the search-based pass alike.
    const lexical = { ...DEFAULT_FUSION, denseWeight: 0.1 };
    const fast = SmallBlockClusterer.rebuild(index(), history, { fusion: lexical });
    const reference = SearchRecurrenceClusterer.rebuild(index(searchFusion), history, { fusion: lexical });
    expect(keysOf(fast, history)).toEqual(keysOf(reference, history));
    expect(fast.scorer.similarity(fast.scorer.get(a)!, fast.scorer.get(b)!)).not.toBe(onOwn.scorer.similarity(onOwn.scorer.get(a)!, onOwn.scorer.get(b)!));
  });

  it("with an index holding int16 codes (a stored bundle's default), rebuild and arrival order agree", async () => {
    const history = generatedHistory(400, 3);
    const embedder = await LsaEmbedder.fit(history, { seed: 7 });
    const vectors = embedder.embed(history);
    const flat = new Float32Array(history.length * embedder.dim);
    vectors.forEach((v, i) => flat.set(v, i * embedder.dim));
    const built = await IvfIndex.build(
      history.map((x) => x.id),
      flat,
      embedder.dim,
      { nlist: 16, nprobe: 4, storage: "int16" },
    );
    // As a worker opens a stored bundle: the state (cells and quantiser), then the incidents.
    const index = () => {
      const ix = new SimilarIncidentIndex(embedder, { ann: IvfIndex.fromState(built.toState()) });
      for (const x of history) ix.add({ ...x, description: x.description ?? "" });
      expect(ix.ann.storage).toBe("int16");
      expect(ix.ann.nlist).toBeGreaterThan(ix.ann.nprobe);
      return ix;
    };
    const fast = SmallBlockClusterer.rebuild(index(), history);
    const reference = SearchRecurrenceClusterer.rebuild(index(), history);
    expect(keysOf(fast, history)).toEqual(keysOf(reference, history));
    expect(fast.groups(3).length).toBeGreaterThanOrEqual(8);
    const incremental = new RecurrenceClusterer(index());
    for (const x of [...history].sort(byCreation)) incremental.assign(x);
    expect(keysOf(incremental, history)).toEqual(keysOf(fast, history));
  });
});
