import "reflect-metadata";
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { Pool } from "pg";
import { startRuntime } from "@quell/api/app";
import { SYSTEM_ACTOR } from "@quell/api/modules/audit/audit.service";
import { loadConfig } from "@quell/api/platform/config";

/**
 * The cost of an SLA policy edit (issue 11): saving a policy re-targets the clocks of every open
 * incident under it, in the edit's transaction. With 10k and 100k open P3 incidents (both clocks
 * running, started over the last day), times `SlaService.savePolicy` with alternately a longer and a
 * shorter resolution target: wall time, this process's CPU time (Node), the clocks it changed and the
 * SLA warnings/breaches it recorded (the first edit records those already past: about two per incident).
 * The yardstick, in the same run: one set-based UPDATE of the same clocks for a 24×7 calendar (what
 * the database alone needs to rewrite those rows; it knows no business calendar), rolled back.
 * Builds its own database (bench_sla_edit, dropped at the end).
 * `npm run bench:sla-edit -- [sizes=10000,100000] [runs=3]`. Prints figures; asserts nothing.
 */
const DB = "bench_sla_edit";
const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DB_URL = ADMIN_URL.replace(/\/[^/]*$/, `/${DB}`);
const MINUTE_MS = 60_000;

function psql(sql: string): void {
  execFileSync("psql", [ADMIN_URL, "-q", "-c", sql], { stdio: "inherit" });
}

/** Open P3 incidents with both clocks running under the policy, as openClocks leaves them (24×7). */
async function fill(pool: Pool, size: number, policy: { id: string; responseMs: number; resolutionMs: number; warnShare: number }): Promise<void> {
  await pool.query("TRUNCATE incident CASCADE");
  const started = performance.now();
  await pool.query(
    `INSERT INTO incident (version, number, title, impact, urgency, priority, stage, identified_at, created_at, reopen_count)
     SELECT 1, n, 'bench incident ' || n, 2, 2, 3, 'assessed'::stage, t, t, 0
       FROM (SELECT n, now() - (n % 1440) * interval '1 minute' AS t FROM generate_series(1, $1) n) s`,
    [size],
  );
  await pool.query(
    `INSERT INTO sla_clock (incident_id, kind, policy_id, calendar_id, target_ms, warn_share, spent_ms, running_since, due_at, warn_at, next_check_at)
     SELECT i.id, k.kind::sla_clock_kind, $1, NULL, k.target, $4::float8, 0, i.created_at,
            i.created_at + k.target * interval '1 millisecond', i.created_at + k.target * $4::float8 * interval '1 millisecond',
            i.created_at + k.target * $4::float8 * interval '1 millisecond'
       FROM incident i CROSS JOIN (VALUES ('response', $2::bigint), ('resolution', $3::bigint)) AS k(kind, target)`,
    [policy.id, policy.responseMs, policy.resolutionMs, policy.warnShare],
  );
  await pool.query("VACUUM ANALYZE incident");
  await pool.query("VACUUM ANALYZE sla_clock");
  console.error(`filled ${size} open incidents (${2 * size} clocks) in ${Math.round(performance.now() - started)} ms`);
}

/** The floor: the same clocks re-targeted by one UPDATE (24×7 arithmetic), in a transaction rolled back. */
async function yardstick(pool: Pool, policyId: string, responseMs: number, resolutionMs: number, warnShare: number): Promise<{ ms: number; rows: number }> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const started = performance.now();
    const result = await client.query(
      `UPDATE sla_clock SET target_ms = t.target, warn_share = $4::float8,
              due_at = running_since + (t.target - spent_ms) * interval '1 millisecond',
              warn_at = running_since + (t.target * $4::float8 - spent_ms) * interval '1 millisecond',
              next_check_at = running_since + (t.target * $4::float8 - spent_ms) * interval '1 millisecond'
         FROM (SELECT id, CASE kind WHEN 'response' THEN $2::bigint ELSE $3::bigint END AS target FROM sla_clock WHERE policy_id = $1 AND stopped_at IS NULL) t
        WHERE sla_clock.id = t.id`,
      [policyId, responseMs, resolutionMs, warnShare],
    );
    const ms = performance.now() - started;
    await client.query("ROLLBACK");
    return { ms, rows: result.rowCount ?? 0 };
  } finally {
    client.release();
  }
}

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? "10000,100000").split(",").map(Number);
  const runs = Number(process.argv[3] ?? 3);
  psql(`DROP DATABASE IF EXISTS ${DB}`);
  psql(`CREATE DATABASE ${DB}`);
  // No Redis: timers are armed in this process (after commit, not part of the edit's time).
  const runtime = await startRuntime(loadConfig({ databaseUrl: DB_URL, redisUrl: undefined, seedDemo: false, jwtSecret: "bench-sla-edit-".repeat(4), logLevel: "warn" }));
  const pool = new Pool({ connectionString: DB_URL, max: 2 });
  try {
    const sla = runtime.services.sla;
    const base = { name: "P3 standard", priority: 3, responseTargetMinutes: 60, resolutionTargetMinutes: 1440, warnAtShare: 0.75, calendarId: null };
    let policy = await sla.savePolicy(SYSTEM_ACTOR, base);
    for (const size of sizes) {
      await fill(pool, size, { id: policy.id, responseMs: base.responseTargetMinutes * MINUTE_MS, resolutionMs: base.resolutionTargetMinutes * MINUTE_MS, warnShare: base.warnAtShare });
      for (let run = 0; run < runs; run++) {
        // Alternately longer and back: each edit changes every unfinished clock's deadline.
        const resolutionTargetMinutes = run % 2 === 0 ? 2880 : 1440;
        const yard = await yardstick(pool, policy.id, base.responseTargetMinutes * MINUTE_MS, resolutionTargetMinutes * MINUTE_MS, base.warnAtShare);
        const slaEntries = async () => ((await pool.query(`SELECT count(*)::int AS n FROM timeline_entry WHERE kind = 'sla'`)).rows as Array<{ n: number }>)[0]!.n;
        const entriesBefore = await slaEntries();
        const load = loadavg()[0]!.toFixed(2);
        const cpu = process.cpuUsage();
        const started = performance.now();
        policy = await sla.savePolicy(SYSTEM_ACTOR, { ...base, id: policy.id, version: policy.version, resolutionTargetMinutes });
        const wallMs = performance.now() - started;
        const used = process.cpuUsage(cpu);
        const [{ n }] = (await pool.query(`SELECT count(*)::int AS n FROM sla_clock WHERE kind = 'resolution' AND target_ms = $1`, [resolutionTargetMinutes * MINUTE_MS])).rows as Array<{ n: number }>;
        console.log(
          JSON.stringify({
            openIncidents: size,
            run: run + 1,
            resolutionTargetMinutes,
            editWallMs: Math.round(wallMs),
            editNodeCpuMs: Math.round((used.user + used.system) / 1000),
            resolutionClocksRetargeted: n,
            // The first edit also records the warnings and breaches already past under the old targets.
            slaAlertsRecorded: (await slaEntries()) - entriesBefore,
            yardstickUpdateMs: Math.round(yard.ms),
            yardstickRows: yard.rows,
            loadavg1: load,
          }),
        );
      }
    }
  } finally {
    await pool.end();
    await runtime.close();
    psql(`DROP DATABASE IF EXISTS ${DB}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
