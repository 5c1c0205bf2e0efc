import os from "node:os";
import { benchAgentToken, startQuellApi } from "./bench-api";
import { addIncidents, benchDatabaseUrl, dropBenchDatabase, incidentCount, migrate, OPEN_STAGES, recreateBenchDatabase } from "./load-data";
import { loadGraphQL, median, postGraphQL, REPO_ROOT, startServer, type LoadFigures } from "./load-harness";

/**
 * The agent queue under load, Quell against PostGraphile 4 serving the same PostgreSQL database:
 * 50 open incidents by priority (id breaks ties, in both), each with its service, team, assignee
 * and latest timeline entry, plus the total and the next-page cursor.
 *
 * `npm run bench:queue -- [sizes=100000] [secondsPerRound=15] [connections=20]`, e.g. `-- 10000,100000,1000000`.
 * Two interleaved rounds per server per size; prints each round and the medians. Asserts nothing.
 */
const QUELL_QUERY = `query Queue($first: Int) {
  incidents(first: $first, filter: { stage: [${OPEN_STAGES.join(", ")}] }, sort: { field: priority, direction: ASC }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id number title priority severity stage createdAt
      service { id name } team { id name } assignee { id name }
      latestTimelineEntry { message createdAt } } }
  }
}`;

const POSTGRAPHILE_QUERY = `query Queue($first: Int) {
  allIncidents(first: $first, filter: { stage: { in: [${OPEN_STAGES.map((s) => s.toUpperCase()).join(", ")}] } }, orderBy: [PRIORITY_ASC, PRIMARY_KEY_ASC]) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id number title priority severity stage createdAt
      serviceByServiceId { id name } teamByTeamId { id name } appUserByAssigneeId { id name }
      timelineEntriesByIncidentId(first: 1, orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC]) { nodes { message createdAt } } }
  }
}`;

const QUELL_PORT = 4610;
const POSTGRAPHILE_PORT = 4611;

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? "100000").split(",").map(Number);
  const seconds = Number(process.argv[3] ?? 15);
  const connections = Number(process.argv[4] ?? 20);
  const url = benchDatabaseUrl("queue");
  const report: Array<Record<string, unknown>> = [];
  // BENCH_KEEP_DB=1 keeps the database for the next run, which then reuses it when it holds the first size.
  let loaded = process.env.BENCH_KEEP_DB ? await incidentCount(url) : -1;
  if (loaded !== sizes[0]) {
    await recreateBenchDatabase(url);
    loaded = 0;
  }
  migrate(url, REPO_ROOT);
  const { token } = await benchAgentToken(url, `bench-agent-${Date.now()}@bench.test`);
  try {
    for (const size of sizes) {
      const t0 = Date.now();
      if (size > loaded) await addIncidents(url, size - loaded, loaded);
      loaded = size;
      console.error(`# ${size} incidents loaded in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

      const quell = await startQuellApi(url, QUELL_PORT);
      const postgraphile = await startServer(
        "postgraphile",
        [process.execPath, "bench/yardstick/node_modules/postgraphile/cli.js", "-c", url, "-s", "public", "-n", "127.0.0.1", "-p", String(POSTGRAPHILE_PORT), "--append-plugins", "postgraphile-plugin-connection-filter", "--disable-query-log", "--dynamic-json", "-b"],
        { NODE_ENV: "production" },
        `http://127.0.0.1:${POSTGRAPHILE_PORT}/graphql`,
        () => postGraphQL(`http://127.0.0.1:${POSTGRAPHILE_PORT}/graphql`, JSON.stringify({ query: "{ __typename }" }), {}).then(() => true),
      ).catch(async (err: unknown) => {
        await quell.stop();
        throw err;
      });
      try {
        const quellBody = JSON.stringify({ query: QUELL_QUERY, variables: { first: 50 }, operationName: "Queue" });
        const pgBody = JSON.stringify({ query: POSTGRAPHILE_QUERY, variables: { first: 50 }, operationName: "Queue" });
        const auth = { authorization: `Bearer ${token}` };
        // Both must answer the same page before either is timed.
        type QuellPage = { incidents: { totalCount: number; edges: Array<{ node: { id: string; latestTimelineEntry: { message: string } | null } }> } };
        type PgPage = { allIncidents: { totalCount: number; nodes: Array<{ id: string; timelineEntriesByIncidentId: { nodes: Array<{ message: string }> } }> } };
        const q = await postGraphQL<QuellPage>(quell.url, quellBody, auth);
        const p = await postGraphQL<PgPage>(postgraphile.url, pgBody, {});
        const sameRows = q.incidents.edges.map((e) => e.node.id).join() === p.allIncidents.nodes.map((n) => n.id).join();
        const sameLatest = q.incidents.edges.every((e, i) => e.node.latestTimelineEntry?.message === p.allIncidents.nodes[i]?.timelineEntriesByIncidentId.nodes[0]?.message);
        if (!sameRows || !sameLatest || q.incidents.totalCount !== p.allIncidents.totalCount || q.incidents.edges.length !== 50) {
          throw new Error(`Quell and PostGraphile disagree on the page (rows ${sameRows}, latest entries ${sameLatest}, totals ${q.incidents.totalCount}/${p.allIncidents.totalCount})`);
        }
        // Warm both (JIT, pools, caches) before the timed rounds.
        await loadGraphQL(quell, quellBody, auth, { connections, durationSeconds: 3 });
        await loadGraphQL(postgraphile, pgBody, {}, { connections, durationSeconds: 3 });
        const rounds: { quell: LoadFigures[]; postgraphile: LoadFigures[] } = { quell: [], postgraphile: [] };
        for (let round = 1; round <= 2; round++) {
          const a = await loadGraphQL(quell, quellBody, auth, { connections, durationSeconds: seconds });
          rounds.quell.push(a);
          console.error(`size ${size} round ${round} quell        ${JSON.stringify(a)}`);
          const b = await loadGraphQL(postgraphile, pgBody, {}, { connections, durationSeconds: seconds });
          rounds.postgraphile.push(b);
          console.error(`size ${size} round ${round} postgraphile ${JSON.stringify(b)}`);
        }
        const summary = (r: LoadFigures[]) => ({
          reqPerSec: median(r.map((x) => x.reqPerSec)),
          cpuMsPerRequest: median(r.map((x) => x.cpuMsPerRequest ?? NaN)),
          p50Ms: median(r.map((x) => x.p50Ms)),
          p99Ms: median(r.map((x) => x.p99Ms)),
          peakRssMb: Math.max(...r.map((x) => x.peakRssMb)),
          failed: r.reduce((n, x) => n + x.non2xx + x.errors, 0),
        });
        const quellSummary = summary(rounds.quell);
        const pgSummary = summary(rounds.postgraphile);
        report.push({
          incidents: size,
          openIncidents: q.incidents.totalCount,
          quell: quellSummary,
          postgraphile: pgSummary,
          quellOverPostgraphile: +(quellSummary.reqPerSec / pgSummary.reqPerSec).toFixed(2),
          quellCpuOverPostgraphile: +(quellSummary.cpuMsPerRequest / pgSummary.cpuMsPerRequest).toFixed(2),
          goalReqPerSec: quellSummary.reqPerSec >= pgSummary.reqPerSec ? "met" : "missed",
          goalP99: quellSummary.p99Ms <= 250 ? "met" : "missed",
          // Other work on the machine shares the cores: read req/s and latency beside it.
          loadAverage1m5m15m: os.loadavg().map((x) => +x.toFixed(2)),
        });
      } finally {
        await quell.stop();
        await postgraphile.stop();
      }
    }
  } finally {
    if (!process.env.BENCH_KEEP_DB) await dropBenchDatabase(url);
  }
  console.log(JSON.stringify({ bench: "queue", connections, secondsPerRound: seconds, rounds: 2, results: report }, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
