import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimilarIncidentIndex } from "@quell/ml";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { bytesToVector } from "../../src/modules/model/model.artifact";
import { ModelKind } from "../../src/modules/model/model.entity";
import { storeEmbeddings, type EmbedderBundle } from "../../src/modules/model/model.training";
import { RecurrenceEngine } from "../../src/modules/problem/recurrence.engine";
import { SimilarStore, type IndexableIncident } from "../../src/modules/suggestion/similar.store";
import { TriageEngine } from "../../src/modules/suggestion/triage.engine";
import { seedFixture, startTestApi, type Fixture } from "../support/harness";
import { seedHistoryAndTrain } from "../support/triage-history";

/** Counts, per incident, how often the index files it (a stored version filed twice is a double). */
function countAdds(index: SimilarIncidentIndex): { counts: Map<string, number>; restore: () => void } {
  const counts = new Map<string, number>();
  const bump = (id: string) => counts.set(id, (counts.get(id) ?? 0) + 1);
  const one = index.addWithVector;
  const many = index.addManyWithVectors;
  index.addWithVector = (x, v) => {
    bump(x.id);
    one.call(index, x, v);
  };
  index.addManyWithVectors = async (xs, vs) => {
    for (const x of xs) bump(x.id);
    await many.call(index, xs, vs);
  };
  return {
    counts,
    restore: () => {
      index.addWithVector = one;
      index.addManyWithVectors = many;
    },
  };
}

const cosine = (a: Float32Array, b: Float32Array) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
};

describe("one similar-incident index per embedder per process, shared by triage and recurrence", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  let triage: TriageEngine;
  let recurrence: RecurrenceEngine;

  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
    await seedHistoryAndTrain(t.api, [f.team.id], 10);
    triage = new TriageEngine(t.api.dataSource, t.api.services.models, t.api.services.suggestions);
    recurrence = new RecurrenceEngine(t.api.dataSource, t.api.services.models, t.api.services.recurrence, t.api.services.recurrence.options.clock);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const embedderId = async () => (await t.api.services.models.activeModels()).find((m) => m.kind === ModelKind.embedder)!.id;
  const embeddingsOf = async (modelId: string) =>
    (await t.api.dataSource.query(`SELECT incident_id, vector FROM incident_embedding WHERE model_id = $1`, [modelId])) as Array<{ incident_id: string; vector: Buffer }>;
  const createIncident = async (title: string, description: string): Promise<IndexableIncident> => {
    const created = await t.api.services.incidents.create(SYSTEM_ACTOR, { title, description, serviceId: f.service.id, impact: 2, urgency: 2 });
    return { id: created.id, title, description, service: f.service.name, createdAt: created.createdAt };
  };
  /** Counts the loads of the embedder's bundle: each is one index built. */
  const countBundleLoads = () => {
    const models = t.api.services.models;
    const load = models.loadArtifact;
    const loads: string[] = [];
    models.loadArtifact = <T>(id: string) => {
      loads.push(id);
      return load.call(models, id) as Promise<T>;
    };
    return { loads, restore: () => (models.loadArtifact = load) };
  };

  it("gives a triage engine and a recurrence engine the same index, built once and holding each incident once", async () => {
    const modelId = await embedderId();
    const bundleLoads = countBundleLoads();
    try {
      // Both engines' first jobs at once: one opening serves both.
      await Promise.all([triage.refresh(), recurrence.run("rebuild")]);
    } finally {
      bundleLoads.restore();
    }
    const store = triage.similarStore!;
    expect(store).not.toBeNull();
    expect(recurrence.similarStore).toBe(store);
    expect(store.modelId).toBe(modelId);
    expect(bundleLoads.loads.filter((id) => id === modelId)).toHaveLength(1);
    expect(SimilarStore.readersOf(t.api.dataSource, modelId)).toBe(2);
    const [{ n }] = (await t.api.dataSource.query(`SELECT count(*)::int AS n FROM incident`)) as Array<{ n: number }>;
    expect(store.index.size).toBe(n);
    expect(await embeddingsOf(modelId)).toHaveLength(n);

    // An incident triage indexed is the one recurrence assigns: it is not added again.
    const adds = countAdds(store.index);
    try {
      const x = await createIncident("Postgres primary replication lag after failover", "replication on the database primary lags, connection pool timeout");
      await triage.triage(x.id);
      expect(store.index.size).toBe(n + 1);
      const pass = await recurrence.run("incremental");
      expect(pass).toMatchObject({ mode: "incremental", incidents: 1 });
      expect(store.index.size).toBe(n + 1);
      expect([...adds.counts]).toEqual([[x.id, 1]]);
    } finally {
      adds.restore();
    }
  });

  it("moves both engines to the new index when the embedder changes, and drops the old once neither reads it", async () => {
    const old = triage.similarStore!;
    const bundle = await t.api.services.models.loadArtifact<EmbedderBundle>(old.modelId);
    const next = await t.api.services.models.register(
      { kind: ModelKind.embedder, trainingFrom: null, trainingTo: null, nExamples: bundle.lsa.trainedOn, metrics: {}, artifact: bundle, trainingRunId: null },
      true,
    );
    await triage.refresh();
    const fresh = triage.similarStore!;
    expect(fresh.modelId).toBe(next.id);
    expect(fresh).not.toBe(old);
    // Recurrence has not run since: it still holds the old one, so it is kept for it.
    expect(SimilarStore.readersOf(t.api.dataSource, old.modelId)).toBe(1);
    expect(recurrence.similarStore).toBe(old);

    expect((await recurrence.run("incremental")).mode).toBe("rebuild");
    expect(recurrence.similarStore).toBe(fresh);
    expect(SimilarStore.readersOf(t.api.dataSource, old.modelId)).toBe(0);
    expect(SimilarStore.readersOf(t.api.dataSource, next.id)).toBe(2);
    const [{ n }] = (await t.api.dataSource.query(`SELECT count(*)::int AS n FROM incident`)) as Array<{ n: number }>;
    expect(fresh.index.size).toBe(n);
    // A third reader gets the open index: nothing is loaded or built again.
    const third = await SimilarStore.shared(t.api.dataSource, next.id, () => Promise.reject(new Error("opened a second index")));
    expect(third).toBe(fresh);
    third.release();
    expect(SimilarStore.readersOf(t.api.dataSource, next.id)).toBe(2);
    // The dropped index is not handed out again: a reader of the old model opens a new one.
    const reopened = await SimilarStore.shared(t.api.dataSource, old.modelId, () => t.api.services.models.loadArtifact<EmbedderBundle>(old.modelId));
    expect(reopened).not.toBe(old);
    // A stray release by the dropped one does not count against the reopened one's reader.
    old.release();
    expect(SimilarStore.readersOf(t.api.dataSource, old.modelId)).toBe(1);
    reopened.release();
    expect(SimilarStore.readersOf(t.api.dataSource, old.modelId)).toBe(0);
  });

  it("serialises two readers' syncs and upserts: every stored vector is filed once, none is missed, the newest wins", async () => {
    const modelId = await embedderId();
    const load = () => t.api.services.models.loadArtifact<EmbedderBundle>(modelId);
    const [a, b] = await Promise.all([SimilarStore.shared(t.api.dataSource, modelId, load), SimilarStore.shared(t.api.dataSource, modelId, load)]);
    expect(a).toBe(b);
    const adds = countAdds(a.index);
    try {
      const embedder = a.index.embedder;
      const store = async (xs: IndexableIncident[]) => {
        const flat = new Float32Array(xs.length * embedder.dim);
        embedder.embed(xs).forEach((v, i) => flat.set(v, i * embedder.dim));
        await storeEmbeddings(t.api.dataSource, modelId, xs.map((x) => x.id), flat, embedder.dim);
      };
      for (let round = 0; round < 3; round++) {
        // Embedded by another worker (found by sync), and new ones both readers index at once.
        const elsewhere = [];
        for (let i = 0; i < 4; i++) elsewhere.push(await createIncident(`VPN router drops packets ${round}-${i}`, `network firewall latency, packet loss on switch ${i}`));
        await store(elsewhere);
        const here = [];
        for (let i = 0; i < 4; i++) here.push(await createIncident(`SSO login locked ${round}-${i}`, `account locked after password reset, mfa token ${i}`));
        // Edited after another worker embedded its old text: the reader's upsert of the new text must win.
        const edited = await createIncident(`DNS latency ${round}`, "dns latency on the router");
        await store([edited]);
        const newText = { ...edited, title: `LDAP permission denied ${round}`, description: "ldap permission denied for the account" };
        await t.api.dataSource.query(`UPDATE incident SET title = $2, description = $3 WHERE id = $1`, [edited.id, newText.title, newText.description]);

        await Promise.all([a.sync(), b.upsert([...here, newText]), a.upsertMissing([...here, ...elsewhere]), b.sync(), a.sync(), b.upsertMissing(here)]);

        for (const x of [...elsewhere, ...here]) expect(adds.counts.get(x.id), x.title).toBe(1);
        const [stored] = (await t.api.dataSource.query(`SELECT vector FROM incident_embedding WHERE incident_id = $1 AND model_id = $2`, [edited.id, modelId])) as Array<{ vector: Buffer }>;
        expect(cosine(bytesToVector(stored.vector), embedder.embed([newText])[0])).toBeGreaterThan(0.999);
        // The index keeps int16 codes in the stored bundle's ranges (clamped, so not exact): the new text's vector, not the old one's.
        const filed = a.index.ann.getVector(edited.id)!;
        expect(cosine(filed, embedder.embed([newText])[0])).toBeGreaterThan(0.9);
        expect(cosine(filed, embedder.embed([edited])[0])).toBeLessThan(0.5);
        expect(a.index.bm25.termsOfId(edited.id)).toContain("ldap");
      }
      // Nothing missed: every stored vector is in the index, and a further sync finds nothing new.
      const rows = await embeddingsOf(modelId);
      expect(a.index.size).toBe(rows.length);
      for (const r of rows) expect(a.index.bm25.has(r.incident_id)).toBe(true);
      const before = [...adds.counts];
      await Promise.all([a.sync(), b.sync()]);
      expect([...adds.counts]).toEqual(before);
    } finally {
      adds.restore();
      a.release();
      b.release();
    }
  });
});
