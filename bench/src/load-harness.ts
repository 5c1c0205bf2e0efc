import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

// autocannon ships no types; this is the part of its result the benches read.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require("autocannon") as (opts: Record<string, unknown>) => Promise<AutocannonResult>;
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export const REPO_ROOT = path.resolve(__dirname, "../..");

export interface Server {
  name: string;
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a server as its own process (so the load generator never shares its CPU time) and waits until `ready` (a URL that answers 2xx, or a probe) says so. */
export async function startServer(name: string, command: string[], env: NodeJS.ProcessEnv, url: string, ready: string | (() => Promise<boolean>), timeoutMs = 180_000): Promise<Server> {
  const child = spawn(command[0]!, command.slice(1), { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${stderr}`);
    const ok = typeof ready === "string" ? await fetch(ready).then((r) => r.ok, () => false) : await ready().catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${name} did not start in ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    name,
    url,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

/** Resident memory of a process, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; clock ticks are 10 ms). */
export function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface LoadFigures {
  reqPerSec: number;
  /** The server's CPU time per answered request: steadier than req/s when other work shares the cores. */
  cpuMsPerRequest?: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  peakRssMb: number;
}

/** autocannon against one GraphQL POST, sampling the server's RSS while it runs. */
export async function loadGraphQL(server: Server, body: string, headers: Record<string, string>, opts: { connections: number; durationSeconds: number }): Promise<LoadFigures> {
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(server.process.pid!));
    } catch {
      /* process gone: the result will show errors */
    }
  }, 200);
  try {
    const cpuBefore = cpuMs(server.process.pid!);
    const result = await autocannon({
      url: server.url,
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      connections: opts.connections,
      duration: opts.durationSeconds,
    });
    const cpuUsed = cpuMs(server.process.pid!) - cpuBefore;
    return {
      reqPerSec: +result.requests.average.toFixed(1),
      cpuMsPerRequest: +(cpuUsed / Math.max(1, result.requests.total)).toFixed(2),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      peakRssMb: Math.round(peak),
    };
  } finally {
    clearInterval(sampler);
  }
}

/** One request, checked: a bench of a query that errors would measure the error path. */
export async function postGraphQL<T>(url: string, body: string, headers: Record<string, string>): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const json = (await res.json()) as { data?: T; errors?: unknown[] };
  if (!res.ok || json.errors) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(json.errors ?? json).slice(0, 600)}`);
  return json.data as T;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
