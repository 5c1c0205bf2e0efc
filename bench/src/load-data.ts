import { execFileSync } from "node:child_process";
import pg from "pg";

/** The open stages: what an agent's queue shows. */
export const OPEN_STAGES = ["identified", "classified", "assessed"] as const;

/**
 * A bench database of its own (`bench_<name>`), created fresh and migrated by Quell itself, so the
 * schema is the one production gets. Dropped by `dropBenchDatabase` when the bench is done.
 */
export function benchDatabaseUrl(name: string, base = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432"): string {
  return `${base}/bench_${name}`;
}

export async function recreateBenchDatabase(url: string): Promise<void> {
  const { pathname } = new URL(url);
  const admin = new pg.Client({ connectionString: url.replace(pathname, "/postgres") });
  await admin.connect();
  const db = pathname.slice(1);
  await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${db}"`);
  await admin.end();
}

export async function dropBenchDatabase(url: string): Promise<void> {
  const { pathname } = new URL(url);
  const admin = new pg.Client({ connectionString: url.replace(pathname, "/postgres") });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${pathname.slice(1)}" WITH (FORCE)`);
  await admin.end();
}

/** How many incidents the bench database holds; -1 when it does not exist. */
export async function incidentCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: string }>("SELECT count(*) n FROM incident");
    return Number(rows[0]!.n);
  } catch {
    return -1;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Applies Quell's migrations with its own CLI (the one-off step a deployment runs). */
export function migrate(url: string, repoRoot: string): void {
  execFileSync(process.execPath, ["api/dist/cli/quell.js", "migrate"], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: url, NODE_ENV: "development", LOG_LEVEL: "warn" }, stdio: "ignore" });
}

/**
 * Adds `incidents` incidents (and two timeline entries each) to a migrated database, in SQL so 1M
 * rows take a minute, not an hour: 8 teams, 40 services, 200 agents. About 10% are in the open
 * stages, as in a service desk whose history is mostly closed. Deterministic (hash of the row number).
 */
export async function addIncidents(url: string, incidents: number, from = 0): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (from === 0) {
      await client.query(`INSERT INTO team (name, version) SELECT 'Team ' || g, 1 FROM generate_series(1, 8) g ON CONFLICT DO NOTHING`);
      await client.query(
        `INSERT INTO service (name, kind, criticality, owner_team_id, version)
         SELECT 'Service ' || g, (enum_range(NULL::service_kind))[1], (enum_range(NULL::criticality))[1 + g % 3], (SELECT id FROM team ORDER BY name OFFSET g % 8 LIMIT 1), 1
         FROM generate_series(1, 40) g ON CONFLICT DO NOTHING`,
      );
      await client.query(
        `INSERT INTO app_user (email, name, password_hash, role, version)
         SELECT 'agent' || g || '@bench.test', 'Agent ' || g, 'x', 'agent', 1 FROM generate_series(1, 200) g ON CONFLICT DO NOTHING`,
      );
    }
    const batch = 100_000;
    for (let start = from; start < from + incidents; start += batch) {
      const end = Math.min(from + incidents, start + batch);
      await client.query(
        `WITH t AS (SELECT array_agg(id ORDER BY name) a FROM team), s AS (SELECT array_agg(id ORDER BY name) a FROM service), u AS (SELECT array_agg(id ORDER BY email) a FROM app_user WHERE email LIKE '%@bench.test'),
         rows AS (SELECT g, abs(hashint4(g)) h FROM generate_series($1::int + 1, $2::int) g)
         INSERT INTO incident (version, title, description, service_id, impact, urgency, priority, severity, stage, team_id, assignee_id, created_at, updated_at, identified_at)
         SELECT 1, 'Incident ' || g || ': checkout errors on node ' || (h % 97), 'Synthetic incident for the bench', s.a[1 + h % 40],
                1 + h % 3, 1 + (h / 3) % 3, 1 + (h / 9) % 5, ('SEV' || (1 + (h / 45) % 4))::severity,
                (CASE WHEN h % 100 < 4 THEN 'identified' WHEN h % 100 < 7 THEN 'classified' WHEN h % 100 < 10 THEN 'assessed'
                      WHEN h % 100 < 13 THEN 'contained' WHEN h % 100 < 15 THEN 'recovered' WHEN h % 100 < 95 THEN 'closed' ELSE 'cancelled' END)::stage,
                t.a[1 + h % 8], CASE WHEN h % 5 = 0 THEN NULL ELSE u.a[1 + h % 200] END,
                now() - make_interval(mins => ($2 - g)), now() - make_interval(mins => ($2 - g)), now() - make_interval(mins => ($2 - g))
         FROM rows, t, s, u`,
        [start, end],
      );
    }
    await client.query(
      `INSERT INTO timeline_entry (incident_id, kind, message, created_at)
       SELECT i.id, k.kind::timeline_kind, CASE k.n WHEN 1 THEN 'Incident reported' ELSE 'Looked at the logs of ' || i.title END, i.created_at + make_interval(mins => k.n)
       FROM incident i CROSS JOIN (VALUES (1, 'created'), (2, 'note')) k(n, kind)
       WHERE i.number > (SELECT coalesce(max(number), 0) FROM incident) - $1`,
      [incidents],
    );
    await client.query("ANALYZE");
  } finally {
    await client.end();
  }
}
