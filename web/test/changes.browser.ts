// Browser test for change management: a change manager approves from the inbox, over a conflict,
// and sees the conflict on the calendar. Run with `npm run test:browser`.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlClient, launchChromium, PASSWORD, screenshot, seriousAxeViolations, signIn, signOut, startApi, startWeb } from "./support/stack";

const HOUR = 3_600_000;

let stopApi: (() => Promise<void>) | null = null;
let web: Awaited<ReturnType<typeof startWeb>> | null = null;
let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
let page: Page;
let changeKey = "";
let otherKey = "";
let windowStart: Date;
let causeKey = "";
let incidentKey = "";
let problemKey = "";

const shot = (name: string) => screenshot(page, name);
const seriousViolations = (selector?: string) => seriousAxeViolations(page, selector);

beforeAll(async () => {
  const started = await startApi();
  stopApi = started.stop;
  const api = started.api;
  await api.services.users.createUser(null, { email: "admin@chg.test", name: "Ada Admin", password: PASSWORD, role: "admin" });
  const admin = graphqlClient(api.http.url);
  await admin.login("admin@chg.test", PASSWORD);
  const { createTeam: team } = await admin.call(`mutation { createTeam(input: { name: "Payments SRE" }) { id } }`);
  const service = async (name: string, criticality: string) =>
    (await admin.call(`mutation($i: CreateServiceInput!) { createService(input: $i) { id } }`, { i: { name, ownerTeamId: team.id, criticality } })).createService.id as string;
  const checkout = await service("Checkout", "critical");
  const db = await service("orders-db", "critical");
  await admin.call(`mutation($s: ID!, $d: ID!) { addServiceDependency(serviceId: $s, dependsOnId: $d) { serviceId } }`, { s: checkout, d: db });
  for (const [email, name, role] of [
    ["agent@chg.test", "Alex Agent", "agent"],
    ["chen@chg.test", "Chen Change-Manager", "change_manager"],
    ["cara@chg.test", "Cara CAB", "change_manager"],
  ]) {
    await admin.call(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: { email, name, password: PASSWORD, role, teamId: team.id } });
  }
  const agent = graphqlClient(api.http.url);
  await agent.login("agent@chg.test", PASSWORD);
  // Next Wednesday 10:00-12:00 UTC, so the week view shows it whatever day the test runs.
  const now = new Date();
  windowStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + ((3 - now.getUTCDay() + 7) % 7 || 7), 10));
  const plans = { implementationPlan: "Blue/green deploy", backoutPlan: "Switch back to blue", testPlan: "Smoke tests" };
  const create = async (title: string, serviceIds: string[], offsetHours: number) =>
    (
      await agent.call(`mutation($i: CreateChangeInput!) { createChange(input: $i) { id key version } }`, {
        i: { title, serviceIds, plannedStart: new Date(windowStart.getTime() + offsetHours * HOUR), plannedEnd: new Date(windowStart.getTime() + (offsetHours + 2) * HOUR), ...plans },
      })
    ).createChange;
  const other = await create("orders-db minor upgrade", [db], 1);
  otherKey = other.key;
  const change = await create("Checkout 3-D Secure release", [checkout], 0);
  changeKey = change.key;
  const submitted = (await agent.call(`mutation($i: TransitionChangeInput!) { transitionChange(input: $i) { version } }`, { i: { id: change.id, version: change.version, to: "assessing" } })).transitionChange;
  // The first CAB member approves through the API; the second decides in the browser.
  const cara = graphqlClient(api.http.url);
  await cara.login("cara@chg.test", PASSWORD);
  await cara.call(`mutation($i: DecideChangeInput!) { approveChange(input: $i) { stage } }`, { i: { id: change.id, version: submitted.version, comment: "Plans look fine" } });

  // A change implemented just now on Checkout, then an incident on Checkout: "What changed?" lists it.
  const chen = graphqlClient(api.http.url);
  await chen.login("chen@chg.test", PASSWORD);
  const past = new Date(Date.now() - 2 * HOUR);
  let cause = (
    await agent.call(`mutation($i: CreateChangeInput!) { createChange(input: $i) { id key version } }`, {
      i: { title: "Checkout payment SDK 5.0", serviceIds: [checkout], plannedStart: past, plannedEnd: new Date(past.getTime() + HOUR), ...plans },
    })
  ).createChange;
  causeKey = cause.key;
  const step = async (client: typeof agent, mutation: string, input: Record<string, unknown>) => {
    cause = { ...cause, ...(await client.call(`mutation($i: ${mutation === "transitionChange" ? "TransitionChangeInput" : "DecideChangeInput"}!) { ${mutation}(input: $i) { version } }`, { i: { id: cause.id, version: cause.version, ...input } }))[mutation] };
  };
  await step(agent, "transitionChange", { to: "assessing" });
  await step(cara, "approveChange", {});
  await step(chen, "approveChange", {});
  await step(agent, "transitionChange", { to: "scheduled" });
  await step(agent, "transitionChange", { to: "implementing" });
  await step(agent, "transitionChange", { to: "reviewing" });
  const { createIncident } = await agent.call(`mutation($i: CreateIncidentInput!) { createIncident(input: $i) { key } }`, {
    i: { title: "Card payments declined at checkout", impact: 1, urgency: 1, serviceId: checkout },
  });
  incidentKey = createIncident.key;

  problemKey = (
    await admin.call(`mutation($i: CreateProblemInput!) { createProblem(input: $i) { key } }`, {
      i: { title: "Card declines after SDK upgrades", statement: "Each payment SDK upgrade breaks signatures", serviceIds: [checkout] },
    })
  ).createProblem.key;

  web = await startWeb(api.http.url);
  browser = await launchChromium({ timezoneId: "UTC" });
  page = browser.page;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await stopApi?.();
});

describe("change management in the browser", () => {
  it("a change manager approves from the inbox over a conflict, then sees the conflict on the calendar", async () => {
    await signIn(page, web!.url, "chen@chg.test");
    await page.getByRole("link", { name: "Approvals" }).click();
    await page.getByRole("heading", { name: "Approvals inbox" }).waitFor();
    const item = page.getByRole("article", { name: new RegExp(changeKey) });
    await item.getByText("Not yet decided: Chen Change-Manager").waitFor();
    await item.getByText(otherKey).first().waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("changes-inbox");

    // The deciding approval is blocked by the conflict until an override reason is given.
    await item.getByRole("button", { name: `Approve ${changeKey}` }).click();
    await item.getByRole("alert").getByText(/conflict/).waitFor();
    await item.getByLabel("Override reason (needed to authorize)").fill("DB upgrade is online-only; agreed with DBRE");
    await item.getByRole("button", { name: `Approve ${changeKey}` }).click();
    await page.getByText(`${changeKey} approved; it is now authorized.`).waitFor();
    await page.getByText("Nothing waits for you.").waitFor();

    await page.goto(`${web!.url}/changes/calendar?date=${windowStart.toISOString().slice(0, 10)}`);
    const marked = page.locator(".rbc-event.change-conflict", { hasText: changeKey });
    await marked.first().waitFor();
    await expect.poll(() => marked.first().textContent()).toContain("⚠ Conflict");
    await page.getByRole("heading", { name: "Conflicts in this range" }).waitFor();
    await page.locator(".conflicts-list").getByText(new RegExp(`${otherKey}.*overlaps`)).first().waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("changes-calendar-week");

    await page.getByRole("button", { name: "Month" }).click();
    await page.locator(".rbc-month-view").waitFor();
    await shot("changes-calendar-month");

    await page.getByRole("link", { name: changeKey }).first().click();
    await page.getByRole("heading", { name: new RegExp(`${changeKey} Checkout 3-D Secure release`) }).waitFor();
    await page.getByText("Authorized over conflicts: DB upgrade is online-only; agreed with DBRE").waitFor();
    // The risk badge shows its reasons on keyboard focus.
    await page.locator(".risk-wrap button").first().focus();
    await expect.poll(() => page.locator(".risk-wrap .risk-tip").first().isVisible()).toBe(true);
    expect(await seriousViolations()).toEqual([]);
    await shot("changes-page");

    await page.goto(`${web!.url}/changes`);
    await page.getByRole("heading", { name: "Changes" }).waitFor();
    await page.getByRole("link", { name: new RegExp(changeKey) }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("changes-list");
  });

  it("an agent sees the change under 'What changed?' on an incident and marks it as the cause in one click", async () => {
    await signOut(page);
    await signIn(page, web!.url, "agent@chg.test");
    // Signed in as the agent: the top bar names them and has no approvals inbox.
    await page.locator(".topbar-user").getByText("Alex Agent").waitFor();
    expect(await page.getByRole("link", { name: "Approvals" }).count()).toBe(0);
    await page.goto(`${web!.url}/incidents/${incidentKey}`);
    const panel = page.getByRole("region", { name: "What changed?" });
    await panel.getByText(new RegExp(`${causeKey} .*the incident's service`)).waitFor();
    await panel.getByRole("button", { name: "Caused by this change" }).click();
    await panel.getByText(`${causeKey} marked as the cause`).waitFor();
    await panel.getByText("Recorded as the cause").waitFor();
    await panel.getByRole("link", { name: `${causeKey} Checkout payment SDK 5.0` }).first().waitFor();
    expect(await seriousViolations("section.what-changed")).toEqual([]);
    await shot("changes-incident-what-changed");
  });

  it("an agent raises a change from a problem page, pre-filled and linked to the problem", async () => {
    await page.goto(`${web!.url}/problems/${problemKey}`);
    await page.getByRole("link", { name: "Raise a change to fix this" }).click();
    await expect.poll(() => page.getByLabel("Title").inputValue()).toBe("Fix: Card declines after SDK upgrades");
    await expect.poll(() => page.getByLabel("Checkout").isChecked()).toBe(true);
    await page.getByLabel("Implementation plan").fill("Pin the SDK and verify signatures in CI");
    await page.getByLabel("Backout plan").fill("Revert the pin");
    await page.getByRole("button", { name: "Raise change" }).click();
    const fixes = page.getByRole("region", { name: "Linked records" });
    await fixes.getByText(`${problemKey} Card declines after SDK upgrades`).waitFor();
    // Raised without a window: submitting is refused with the reason alone, not "Allowed next: assessing, …"
    // naming the move just refused; the buttons read like the incident and problem pages' ("Move to Cancelled").
    await page.getByRole("button", { name: "Move to Cancelled" }).waitFor();
    await page.getByRole("button", { name: "Submit for assessment" }).click();
    const refusal = page.getByRole("region", { name: "Stage", exact: true }).getByRole("alert");
    await refusal.getByText(/needs a planned window/).waitFor();
    expect(await refusal.textContent()).not.toMatch(/Allowed next/);
    expect(await seriousViolations()).toEqual([]);
    await shot("changes-raised-from-problem");
  });
});
