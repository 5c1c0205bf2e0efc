// Starts what the browser test needs: the API (embedded PGlite in a temp folder, random port)
// with a few records made through GraphQL, and the built Next app (`next start`) pointed at it.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { inject } from "vitest";

export const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const repoDir = path.resolve(webDir, "..");
const requireFromRepo = createRequire(path.join(repoDir, "package.json"));

export const PASSWORD = "browser-test-password";

interface ApiHandle {
  http: { url: string };
  dataSource: { query(sql: string, params?: unknown[]): Promise<unknown> };
  close(): Promise<void>;
  services: { users: { createUser(actor: null, input: Record<string, unknown>): Promise<{ id: string }> } };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A module of the compiled API or workers, loaded with Node's own require so the compiled code
 * (decorators, one graphql realm) runs as in production.
 */
export function requireBuilt<T>(modulePath: string): T {
  if (!existsSync(path.join(repoDir, "api/dist/app.js")) || !existsSync(path.join(repoDir, "workers/dist/index.js"))) {
    throw new Error("api/dist or workers/dist is missing: run `npx tsc -b api workers` (the test:browser script does).");
  }
  process.env.LOG_LEVEL ??= "warn";
  return requireFromRepo(modulePath) as T;
}

export async function startApi(): Promise<{ api: ApiHandle; dataDir: string; stop(): Promise<void> }> {
  const { startApi: start } = requireBuilt<{ startApi(config: unknown): Promise<ApiHandle> }>("./api/dist/app.js");
  const { loadConfig } = requireBuilt<{ loadConfig(o: Record<string, unknown>): unknown }>("./api/dist/platform/config.js");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "quell-web-e2e-"));
  // A copy of the database the global setup migrated once (see global-setup.ts); without it the API creates and migrates its own.
  const migrated = inject("migratedPgdata");
  if (migrated) cpSync(migrated, path.join(dataDir, "pgdata"), { recursive: true });
  const api = await start(loadConfig({ dataDir, httpPort: 0, httpHost: "127.0.0.1", databaseUrl: undefined, redisUrl: undefined, databaseSchema: undefined }));
  // The triage and retrain processors, in process, as `npm start` runs them.
  const { startWorkers } = requireBuilt<{
    startWorkers(runtime: ApiHandle, options: Record<string, unknown>): Promise<{ close(): Promise<void> }>;
  }>("./workers/dist/index.js");
  const workers = await startWorkers(api, { relay: { intervalMs: 50 }, schedules: false });
  return {
    api,
    dataDir,
    async stop() {
      await workers.close();
      await api.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A tiny GraphQL caller for setting up and checking data from the test. */
export function graphqlClient(apiUrl: string) {
  let token: string | null = null;
  async function call<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${apiUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join("; ")}`);
    return body.data as T;
  }
  return {
    call,
    async login(email: string, password: string) {
      const data = await call(`mutation($i: LoginInput!) { login(input: $i) { token } }`, { i: { email, password } });
      token = data.login.token;
    },
  };
}

export interface Seeded {
  agentEmail: string;
  /** A read-only analyst, to check that pages show no control the role may not use. */
  analystEmail: string;
  incidents: Array<{ id: string; key: string; title: string }>;
}

/** An admin (made directly: someone has to be first), then a team, a service, an agent and incidents. */
export async function seed(api: ApiHandle): Promise<Seeded> {
  await api.services.users.createUser(null, { email: "admin@e2e.test", name: "Ada Admin", password: PASSWORD, role: "admin" });
  const gql = graphqlClient(api.http.url);
  await gql.login("admin@e2e.test", PASSWORD);
  const { createTeam: team } = await gql.call(`mutation($i: CreateTeamInput!) { createTeam(input: $i) { id } }`, {
    i: { name: "Payments SRE", contactEmail: "payments-sre@e2e.test" },
  });
  await gql.call(`mutation($i: CreateTeamInput!) { createTeam(input: $i) { id } }`, { i: { name: "Service Desk" } });
  const { createService: service } = await gql.call(`mutation($i: CreateServiceInput!) { createService(input: $i) { id } }`, {
    i: { name: "Checkout", ownerTeamId: team.id, criticality: "critical" },
  });
  await gql.call(`mutation($i: CreateServiceInput!) { createService(input: $i) { id } }`, { i: { name: "Email", ownerTeamId: team.id } });
  const agentEmail = "agent@e2e.test";
  await gql.call(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
    i: { email: agentEmail, name: "Alex Agent", password: PASSWORD, role: "agent", teamId: team.id },
  });
  const analystEmail = "analyst@e2e.test";
  await gql.call(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
    i: { email: analystEmail, name: "Ana Analyst", password: PASSWORD, role: "analyst", teamId: team.id },
  });
  const specs = [
    { title: "Checkout returns HTTP 500 for card payments", description: "Since 09:40 about 30% of card payments fail at the payment step with a 500.", impact: 1, urgency: 1, severity: "SEV1", serviceId: service.id, teamId: team.id },
    { title: "Order confirmation emails delayed by 20 minutes", description: "Customers report confirmation emails arriving late.", impact: 2, urgency: 2, severity: "SEV3", teamId: team.id },
    { title: "Password reset link expired for one user", description: "A single user cannot reset their password.", impact: 3, urgency: 3 },
  ];
  const { createTeam: identity } = await gql.call(`mutation($i: CreateTeamInput!) { createTeam(input: $i) { id } }`, { i: { name: "Identity & Access" } });
  await seedHistory(api, gql, [team.id, team.id, identity.id]);

  const incidents: Seeded["incidents"] = [];
  for (const i of specs) {
    const { createIncident } = await gql.call(`mutation($i: CreateIncidentInput!) { createIncident(input: $i) { id key title } }`, { i });
    incidents.push(createIncident);
  }
  // Each new incident is triaged by the worker; wait until all have their suggestions.
  await waitFor(async () => {
    for (const i of incidents) {
      const { incident } = await gql.call(`query($id: ID!) { incident(id: $id) { suggestions { id } } }`, { id: i.id });
      if (incident.suggestions.length === 0) return false;
    }
    return true;
  }, "suggestions for the new incidents");
  return { agentEmail, analystEmail, incidents };
}

/** Three clearly different kinds of trouble, so models trained on 60 incidents learn them. */
const TOPICS = [
  { severity: "SEV1", category: "database", words: ["database", "postgres", "primary", "replication", "deadlock", "connection", "pool", "query", "timeout", "disk"] },
  { severity: "SEV2", category: "payments", words: ["checkout", "payment", "card", "gateway", "http", "500", "errors", "orders", "declined", "stripe"] },
  { severity: "SEV3", category: "access", words: ["login", "password", "sso", "account", "locked", "mfa", "token", "permission", "reset", "user"] },
] as const;

/**
 * Closed, labelled history, then one training run, so new incidents get real suggestions.
 * Closing is done in SQL: the history only has to exist, not to have walked the lifecycle.
 */
async function seedHistory(api: ApiHandle, gql: ReturnType<typeof graphqlClient>, teamIds: string[]): Promise<void> {
  const words = (list: readonly string[], i: number, n: number) => Array.from({ length: n }, (_, k) => list[(i * 7 + k * 3) % list.length]).join(" ");
  for (let i = 0; i < 20; i++) {
    for (const [t, topic] of TOPICS.entries()) {
      await gql.call(`mutation($i: CreateIncidentInput!) { createIncident(input: $i) { id } }`, {
        i: {
          title: `${topic.words[i % 10]} ${words(topic.words, i, 3)} problem`,
          description: `Users report ${words(topic.words, i + t, 8)}.`,
          category: topic.category,
          severity: topic.severity,
          teamId: teamIds[t],
          impact: 2,
          urgency: 2,
        },
      });
    }
  }
  await api.dataSource.query(
    `UPDATE incident SET stage = 'closed', closed_at = now(), created_at = now() - (number * interval '1 hour'), resolution = 'Fixed by the on-call engineer'`,
  );
  await waitFor(async () => {
    const rows = (await api.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL`)) as Array<{ n: number }>;
    return rows[0]!.n === 0;
  }, "the outbox to drain");
  const { retrainModels } = await gql.call(`mutation { retrainModels { id } }`);
  const run = await waitFor(async () => {
    const { trainingRun } = await gql.call(`query($id: ID!) { trainingRun(id: $id) { status error } }`, { id: retrainModels.id });
    return trainingRun.status === "succeeded" || trainingRun.status === "failed" ? trainingRun : false;
  }, "the first training run", 120_000);
  if (run.status !== "succeeded") throw new Error(`training failed: ${run.error}`);
}

export async function waitFor<T>(probe: () => Promise<T | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startWeb(apiUrl: string): Promise<{ url: string; stop(): Promise<void>; output(): string }> {
  const distDir = process.env.QUELL_NEXT_DIST_DIR || ".next";
  if (!existsSync(path.join(webDir, distDir, "BUILD_ID"))) {
    throw new Error(`web/${distDir} is missing: run \`QUELL_NEXT_DIST_DIR=${distDir} npm run -w web build\` (the test:browser script does).`);
  }
  const port = await freePort();
  const nextBin = requireFromRepo.resolve("next/dist/bin/next");
  let log = "";
  const child: ChildProcess = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: webDir,
    env: { ...process.env, QUELL_NEXT_DIST_DIR: distDir, NEXT_PUBLIC_QUELL_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (b: Buffer) => (log += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (log += b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited early:\n${log}`);
    try {
      const res = await fetch(`${url}/login`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`next start did not answer within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    output: () => log,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
/** Where every browser test keeps the screenshots it takes (look at them after a run). */
export const screenshotsDir = path.join(webDir, "test/screenshots");

/**
 * Debian's chromium (never a downloaded browser) with a fresh profile; close() removes the profile.
 * CHROMIUM_PATH points at another binary.
 */
export async function launchChromium(options: { timezoneId?: string; acceptDownloads?: boolean } = {}): Promise<{ page: Page; close(): Promise<void> }> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`Chromium is not at ${executablePath}: \`apt-get install -y chromium\` (never a downloaded browser), or set CHROMIUM_PATH.`);
  mkdirSync(screenshotsDir, { recursive: true });
  const profileDir = mkdtempSync(path.join(os.tmpdir(), "quell-chromium-"));
  const context = await chromium.launchPersistentContext(profileDir, { executablePath, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1360, height: 900 }, ...options });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  return {
    page,
    async close() {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** A full-page screenshot in test/screenshots/<name>.png. */
export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: path.join(screenshotsDir, `${name}.png`), fullPage: true });
}

const AXE_SOURCE = readFileSync(createRequire(path.join(repoDir, "package.json")).resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core's serious and critical violations on the page as it is now, or inside `selector`, as
 * "rule (impact): targets" lines (empty when clean). It runs axe's default rule set: WCAG 2.x A/AA
 * and best practices, the strictest any of our pages was held to.
 */
export async function seriousAxeViolations(page: Page, selector?: string): Promise<string[]> {
  // Pages set their title once their data is in; let it settle (a page that never sets one still fails document-title).
  await page.waitForFunction(() => document.title.trim() !== "", null, { timeout: 10_000 }).catch(() => undefined);
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = (await page.evaluate(async (scope) => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: object): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(scope ? document.querySelector(scope) : document, { resultTypes: ["violations"] })).violations;
  }, selector ?? null)) as Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }>;
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 5).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ""}`).join(" | ")}`);
}

/** Signs in through the login form and waits until `ready` (by default the queue's heading) shows. */
export async function signIn(page: Page, webUrl: string, email: string, options: { password?: string; next?: string; ready?: (page: Page) => Promise<void> } = {}): Promise<void> {
  await page.goto(`${webUrl}/login${options.next ? `?next=${options.next}` : ""}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(options.password ?? PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await (options.ready ? options.ready(page) : page.getByRole("heading", { name: "Triage queue" }).waitFor());
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login/);
}
