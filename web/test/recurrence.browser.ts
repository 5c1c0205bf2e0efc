// Browser test: the problem candidates inbox against the real API (recurrence job in-process),
// through Debian's chromium. Run with `npm run test:browser`.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlClient, PASSWORD, repoDir, seed, startApi, startWeb, waitFor, webDir } from "./support/stack";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = path.join(webDir, "test/screenshots");
const AXE = readFileSync(createRequire(path.join(repoDir, "package.json")).resolve("axe-core/axe.min.js"), "utf8");
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const MANAGER = "problems@e2e.test";

if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH.`);

let stopApi: (() => Promise<void>) | null = null;
let web: Awaited<ReturnType<typeof startWeb>> | null = null;
let context: BrowserContext | null = null;
let profileDir = "";
let agentEmail = "";
let page: Page;
const backupIds: string[] = [];

const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

/** axe-core on the current page: no serious or critical violation. */
async function expectAccessible(): Promise<void> {
  await page.addScriptTag({ content: AXE });
  const violations = (await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }).axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  })) as Array<{ id: string; impact: string; nodes: number }>;
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
}

async function signIn(email: string): Promise<void> {
  await page.goto(`${web!.url}/login?next=/problems/candidates`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Problem candidates" }).waitFor();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const started = await startApi();
  stopApi = started.stop;
  const api = started.api;
  ({ agentEmail } = await seed(api));
  const admin = graphqlClient(api.http.url);
  await admin.login("admin@e2e.test", PASSWORD);
  await admin.call(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: { email: MANAGER, name: "Pat Problem", password: PASSWORD, role: "problem_manager" } });
  // Three nightly backup failures: the recurrence job groups them after triage.
  for (const [title, description] of [
    ["Nightly backup job times out on the storage array", "the nightly backup to the storage array timed out after 4 hours"],
    ["Storage array backup timed out again overnight", "nightly backup job to the storage array times out"],
    ["Backup to storage array times out every night", "nightly backup job timed out writing to the storage array"],
  ]) {
    const { createIncident } = await admin.call(`mutation($i: CreateIncidentInput!) { createIncident(input: $i) { id } }`, { i: { title, description, impact: 2, urgency: 2 } });
    backupIds.push(createIncident.id);
  }
  await waitFor(async () => {
    const { problemCandidates } = await admin.call(`{ problemCandidates { edges { node { incidentIds } } } }`);
    return problemCandidates.edges.some((e: { node: { incidentIds: string[] } }) => backupIds.every((id) => e.node.incidentIds.includes(id))) || false;
  }, "a candidate for the backup incidents", 120_000);
  web = await startWeb(api.http.url);
  profileDir = mkdtempSync(path.join(os.tmpdir(), "quell-chromium-"));
  context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1360, height: 900 } });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
}, 600_000);

afterAll(async () => {
  await context?.close();
  await web?.stop();
  await stopApi?.();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

describe("problem candidates inbox", () => {
  it("shows a problem manager each candidate with its evidence, a timeline and the three decisions", async () => {
    await signIn(MANAGER);
    const card = page.locator("article.candidate", { hasText: "Nightly backup job times out" });
    await card.waitFor();
    await shot("recurrence-01-inbox-problem-manager");
    // One dot and one line per incident; the three backup failures are among them.
    const items = await card.locator(".timeline-list li").count();
    expect(items).toBeGreaterThanOrEqual(3);
    await expect(card.locator(".timeline-dot").count()).resolves.toBe(items);
    const list = (await card.locator(".timeline-list").textContent()) ?? "";
    for (const title of ["Nightly backup job times out", "Storage array backup timed out again", "Backup to storage array times out"]) expect(list).toContain(title);
    const evidence = (await card.locator(".evidence").textContent()) ?? "";
    for (const label of ["Time span", "per week", "Open in total", "Cohesion", "Services", "Teams", "Shared words"]) expect(evidence).toContain(label);
    await expect(card.locator(".evidence .badge", { hasText: "backup" }).count()).resolves.toBe(1);
    for (const name of ["Accept as a new problem", "Merge into problem", "Dismiss"]) await expect(card.getByRole("button", { name }).count()).resolves.toBe(1);
    await expectAccessible();
    await shot("recurrence-01-inbox-problem-manager");
  });

  it("accepts a candidate in one click and opens the new problem with its incidents linked", async () => {
    const card = page.locator("article.candidate", { hasText: "Nightly backup job times out" });
    await card.getByRole("button", { name: "Accept as a new problem" }).click();
    await page.waitForURL(/\/problems\/PRB-\d+/);
    await page.getByRole("heading", { name: /Nightly backup job times out/ }).first().waitFor();
    await expect.poll(async () => (await page.locator("main").textContent()) ?? "").toContain("Storage array backup timed out again overnight");
    await shot("recurrence-02-accepted-problem");
    await page.goto(`${web!.url}/problems/candidates`);
    await page.getByRole("heading", { name: "Problem candidates" }).waitFor();
    await expect.poll(() => page.locator("article.candidate", { hasText: "Nightly backup job times out" }).count()).toBe(0);
  });

  it("shows an agent the candidates without any write control", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await signIn(agentEmail);
    await page.locator("p.muted", { hasText: "open candidate" }).waitFor();
    await expect(page.getByRole("button", { name: "Accept as a new problem" }).count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: "Dismiss" }).count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: "Merge into problem" }).count()).resolves.toBe(0);
    await expectAccessible();
    await shot("recurrence-03-inbox-agent");
  });
});
