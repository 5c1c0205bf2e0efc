// Browser test of service levels and notifications: SLA badges in the queue (sorted by time left),
// the incident's SLA panel with hold and follow, the admin pages for SLA policies, calendars and
// webhooks (secret once, delivery log, replay), and the personal notifications page. Real API
// (embedded PGlite, in-process workers), built web app, Debian's chromium, axe-core.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { graphqlClient, launchChromium, PASSWORD, screenshot, screenshotsDir, seriousAxeViolations, signIn as signInAt, signOut as signOutOf, startApi, startWeb } from "./support/stack";

let stopApi: (() => Promise<void>) | null = null;
let web: Awaited<ReturnType<typeof startWeb>> | null = null;
let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
let page: Page;
let receiver: http.Server;
let receiverUrl = "";
const received: string[] = [];
const incidents: Record<string, { id: string; key: string }> = {};
/** The API's database and SLA service, to make a clock fall due without waiting for it. */
let backend: { dataSource: { query(sql: string, params?: unknown[]): Promise<unknown> }; services: { sla: { check(incidentId: string): Promise<unknown[]> } } };

const ADMIN = "root@sla.test";
const AGENT = "agent@sla.test";
const ANALYST = "analyst@sla.test";
const shot = (name: string) => screenshot(page, `sla-${name}`);
const seriousViolations = () => seriousAxeViolations(page);
const signIn = (email: string) => signInAt(page, web!.url, email);
const signOut = () => signOutOf(page);

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push(body);
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const started = await startApi();
  stopApi = started.stop;
  backend = started.api as unknown as typeof backend;
  const apiUrl = started.api.http.url;
  await started.api.services.users.createUser(null, { email: ADMIN, name: "Rita Root", password: PASSWORD, role: "admin" });
  const gql = graphqlClient(apiUrl);
  await gql.login(ADMIN, PASSWORD);
  const { createTeam } = await gql.call(`mutation { createTeam(input: { name: "Payments SRE" }) { id } }`);
  await gql.call(`mutation($t: ID!) { createService(input: { name: "Checkout", ownerTeamId: $t, criticality: critical }) { id } }`, { t: createTeam.id });
  await gql.call(`mutation($t: ID!) { createUser(input: { email: "${AGENT}", name: "Alex Agent", password: "${PASSWORD}", role: agent, teamId: $t }) { id } }`, { t: createTeam.id });
  await gql.call(`mutation { createUser(input: { email: "${ANALYST}", name: "Ana Analyst", password: "${PASSWORD}", role: analyst }) { id } }`);
  for (const [priority, response, resolution] of [[1, 15, 240], [2, 30, 480], [3, 60, 1440], [4, 240, 2880], [5, 480, 4320]]) {
    await gql.call(`mutation($i: SaveSlaPolicyInput!) { saveSlaPolicy(input: $i) { id } }`, { i: { name: `P${priority} standard`, priority, responseTargetMinutes: response, resolutionTargetMinutes: resolution } });
  }
  for (const [name, impact, urgency] of [["Checkout payments fail for all cards", 1, 1], ["Printer on floor 3 jams", 3, 3], ["Slow search on the intranet", 2, 2]] as const) {
    const { createIncident } = await gql.call(`mutation($i: CreateIncidentInput!) { createIncident(input: $i) { id key } }`, { i: { title: name, impact, urgency } });
    incidents[name] = createIncident;
  }
  web = await startWeb(apiUrl);
  browser = await launchChromium();
  page = browser.page;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await stopApi?.();
  receiver?.close();
});

describe("service levels and notifications in the web app", () => {
  it("shows an SLA badge per incident in the queue, sortable by time left", async () => {
    await signIn(AGENT);
    await page.getByRole("button", { name: "SLA" }).click();
    await expect.poll(() => page.locator("tbody tr").first().textContent()).toContain("Checkout payments fail");
    await expect(page.locator("tbody tr").first().locator(".badge.sla").textContent()).resolves.toMatch(/left$/);
    expect(await seriousViolations()).toEqual([]);
    await shot("01-queue");
  });

  it("shows the incident's clocks, pauses them on hold, and follows the incident", async () => {
    await page.goto(`${web!.url}/incidents/${incidents["Printer on floor 3 jams"].key}`);
    const panel = page.getByRole("region", { name: "Service level" });
    await panel.getByText("P5 standard").waitFor();
    await panel.getByLabel("Put on hold").selectOption("awaiting_vendor");
    await panel.getByRole("button", { name: "Hold", exact: true }).click();
    await panel.getByText("SLA paused").waitFor();
    await panel.getByText("On hold: Waiting on a vendor").waitFor();
    await panel.getByRole("button", { name: "Follow this incident" }).click();
    await panel.getByRole("button", { name: "Following this incident" }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("02-incident-on-hold");
    await panel.getByRole("button", { name: "Resume work" }).click();
    await expect.poll(() => panel.locator(".badge.sla").textContent()).toMatch(/left$/);
  });

  it("lists the user's subscriptions on their notifications page", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Notifications" }).click();
    await page.getByRole("heading", { name: "My notifications" }).waitFor();
    await page.getByText(/^Incident:/).waitFor();
    await page.getByLabel("Service or team", { exact: true }).selectOption({ label: "Checkout" });
    await page.getByRole("button", { name: "Follow", exact: true }).click();
    await page.getByRole("button", { name: "Stop following Checkout" }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("03-notifications");
    await signOut();
  });

  it("offers an analyst no hold control on the incident page", async () => {
    await signIn(ANALYST);
    await page.goto(`${web!.url}/incidents/${incidents["Checkout payments fail for all cards"].key}`);
    const panel = page.getByRole("region", { name: "Service level" });
    await panel.getByText("P1 standard").waitFor();
    await expect(panel.getByLabel("Put on hold").count()).resolves.toBe(0);
    await signOut();
  });

  it("shows a recorded SLA breach and warning in the incident's timeline", async () => {
    const { id, key } = incidents["Slow search on the intranet"];
    // Time passes without waiting: the response deadline moves a minute into the past and the
    // resolution warning five, then the SLA service's check (what the timer job runs) records both.
    await backend.dataSource.query(`UPDATE sla_clock SET due_at = now() - interval '1 minute', warn_at = now() - interval '2 minutes' WHERE incident_id = $1 AND kind = 'response'`, [id]);
    await backend.dataSource.query(`UPDATE sla_clock SET warn_at = now() - interval '5 minutes' WHERE incident_id = $1 AND kind = 'resolution'`, [id]);
    const recorded = (await backend.services.sla.check(id)) as Array<{ kind: string; event: string }>;
    expect(recorded.map((a) => `${a.kind} ${a.event}`).sort()).toEqual(["resolution sla.warning", "response sla.breached"]);

    await signIn(AGENT);
    await page.goto(`${web!.url}/incidents/${key}`);
    const timeline = page.getByRole("region", { name: "Timeline" });
    const breach = timeline.getByRole("listitem").filter({ hasText: "Response SLA breached" });
    const warning = timeline.getByRole("listitem").filter({ hasText: "Resolution SLA warning" });
    await breach.waitFor();
    await expect(breach.locator(".tl-message").innerText()).resolves.toBe("Response SLA breached: the 1 h target passed");
    await expect(breach.locator(".badge.kind").innerText()).resolves.toBe("SLA");
    await expect(warning.locator(".tl-message").innerText()).resolves.toBe("Resolution SLA warning: the 24 h target is close");
    // Recorded by the system, not by a person.
    await expect(breach.locator(".tl-meta strong").innerText()).resolves.toMatch(/system/i);
    expect(await seriousViolations()).toEqual([]);
    await timeline.scrollIntoViewIfNeeded();
    await timeline.screenshot({ path: path.join(screenshotsDir, "sla-04-timeline-breach.png") });
    await shot("04-incident-sla-breached");
    await signOut();
  });

  it("lets an admin manage SLA policies and calendars with holidays", async () => {
    await signIn(ADMIN);
    await page.goto(`${web!.url}/admin`);
    await page.getByRole("button", { name: "SLA policies" }).click();
    await page.getByRole("row", { name: /P1 standard/ }).waitFor();
    await page.getByLabel(/^Name \(an existing name/).fill("Berlin office");
    await page.getByLabel("Public holidays of country (two letters, optional)").fill("DE");
    await page.getByLabel(/Other closed days/).fill("2026-12-31 New Year's Eve");
    await page.getByRole("button", { name: "Save calendar" }).click();
    await page.getByText(/Berlin office · Europe\/Berlin/).waitFor();
    await page.getByLabel("Priority", { exact: true }).selectOption("3");
    await page.getByLabel("Name", { exact: true }).fill("P3 business hours");
    await page.getByLabel("Calendar", { exact: true }).selectOption({ label: "Berlin office" });
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.getByRole("row", { name: /P3 business hours.*Berlin office/ }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("04-admin-sla");
  });

  it("adds a webhook (secret shown once), logs its deliveries and replays one", async () => {
    await page.getByRole("button", { name: "Webhooks" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Ops receiver");
    await page.getByLabel("URL (http or https)").fill(receiverUrl);
    await page.getByRole("button", { name: "Add webhook" }).click();
    await expect(page.locator("code.secret").textContent()).resolves.toMatch(/^whsec_/);
    await shot("05-webhook-secret");
    await page.getByRole("button", { name: "I have copied it" }).click();
    await expect(page.locator("code.secret").count()).resolves.toBe(0);
    // An event to deliver: the admin opens an incident.
    await page.goto(`${web!.url}/incidents/new`);
    await page.getByLabel("Title").fill("VPN drops every hour");
    await page.getByRole("button", { name: "Report incident" }).click();
    await page.waitForURL(/\/incidents\/INC-/);
    await expect.poll(() => received.length, { timeout: 20_000 }).toBeGreaterThan(0);
    await page.goto(`${web!.url}/admin`);
    await page.getByRole("button", { name: "Webhooks" }).click();
    await page.getByRole("button", { name: "Delivery log of Ops receiver" }).click();
    await page.getByRole("row", { name: /incident.create/ }).first().waitFor();
    const before = received.length;
    await page.getByRole("row", { name: /incident.create/ }).first().getByRole("button", { name: "Replay" }).click();
    await expect.poll(() => received.length, { timeout: 20_000 }).toBeGreaterThan(before);
    await page.getByText("(replay)").first().waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("06-delivery-log");
  });
});
