import "reflect-metadata";
import { execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { Pool } from "pg";
import { startApi } from "@quell/api/app";
import { Criticality, ServiceKind } from "@quell/api/modules/catalog/catalog.entity";
import { Role } from "@quell/api/platform/auth/roles";
import { loadConfig } from "@quell/api/platform/config";
import { BENCH_JWT_SECRET, startQuellApi } from "./bench-api";

/**
 * `metrics` at 10k, 100k and 1M incidents: MTTR (mean) by service × week over a year, through the API
 * (GraphQL over HTTP, analyst token) and, as the yardstick in the same run, the same numbers from a
 * hand-written SQL statement on a plain pg connection. The API is timed twice, interleaved: as its own
 * process (`apiChild*`, production mode, as a real client sees it: the bench's fetch and JSON parsing
 * don't share the server's thread) and in the bench's own process (`apiInProcess*`, as earlier runs
 * reported it, where client work and GC queue behind the server's). Builds its own database (bench_metrics, dropped
 * at the end). Incidents are spread over two years across 40 services, so the year read is half of them.
 * `npm run bench:metrics -- [sizes=10000,100000,1000000] [runs=40]`. Prints figures; asserts nothing.
 */
const DB = "bench_metrics";
const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DB_URL = ADMIN_URL.replace(/\/[^/]*$/, `/${DB}`);
const END = Date.UTC(2026, 0, 5); // a Monday
const YEAR_MS = 364 * 86_400_000;
const TWO_YEARS_MS = 2 * YEAR_MS;

const YARDSTICK_SQL = `SELECT date_trunc('week', identified_at AT TIME ZONE 'UTC') AS week, service_id,
       avg(date_part('epoch', closed_at - identified_at)) / 60.0 AS mttr_minutes
  FROM incident WHERE identified_at >= $1 AND identified_at < $2
 GROUP BY 1, 2`;

const QUERY = `query($input: MetricsInput!) { metrics(input: $input) { records } }`;

function psql(sql: string): void {
  execFileSync("psql", [ADMIN_URL, "-q", "-c", sql], { stdio: "inherit" });
}

/** A port nothing listens on now, for the API's own process. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1);
};

async function fill(pool: Pool, size: number, services: string[], teamId: string): Promise<void> {
  await pool.query("TRUNCATE incident CASCADE");
  const started = performance.now();
  // Stages and stamps as a run of real incidents would leave them: most closed, some open, a few cancelled.
  await pool.query(
    `INSERT INTO incident (version, number, title, impact, urgency, priority, stage, service_id, team_id, identified_at, created_at, acknowledged_at, contained_at, recovered_at, closed_at, reopen_count)
     SELECT 1, n, 'bench incident ' || n, 1 + n % 3, 1 + n % 3, 1 + n % 5,
            (CASE WHEN n % 10 = 0 THEN 'assessed' ELSE 'closed' END)::stage,
            ($3::uuid[])[1 + n % array_length($3::uuid[], 1)], $4::uuid,
            t, t, t + (5 + n % 55) * interval '1 minute',
            t + (30 + n % 300) * interval '1 minute',
            CASE WHEN n % 10 = 0 THEN NULL ELSE t + (60 + n % 900) * interval '1 minute' END,
            CASE WHEN n % 10 = 0 THEN NULL ELSE t + (120 + (n::bigint * 7919) % 4000) * interval '1 minute' END,
            (n % 50 = 0)::int
       FROM (SELECT n, $1::timestamptz + (n::float8 / $2) * ($5::float8 * interval '1 millisecond') AS t FROM generate_series(1, $2) n) s`,
    [new Date(END - TWO_YEARS_MS), size, services, teamId, TWO_YEARS_MS],
  );
  await pool.query("VACUUM ANALYZE incident");
  console.error(`filled ${size} incidents in ${Math.round(performance.now() - started)} ms`);
}

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? "10000,100000,1000000").split(",").map(Number);
  const runs = Number(process.argv[3] ?? 40);
  psql(`DROP DATABASE IF EXISTS ${DB}`);
  psql(`CREATE DATABASE ${DB}`);
  const api = await startApi(loadConfig({ databaseUrl: DB_URL, redisUrl: undefined, httpPort: 0, seedDemo: false, jwtSecret: BENCH_JWT_SECRET, rateLimitPerMinute: 1_000_000 }));
  const pool = new Pool({ connectionString: DB_URL, max: 1 });
  let child: Awaited<ReturnType<typeof startQuellApi>> | undefined;
  try {
    // Same database and JWT secret: the analyst's session opened in-process is valid there too.
    child = await startQuellApi(DB_URL, await freePort());
    const team = await api.services.catalog.createTeam(null, { name: "Bench team" });
    const services: string[] = [];
    for (let i = 0; i < 40; i++) services.push((await api.services.catalog.createService(null, { name: `Bench service ${i}`, kind: ServiceKind.business_service, criticality: Criticality.medium, ownerTeamId: team.id })).id);
    const analyst = await api.services.users.createUser(null, { email: "analyst@bench.test", name: "Analyst", password: "plum-orbit-galley-7-tundra", role: Role.analyst });
    const { token } = await api.services.users.sessions.open(analyst);
    const input = { measures: ["mttrMean"], groupBy: "service", bucket: "week", from: new Date(END - YEAR_MS).toISOString(), to: new Date(END).toISOString() };
    const viaApi = async (url: string): Promise<Array<{ bucketStart: string; groupId: string; mttrMean: number | null }>> => {
      try {
        return await postMetrics(url);
      } catch (err) {
        // The server closed an idle keep-alive socket as the client reused it (slow yardstick runs on a loaded machine): once more.
        if ((err as { cause?: { code?: string } }).cause?.code !== "ECONNRESET") throw err;
        return postMetrics(url);
      }
    };
    const inProcessUrl = `${api.http.url}/graphql`;
    const childUrl = child.url;
    const postMetrics = async (url: string) => {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: QUERY, variables: { input } }) });
      const body = (await res.json()) as { data?: { metrics: { records: Array<{ bucketStart: string; groupId: string; mttrMean: number | null }> } }; errors?: unknown };
      if (!body.data) throw new Error(JSON.stringify(body.errors));
      return body.data.metrics.records;
    };
    const viaSql = async () => (await pool.query(YARDSTICK_SQL, [input.from, input.to])).rows as Array<{ week: Date; service_id: string; mttr_minutes: number }>;

    for (const size of sizes) {
      await fill(pool, size, services, team.id);
      // Same numbers both ways, or the timing means nothing.
      const [rows, childRows, yard] = [await viaApi(inProcessUrl), await viaApi(childUrl), await viaSql()];
      const mismatchesOf = (apiRows: typeof rows) => {
        const fromApi = new Map(apiRows.filter((r) => r.mttrMean !== null).map((r) => [`${r.groupId}|${r.bucketStart}`, r.mttrMean!]));
        return yard.filter((y) => Math.abs((fromApi.get(`${y.service_id}|${new Date(y.week.getTime() - y.week.getTimezoneOffset() * 60_000).toISOString()}`) ?? NaN) - y.mttr_minutes) > 1e-6).length;
      };
      const apiMs: number[] = [];
      const childMs: number[] = [];
      const sqlMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        // Interleaved, so all three see the same machine.
        let t = performance.now();
        await viaApi(childUrl);
        childMs.push(performance.now() - t);
        t = performance.now();
        await viaApi(inProcessUrl);
        apiMs.push(performance.now() - t);
        t = performance.now();
        await viaSql();
        sqlMs.push(performance.now() - t);
      }
      console.log(
        JSON.stringify({
          incidents: size,
          query: "mttrMean by service × week, one year",
          rows: rows.length,
          yardstickRows: yard.length,
          mismatches: mismatchesOf(rows) + mismatchesOf(childRows),
          apiChildP50ms: pct(childMs, 0.5),
          apiChildP95ms: pct(childMs, 0.95),
          apiInProcessP50ms: pct(apiMs, 0.5),
          apiInProcessP95ms: pct(apiMs, 0.95),
          yardstickSqlP50ms: pct(sqlMs, 0.5),
          yardstickSqlP95ms: pct(sqlMs, 0.95),
          runs,
        }),
      );
    }
  } finally {
    await child?.stop();
    await pool.end();
    await api.close();
    if (!process.env.BENCH_KEEP_DB) psql(`DROP DATABASE IF EXISTS ${DB}`);
  }
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
