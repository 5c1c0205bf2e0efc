import pg from "pg";
import { GENESIS_HASH, chainHash } from "@quell/api/modules/audit/audit.rules";
import { APPEND, TAKE_FREE_STREAM } from "@quell/api/modules/audit/audit.service";
import { benchAgentToken, startQuellApi } from "./bench-api";
import { addIncidents, benchDatabaseUrl, dropBenchDatabase, incidentCount, migrate, recreateBenchDatabase } from "./load-data";
import { loadGraphQL, median, postGraphQL, REPO_ROOT, type LoadFigures } from "./load-harness";

/**
 * createIncident under 20 concurrent writers at 100k incidents: Quell's API (its own process,
 * production settings; the write takes its audit record, outbox row and triage job in one
 * transaction) against the same write done by hand in SQL from this process (the yardstick: the
 * audit record appended to one of the trail's streams, as appendAudit does). Two more hand-written
 * variants in the same run put the audit design's cost in figures: the former single chain (one
 * advisory lock serialising every audited write) and no chain at all.
 *
 * `npm run bench:writes -- [incidents=100000] [secondsPerRound=15] [writers=20] [rounds=2]`: interleaved
 * rounds, each starting one variant later than the one before, so no variant always follows the same one.
 * Triage itself runs in the workers, which this bench does not start: the jobs wait in the outbox.
 */
const MUTATION = `mutation Create($input: CreateIncidentInput!) { createIncident(input: $input) { id number } }`;
const QUELL_PORT = 4612;

type Variant = "streams" | "singleChain" | "unchained";

/** The write by hand: the same rows and statements as IncidentService.create, over one pooled connection each. */
async function sqlWrite(client: pg.PoolClient, variant: Variant, actorId: string, serviceId: string): Promise<void> {
  await client.query("BEGIN");
  try {
    const [owner] = (await client.query<{ owner_team_id: string }>("SELECT owner_team_id FROM service WHERE id = $1", [serviceId])).rows;
    const [incident] = (
      await client.query<Record<string, unknown>>(
        `INSERT INTO incident (version, title, description, service_id, impact, urgency, priority, stage, team_id, reporter_id, identified_at)
         VALUES (1, 'VPN drops every hour', 'Remote staff disconnected', $1, 2, 2, 3, 'identified', $2, $3, now()) RETURNING *`,
        [serviceId, owner!.owner_team_id, actorId],
      )
    ).rows;
    const id = incident!.id as string;
    await client.query("INSERT INTO incident_transition (incident_id, to_stage, at, actor_id) VALUES ($1, 'identified', now(), $2)", [id, actorId]);
    await client.query("INSERT INTO timeline_entry (incident_id, kind, message, actor_id) VALUES ($1, 'created', $2, $3)", [id, `INC-${incident!.number} opened`, actorId]);
    const at = new Date();
    const record = { seq: "", at, actorId, actorLabel: "bench", action: "incident.create", entityType: "incident", entityId: id, before: null, after: incident };
    let table: string;
    let prevHash = GENESIS_HASH;
    if (variant === "streams") {
      // appendAudit's own statements: lock a free stream's head, then the record and the new head in one statement.
      const [head] = (await client.query<{ stream: number; streamSeq: string; hash: string; seq: string }>(TAKE_FREE_STREAM)).rows;
      record.seq = head!.seq;
      prevHash = head!.hash;
      const position = String(BigInt(head!.streamSeq) + 1n);
      await client.query(APPEND, [record.seq, head!.stream, position, at, actorId, record.actorLabel, record.action, record.entityType, id, null, JSON.stringify(incident), prevHash, chainHash(prevHash, record)]);
    } else {
      if (variant === "singleChain") {
        // The former design, on a copy of the table: one lock for the whole trail, the head read under it.
        table = "bench_single_chain_audit";
        await client.query("SELECT pg_advisory_xact_lock($1)", [0x5175656c]);
        const [head] = (await client.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM ${table} ORDER BY seq DESC LIMIT 1`)).rows;
        record.seq = String(head ? BigInt(head.seq) + 1n : 1n);
        prevHash = head?.hash ?? GENESIS_HASH;
      } else {
        // No chain: a number from a sequence, nobody waits for anybody.
        table = "bench_unchained_audit";
        record.seq = (await client.query<{ seq: string }>("SELECT nextval('audit_log_seq_seq')::text seq")).rows[0]!.seq;
      }
      await client.query(
        `INSERT INTO ${table} (seq, stream, stream_seq, at, actor_id, actor_label, action, entity_type, entity_id, before, after, prev_hash, hash) VALUES ($1, 0, $1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10)`,
        [record.seq, at, actorId, record.actorLabel, record.action, record.entityType, id, JSON.stringify(incident), prevHash, chainHash(prevHash, record)],
      );
    }
    await client.query("INSERT INTO outbox (queue, job_name, payload) VALUES ('triage', 'triage', $1)", [JSON.stringify({ incidentId: id, reason: "created" })]);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  }
}

async function sqlLoad(pool: pg.Pool, variant: Variant, writers: number, seconds: number, actorId: string, serviceId: string): Promise<LoadFigures> {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < until) {
          const t = performance.now();
          await sqlWrite(client, variant, actorId, serviceId).then(
            () => latencies.push(performance.now() - t),
            () => errors++,
          );
        }
      } finally {
        client.release();
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
  return { reqPerSec: +(latencies.length / seconds).toFixed(1), p50Ms: pct(0.5), p99Ms: pct(0.99), requests: latencies.length, non2xx: 0, errors, peakRssMb: 0 };
}

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 100_000);
  const seconds = Number(process.argv[3] ?? 15);
  const writers = Number(process.argv[4] ?? 20);
  const rounds = Number(process.argv[5] ?? 2);
  const url = benchDatabaseUrl("writes");
  const existing = process.env.BENCH_KEEP_DB ? await incidentCount(url) : -1;
  if (existing < size) {
    await recreateBenchDatabase(url);
    migrate(url, REPO_ROOT);
    await addIncidents(url, size);
  }
  const { token, userId } = await benchAgentToken(url, `bench-writer-${Date.now()}@bench.test`);
  const pool = new pg.Pool({ connectionString: url, max: writers });
  // The single-chain and unchained variants write beside the real trail (copies of its table), so `audit verify` checks only real streams.
  for (const table of ["bench_single_chain_audit", "bench_unchained_audit"]) await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (LIKE audit_log INCLUDING ALL)`);
  const serviceId = (await pool.query<{ id: string }>("SELECT id FROM service ORDER BY name LIMIT 1")).rows[0]!.id;
  const quell = await startQuellApi(url, QUELL_PORT);
  const results: Record<string, LoadFigures[]> = { quell: [], sqlStreams: [], sqlSingleChain: [], sqlUnchained: [] };
  try {
    const body = JSON.stringify({ query: MUTATION, variables: { input: { title: "VPN drops every hour", description: "Remote staff disconnected", impact: 2, urgency: 2, serviceId } } });
    const auth = { authorization: `Bearer ${token}` };
    await postGraphQL(quell.url, body, auth);
    await loadGraphQL(quell, body, auth, { connections: writers, durationSeconds: 3 });
    await sqlLoad(pool, "streams", writers, 3, userId, serviceId);
    const variants = [
      ["quell", () => loadGraphQL(quell, body, auth, { connections: writers, durationSeconds: seconds })],
      ["sqlStreams", () => sqlLoad(pool, "streams", writers, seconds, userId, serviceId)],
      ["sqlSingleChain", () => sqlLoad(pool, "singleChain", writers, seconds, userId, serviceId)],
      ["sqlUnchained", () => sqlLoad(pool, "unchained", writers, seconds, userId, serviceId)],
    ] as const;
    for (let round = 1; round <= rounds; round++) {
      for (let i = 0; i < variants.length; i++) {
        const [name, run] = variants[(i + round - 1) % variants.length]!;
        const figures = await run();
        results[name]!.push(figures);
        console.error(`round ${round} ${name.padEnd(14)} ${JSON.stringify(figures)}`);
      }
    }
  } finally {
    await quell.stop();
    await pool.query("DROP TABLE IF EXISTS bench_single_chain_audit, bench_unchained_audit");
    await pool.end();
  }
  // Whatever the load did, the chain it left must still verify.
  const { execFileSync } = await import("node:child_process");
  const verify = execFileSync(process.execPath, ["api/dist/cli/quell.js", "audit", "verify"], { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: url, NODE_ENV: "development", LOG_LEVEL: "warn" } }).toString().trim();
  if (!process.env.BENCH_KEEP_DB) await dropBenchDatabase(url);
  const summary = (r: LoadFigures[]) => ({ writesPerSec: median(r.map((x) => x.reqPerSec)), p50Ms: median(r.map((x) => x.p50Ms)), p99Ms: median(r.map((x) => x.p99Ms)), failed: r.reduce((n, x) => n + x.errors + x.non2xx, 0), peakRssMb: Math.max(...r.map((x) => x.peakRssMb)) });
  const api = summary(results.quell!);
  const streams = summary(results.sqlStreams!);
  const singleChain = summary(results.sqlSingleChain!);
  const unchained = summary(results.sqlUnchained!);
  console.log(
    JSON.stringify(
      {
        bench: "writes",
        incidents: size,
        writers,
        secondsPerRound: seconds,
        rounds,
        quellCreateIncident: api,
        yardstickSqlStreams: streams,
        sqlSingleChainFormerDesign: singleChain,
        sqlWithoutChain: unchained,
        quellOverSql: +(api.writesPerSec / streams.writesPerSec).toFixed(2),
        streamsOverSingleChain: +(streams.writesPerSec / singleChain.writesPerSec).toFixed(2),
        streamsChainCost: `${Math.round((1 - streams.writesPerSec / unchained.writesPerSec) * 100)}% of SQL write throughput`,
        singleChainCost: `${Math.round((1 - singleChain.writesPerSec / unchained.writesPerSec) * 100)}% of SQL write throughput`,
        auditVerify: verify.split("\n").pop(),
      },
      null,
      2,
    ),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
