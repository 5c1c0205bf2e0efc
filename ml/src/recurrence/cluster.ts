import type { SimilarIncidentIndex } from "../similar/similar-index";
import { DEFAULT_FUSION, type FusionOptions } from "../similar/fusion";
import { PairScorer, type EvidenceWeights, type IncidentFeatures, type RecurrenceIncident } from "./features";
import { AssignedNeighbours } from "./neighbours";
import { OrderedDenseSearch } from "./ordered-dense";
import type { VectorHit } from "../similar/ivf-index";

/** Incidents whose dense neighbours a rebuild finds per batch of products (2,048 x 100 hits held at once). */
const DENSE_BLOCK = 2_048;

export interface RecurrenceOptions extends EvidenceWeights {
  /** Mean similarity to a group's members that an incident needs to join it. */
  threshold: number;
  /** Nearest earlier incidents (by similar-incident search) whose groups are considered. */
  neighbours: number;
  /** A new incident is compared with at most this many of a group's latest members. */
  maxMembersCompared: number;
  /**
   * How neighbour lookup and pair scores fuse dense and BM25 evidence: the clusterer's own, not the
   * index's, so one index serves similar-incident search (its learned weights) and recurrence.
   */
  fusion: FusionOptions;
}

/**
 * Production defaults, chosen on the older 80 % of SeaMonkey (by Created) only, with
 * `npm run bench:ml-tune-recurrence` (the newest 20 % was never read). Pair F1 there was flat,
 * 0.64-0.68, for thresholds 0.35-0.45 (0.61 at 0.5, 0.45 at 0.55); 0.45 is the top of the plateau
 * and the only one at precision 1.0: a candidate a problem manager cannot trust costs more than a
 * missed one. A time bonus of 0.1 with a 14-day window added recall (0.47 to 0.50 at 0.45); 7 or
 * 30 days, 5 or 20 neighbours changed F1 by under 0.01. The service weight cannot be tuned there
 * (the bugs have no service); it is half the time weight, so a shared service alone never joins
 * two incidents whose text differs. fullDenseCoverage: F1 was 0.667 for every value from 0.05 to
 * 0.5 and 0.52 at 1 (most bug texts are well covered); 0.3 is mid-plateau and still shrinks the
 * dense side of incidents whose only known word is a number marker (coverage about 0.1).
 */
export const DEFAULT_RECURRENCE: RecurrenceOptions = {
  threshold: 0.45,
  neighbours: 10,
  maxMembersCompared: 30,
  timeWeight: 0.1,
  timeWindowDays: 14,
  serviceWeight: 0.05,
  fullDenseCoverage: 0.3,
  // Tuned with it (recency off: recurrence has its own time evidence).
  fusion: DEFAULT_FUSION,
};

export interface Assignment {
  /** The group's key: the id of the incident that started it (stable across rebuilds in time order). */
  key: string;
  /** True when the incident joined an existing group, false when it started one. */
  joined: boolean;
  /** Mean similarity to the group's compared members (0 for a new group). */
  score: number;
}

/**
 * Incremental clustering of recurring incidents, as in single-pass topic detection: each incident,
 * in the order it arrives, joins the group of its nearest earlier incidents whose members it is
 * most similar to on average (average link, which does not chain as single link does), when that
 * mean reaches the threshold; otherwise it starts a group of its own. Candidate groups are those of
 * the incidents similar-incident search ranks first among the ones already assigned
 * (AssignedNeighbours: the search's ranking, with postings over assigned incidents only), so a pass
 * costs one such lookup per incident. A full rebuild is the same pass over all incidents in creation
 * order, so incremental assignment of incidents arriving in order gives exactly the groups a
 * rebuild gives.
 */
export class RecurrenceClusterer {
  readonly scorer: PairScorer;
  readonly options: RecurrenceOptions;
  private readonly groupOf = new Map<string, string>();
  private readonly members = new Map<string, string[]>();
  private readonly neighbours: AssignedNeighbours;
  /** Incidents per batch of dense products in a rebuild (tests make it small to cross blocks). */
  protected denseBlock = DENSE_BLOCK;

  constructor(
    readonly index: SimilarIncidentIndex,
    opts: Partial<RecurrenceOptions> = {},
  ) {
    this.options = { ...DEFAULT_RECURRENCE, ...opts };
    this.scorer = new PairScorer(index, this.options, this.options.fusion);
    this.neighbours = new AssignedNeighbours(index, this.scorer);
  }

  /** Builds the groups from scratch: every incident, oldest first (ties by id). */
  static rebuild<C extends RecurrenceClusterer>(
    this: new (index: SimilarIncidentIndex, opts?: Partial<RecurrenceOptions>) => C,
    index: SimilarIncidentIndex,
    incidents: readonly RecurrenceIncident[],
    opts: Partial<RecurrenceOptions> = {},
  ): C {
    const c = new this(index, opts);
    const ordered = [...incidents].sort(byCreation);
    // Index and featurise everything first so that BM25 document frequencies are those of the whole
    // history, whatever the order of assignment.
    for (const x of ordered) {
      if (!index.bm25.has(x.id)) index.add({ ...x, description: x.description ?? "" });
      c.scorer.add(x);
    }
    c.placeInOrder(ordered);
    return c;
  }

  get size(): number {
    return this.groupOf.size;
  }

  groupKeyOf(id: string): string | undefined {
    return this.groupOf.get(id);
  }

  /**
   * Assigns one incident as it arrives (or again after its text changed), adding it to the search
   * index when it is not there yet.
   */
  assign(x: RecurrenceIncident): Assignment {
    this.unassign(x.id);
    if (!this.index.bm25.has(x.id)) this.index.add({ ...x, description: x.description ?? "" });
    return this.place(x, this.scorer.add(x));
  }

  /**
   * Places incidents in creation order (a rebuild). Their dense neighbours are found ahead, a block
   * at a time, by matrix products (OrderedDenseSearch); the rest of the lookup and the decision are
   * assign()'s, one incident after another.
   */
  protected placeInOrder(ordered: readonly RecurrenceIncident[]): void {
    const block = this.denseBlock;
    const features = ordered.map((x) => this.scorer.get(x.id)!);
    const dense = new OrderedDenseSearch(
      this.index,
      ordered.map((x) => x.id),
      features.map((f) => f.vector),
      Math.max(this.index.candidates, this.options.neighbours),
    );
    for (let start = 0; start < ordered.length; start += block) {
      const end = Math.min(ordered.length, start + block);
      const hits = dense.block(start, end);
      for (let i = start; i < end; i++) this.place(ordered[i], features[i], hits[i - start]);
    }
  }

  /** Ids of the nearest incidents already assigned, best first (`dense`: its ANN hits, when found ahead). */
  protected nearestAssigned(x: RecurrenceIncident, f: IncidentFeatures, dense?: readonly VectorHit[]): string[] {
    const qVec = f.vector ?? this.index.embedder.embed([{ title: x.title, description: x.description ?? "" }])[0];
    return this.neighbours.nearest(f, qVec, this.options.neighbours, this.index.candidates, dense);
  }

  protected place(x: RecurrenceIncident, f: IncidentFeatures, dense?: readonly VectorHit[]): Assignment {
    let best: Assignment | null = null;
    for (const key of new Set(this.nearestAssigned(x, f, dense).map((id) => this.groupOf.get(id)!))) {
      const score = this.meanSimilarity(f, key);
      if (score >= this.options.threshold && (!best || score > best.score || (score === best.score && key < best.key))) {
        best = { key, joined: true, score };
      }
    }
    const assignment = best ?? { key: x.id, joined: false, score: 0 };
    this.groupOf.set(x.id, assignment.key);
    this.neighbours.add(f);
    const list = this.members.get(assignment.key);
    if (list) list.push(x.id);
    else this.members.set(assignment.key, [x.id]);
    return assignment;
  }

  /** Takes an incident out of its group (deleted, or about to be reassigned). */
  unassign(id: string): void {
    const key = this.groupOf.get(id);
    if (key === undefined) return;
    this.groupOf.delete(id);
    this.neighbours.remove(id);
    const list = this.members.get(key)!.filter((m) => m !== id);
    if (list.length) this.members.set(key, list);
    else this.members.delete(key);
  }

  /** Groups of at least `minSize` incidents, members in the order they joined. */
  groups(minSize = 2): Array<{ key: string; ids: string[] }> {
    const out: Array<{ key: string; ids: string[] }> = [];
    for (const [key, ids] of this.members) if (ids.length >= minSize) out.push({ key, ids: [...ids] });
    return out;
  }

  private meanSimilarity(f: IncidentFeatures, key: string): number {
    const ids = this.members.get(key)!;
    const compared = ids.slice(-this.options.maxMembersCompared);
    let sum = 0;
    for (const id of compared) sum += this.scorer.similarity(f, this.scorer.get(id)!);
    return sum / compared.length;
  }
}

/**
 * The pass as it was first written: neighbours from similar-incident search itself, filtered to
 * assigned incidents (every posting of every query word scored, then most dropped). Kept as the
 * reference the fast path must agree with (unit tests) and as the benchmark's yardstick.
 */
export class SearchRecurrenceClusterer extends RecurrenceClusterer {
  protected override placeInOrder(ordered: readonly RecurrenceIncident[]): void {
    for (const x of ordered) this.place(x, this.scorer.get(x.id)!);
  }

  protected override nearestAssigned(x: RecurrenceIncident): string[] {
    return this.index
      .search(x, { k: this.options.neighbours, excludeId: x.id, filter: (id) => this.groupKeyOf(id) !== undefined, fusion: this.options.fusion })
      .map((h) => h.id);
  }
}

export function byCreation(a: RecurrenceIncident, b: RecurrenceIncident): number {
  const ta = a.createdAt ? a.createdAt.getTime() : -Infinity;
  const tb = b.createdAt ? b.createdAt.getTime() : -Infinity;
  return ta !== tb ? (ta < tb ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
