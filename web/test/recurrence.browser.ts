// Browser test: the problem candidates inbox against the real API (recurrence job in-process),
// through Debian's chromium. Run with `npm run test:browser`.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlClient, launchChromium, PASSWORD, screenshot, seed, seriousAxeViolations, signIn as signInAt, signOut, startApi, startWeb, waitFor } from "./support/stack";

const MANAGER = "problems@e2e.test";

let stopApi: (() => Promise<void>) | null = null;
let web: Awaited<ReturnType<typeof startWeb>> | null = null;
let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
let agentEmail = "";
let page: Page;
const backupIds: string[] = [];

const shot = (name: string) => screenshot(page, name);
const expectAccessible = async () => expect(await seriousAxeViolations(page)).toEqual([]);
/** Signs in straight to the candidates inbox. */
const signIn = (email: string) =>
  signInAt(page, web!.url, email, { next: "/problems/candidates", ready: (p) => p.getByRole("heading", { name: "Problem candidates" }).waitFor() });

beforeAll(async () => {
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
  browser = await launchChromium();
  page = browser.page;
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await stopApi?.();
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
    await signOut(page);
    await signIn(agentEmail);
    await page.locator("p.muted", { hasText: "open candidate" }).waitFor();
    await expect(page.getByRole("button", { name: "Accept as a new problem" }).count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: "Dismiss" }).count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: "Merge into problem" }).count()).resolves.toBe(0);
    await expectAccessible();
    await shot("recurrence-03-inbox-agent");
  });
});
