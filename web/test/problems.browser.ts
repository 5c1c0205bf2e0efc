// Browser test for problem management: a problem manager turns incidents into a problem, writes
// its analysis and makes it a known error; an agent then sees the workaround on a new incident.
// Run with `npm run test:browser` (builds the API and the web app first).
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlClient, launchChromium, PASSWORD, screenshot, seed, seriousAxeViolations, signIn as signInAt, signOut as signOutOf, startApi, startWeb, waitFor, type Seeded } from "./support/stack";

let stopApi: (() => Promise<void>) | null = null;
let web: Awaited<ReturnType<typeof startWeb>> | null = null;
let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
let apiUrl = "";
let data: Seeded;
let page: Page;
const recurring: Array<{ id: string; key: string; title: string }> = [];
let problemKey = "";

const shot = (name: string) => screenshot(page, name);
const expectAccessible = async (what: string) => expect(await seriousAxeViolations(page), what).toEqual([]);
const signIn = (email: string) => signInAt(page, web!.url, email);
const signOut = () => signOutOf(page);

beforeAll(async () => {
  const started = await startApi();
  stopApi = started.stop;
  apiUrl = started.api.http.url;
  data = await seed(started.api);
  const admin = graphqlClient(apiUrl);
  await admin.login("admin@e2e.test", PASSWORD);
  await admin.call(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: { email: "problems@e2e.test", name: "Pat Problem", password: PASSWORD, role: "problem_manager" } });
  const agent = graphqlClient(apiUrl);
  await agent.login(data.agentEmail, PASSWORD);
  for (const n of [1, 2, 3]) {
    const { createIncident } = await agent.call(`mutation($i: CreateIncidentInput!) { createIncident(input: $i) { id key title } }`, {
      i: { title: `Checkout payment gateway returns HTTP 500 (${n})`, description: "Card payments declined at checkout; gateway errors on orders.", impact: 2, urgency: 1 },
    });
    recurring.push(createIncident);
  }
  web = await startWeb(apiUrl);
  browser = await launchChromium();
  page = browser.page;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await stopApi?.();
});

describe("problem management in the web app", () => {
  it("lets a problem manager create a problem from an incident and link the recurring ones", async () => {
    await signIn("problems@e2e.test");
    await page.goto(`${web!.url}/incidents/${recurring[0]!.key}`);
    await page.getByRole("button", { name: "Create problem from this incident" }).click();
    await page.waitForURL(/\/problems\/PRB-\d{6}$/);
    problemKey = decodeURIComponent(page.url().split("/").pop()!);
    await page.getByRole("heading", { name: new RegExp(`${problemKey}`) }).waitFor();
    await page.getByLabel("Link incidents (numbers, comma-separated)").fill(`${recurring[1]!.key}, ${recurring[2]!.key}`);
    await page.getByRole("button", { name: "Link", exact: true }).click();
    const rows = page.locator("section[aria-labelledby='linked-title'] tbody tr");
    await expect.poll(() => rows.count()).toBe(3);
  });

  it("writes the root cause with 5 whys and a workaround, and walks the problem to known error", async () => {
    await page.getByRole("button", { name: "Move to Investigating" }).click();
    await page.getByRole("status").filter({ hasText: "Moved to Investigating." }).waitFor();
    await page.getByRole("button", { name: "Write root cause" }).click();
    await page.getByLabel("Root cause", { exact: true }).fill("The gateway client pool is capped at 10 connections; bursts queue until the gateway times out.");
    await page.getByLabel("Contributing factors (one a line)").fill("pool size never revisited\nno alert on pool saturation");
    await page.getByLabel("Why 1").fill("Why do card payments fail with 500?");
    await page.getByLabel("Because").fill("The gateway client times out waiting for a pooled connection.");
    await page.getByRole("button", { name: "Add another why" }).click();
    await page.getByLabel("Why 2").fill("Why is no connection free?");
    await page.getByLabel("Because").nth(1).fill("The pool is capped at 10 and bursts need 40.");
    await page.getByRole("button", { name: "Save analysis" }).click();
    await page.locator(".five-whys li").nth(1).waitFor();
    await page.getByRole("button", { name: "Move to Root cause known" }).click();
    await page.getByRole("status").filter({ hasText: "Moved to Root cause known." }).waitFor();
    await page.getByLabel("Record a workaround").fill("Restart the checkout-gateway pods one at a time; errors stop within a minute.");
    await page.getByRole("button", { name: "Save workaround" }).click();
    await page.getByText("Written by Pat Problem").waitFor();
    await page.getByRole("button", { name: "Move to Known error" }).click();
    await page.getByRole("status").filter({ hasText: "Moved to Known error." }).waitFor();
    await page.locator(".badges .badge.pstage-known_error").waitFor();
    // Resolving without the fix is refused with the reason in words: no "known_error", and no
    // "Allowed next: resolved" for the very move that was just refused.
    await page.getByRole("button", { name: "Move to Resolved" }).click();
    const refusal = page.getByRole("alert").filter({ hasText: "fix" });
    await expect.poll(() => refusal.textContent()).toMatch(/^Cannot move from known error to resolved: .*fix/);
    expect(await refusal.textContent()).not.toMatch(/Allowed next/);
  });

  it("shows the linked incidents and their weekly chart (Recharts), accessibly", async () => {
    await page.locator("figure.chart svg.recharts-surface").waitFor();
    await expect.poll(() => page.locator("figure.chart .recharts-bar-rectangle").count()).toBeGreaterThan(0);
    await expect(page.locator("figure.chart figcaption").textContent()).resolves.toMatch(/: 3$/);
    await shot("problems-01-known-error");
    await expectAccessible("problem page");
    // Phone-wide: the page never scrolls sideways; wide tables scroll inside their card.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot("problems-01b-narrow");
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it("lists the problem with its linked-incident count and known-error badge", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Problems" }).click();
    const row = page.locator("table.problems tbody tr", { hasText: problemKey });
    await row.waitFor();
    await expect(row.textContent()).resolves.toMatch(/Known error/);
    await expect(row.locator("td").nth(4).textContent()).resolves.toMatch(/^3 \(3 open\)/);
    await page.getByLabel("Known error", { exact: true }).selectOption("no");
    await expect.poll(() => page.locator("table.problems tbody tr", { hasText: problemKey }).count()).toBe(0);
    await page.getByLabel("Known error", { exact: true }).selectOption("yes");
    await row.waitFor();
    await shot("problems-02-list");
    await expectAccessible("problems list");
    await signOut();
  });

  it("shows an agent the workaround on a new similar incident and links it in one click, without problem-owner controls", async () => {
    const agent = graphqlClient(apiUrl);
    await agent.login(data.agentEmail, PASSWORD);
    const { createIncident: fresh } = await agent.call(`mutation($i: CreateIncidentInput!) { createIncident(input: $i) { id key } }`, {
      i: { title: "Checkout payment gateway returns HTTP 500 again", description: "Card payments declined at checkout; gateway errors on orders.", impact: 2, urgency: 1 },
    });
    await waitFor(async () => {
      const { incident } = await agent.call(`query($id: ID!) { incident(id: $id) { suggestions { kind abstained } } }`, { id: fresh.id });
      return incident.suggestions.some((s: { kind: string; abstained: boolean }) => s.kind === "problem" && !s.abstained) || false;
    }, "the problem suggestion");
    await signIn(data.agentEmail);
    await page.goto(`${web!.url}/incidents/${fresh.key}`);
    const card = page.locator(".problem-suggestion");
    await card.waitFor();
    await expect(card.textContent()).resolves.toContain("Restart the checkout-gateway pods one at a time");
    await expect(page.getByRole("button", { name: "Create problem from this incident" }).count()).resolves.toBe(0);
    await shot("problems-03-agent-suggestion");
    await expectAccessible("incident page with a problem suggestion");
    await card.getByRole("button", { name: `Link to ${problemKey}` }).click();
    const top = page.locator("section.problem-link.known");
    await top.waitFor();
    await expect(top.textContent()).resolves.toContain("Workaround: Restart the checkout-gateway pods one at a time");
    await shot("problems-04-agent-known-error");

    await page.goto(`${web!.url}/problems/${problemKey}`);
    await page.getByRole("heading", { name: "Linked incidents (4)" }).waitFor();
    await expect(page.getByRole("button", { name: /^Move to/ }).count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: "Save workaround" }).count()).resolves.toBe(0);
    await expect(page.getByLabel("Link incidents (numbers, comma-separated)").count()).resolves.toBe(1);
    await expectAccessible("problem page as an agent");
  });
});
