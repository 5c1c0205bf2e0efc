import { createRng } from "@quell/ml";
import type { DataSource } from "typeorm";

/**
 * Synthetic incident history for the triage benchmarks: 60 topics, each with its own words and
 * a usual severity, team and category, over a shared Zipf-like background vocabulary, so the
 * classifiers and the retrieval index see realistic posting-list lengths. Inserted with
 * multi-row INSERTs (no audit, no outbox: history, not work).
 */
const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"];

function syllableWord(rng: () => number): string {
  const s = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "so", "da", "fu", "gi", "ho", "ju", "be"];
  const n = 2 + Math.floor(rng() * 2);
  let w = "";
  for (let i = 0; i < n; i++) w += s[Math.floor(rng() * s.length)];
  return w;
}

export interface SynthCatalog {
  teamIds: string[];
  serviceIds: string[];
}

export async function createCatalog(dataSource: DataSource): Promise<SynthCatalog> {
  const teams = (await dataSource.query(
    `INSERT INTO team (name, version) SELECT 'Bench team ' || g, 1 FROM generate_series(1, 12) g RETURNING id`,
  )) as Array<{ id: string }>;
  const services = (await dataSource.query(
    `INSERT INTO service (name, kind, criticality, owner_team_id, version)
     SELECT 'bench-service-' || g, 'business_service', 'medium', $1, 1 FROM generate_series(1, 40) g RETURNING id`,
    [teams[0].id],
  )) as Array<{ id: string }>;
  return { teamIds: teams.map((t) => t.id), serviceIds: services.map((s) => s.id) };
}

export function topicGenerator(seed = 11) {
  const rng = createRng(seed);
  const background = Array.from({ length: 4_000 }, () => syllableWord(rng));
  const topics = Array.from({ length: 60 }, (_, t) => ({
    words: Array.from({ length: 25 }, () => syllableWord(rng) + "x"),
    severity: SEVERITIES[t % 4],
    team: t % 12,
    category: `category-${t % 15}`,
    service: t % 40,
  }));
  const zipf = () => background[Math.floor(background.length * Math.pow(rng(), 2.5))];
  return {
    rng,
    topics,
    text(t: number, nTopic: number, nBackground: number): string {
      const words: string[] = [];
      for (let i = 0; i < nTopic; i++) words.push(topics[t].words[Math.floor(rng() * 25)]);
      for (let i = 0; i < nBackground; i++) words.splice(Math.floor(rng() * (words.length + 1)), 0, zipf());
      return words.join(" ");
    },
  };
}

/** Inserts `n` incidents created over the two years before `until`; returns nothing, fast. */
export async function insertHistory(dataSource: DataSource, catalog: SynthCatalog, n: number, onProgress?: (done: number) => void, seed = 11): Promise<void> {
  const gen = topicGenerator(seed);
  const until = Date.now() - 3600_000;
  const span = 2 * 365 * 24 * 3600_000;
  const batch = 1_000;
  for (let start = 0; start < n; start += batch) {
    const params: unknown[] = [];
    const values: string[] = [];
    for (let i = start; i < Math.min(start + batch, n); i++) {
      const t = Math.floor(gen.rng() * gen.topics.length);
      const topic = gen.topics[t];
      // 15% label noise: real history is never clean.
      const noisy = gen.rng() < 0.15;
      const created = new Date(until - span + (span * i) / n);
      params.push(
        gen.text(t, 3, 2),
        gen.text(t, 8, 14),
        noisy ? SEVERITIES[Math.floor(gen.rng() * 4)] : topic.severity,
        catalog.teamIds[noisy ? Math.floor(gen.rng() * catalog.teamIds.length) : topic.team],
        catalog.serviceIds[topic.service],
        topic.category,
        created,
        gen.rng() < 0.9 ? new Date(created.getTime() + 3600_000) : null,
      );
      const p = params.length - 8;
      values.push(
        `($${p + 1}, $${p + 2}, $${p + 3}::severity, $${p + 4}::uuid, $${p + 5}::uuid, $${p + 6}, 2, 2, 3, CASE WHEN $${p + 8}::timestamptz IS NULL THEN 'identified'::stage ELSE 'closed'::stage END, $${p + 7}::timestamptz, $${p + 7}::timestamptz, $${p + 8}::timestamptz, 1)`,
      );
    }
    await dataSource.query(
      `INSERT INTO incident (title, description, severity, team_id, service_id, category, impact, urgency, priority, stage, created_at, identified_at, closed_at, version) VALUES ${values.join(", ")}`,
      params,
    );
    onProgress?.(Math.min(start + batch, n));
  }
}
