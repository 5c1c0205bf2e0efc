import http from "node:http";

/**
 * The load side of bench:alerts, run as its own process (forked) so sending does not share the
 * API's event loop: posts `total` PagerDuty triggers over `concurrency` keep-alive connections,
 * their dedup keys drawn from a pool of `dedupKeys` (so most are repeats), every body distinct
 * (so idempotency keeps them all). Reports statuses, per-request latencies and its own CPU ms to the parent.
 */
const [url, token, totalArg, concurrencyArg, dedupArg] = process.argv.slice(2);
const total = Number(totalArg);
const concurrency = Number(concurrencyArg);
const dedupKeys = Number(dedupArg);
const target = new URL(`${url}/hooks/pagerduty`);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function postOne(i: number): Promise<{ status: number; ms: number }> {
  const body = JSON.stringify({
    event_action: "trigger",
    dedup_key: `bench-${i % dedupKeys}`,
    payload: { summary: `Bench alert ${i % dedupKeys}`, source: `host-${i % 50}`, severity: "warning", component: "bench", timestamp: new Date().toISOString(), custom_details: { sequence: i } },
  });
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      { agent, method: "POST", hostname: target.hostname, port: target.port, path: target.pathname, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on("error", () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(body);
  });
}

async function main(): Promise<void> {
  let next = 0;
  const latencies = new Float64Array(total);
  const statuses = new Map<number, number>();
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const { status, ms } = await postOne(i);
        latencies[i] = ms;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  process.send!({ seconds, latencies: [...latencies], statuses: Object.fromEntries(statuses), cpuMs: (cpu.user + cpu.system) / 1000 });
  agent.destroy();
}

void main();
