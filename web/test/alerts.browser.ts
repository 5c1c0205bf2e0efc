// Browser test for event management: alerts sent to the webhooks show on the Alerts page with their
// counts and incidents; an agent merges two; the incident page lists its alerts. Screenshots in
// test/screenshots (alerts-*.png). Run with `npm run test:browser`.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlClient, launchChromium, PASSWORD, screenshot, seriousAxeViolations, signIn, startApi, startWeb, waitFor } from "./support/stack";

let stopApi: (() => Promise<void>) | null = null;
let web: Awaited<ReturnType<typeof startWeb>> | null = null;
let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
let page: Page;
let admin: ReturnType<typeof graphqlClient>;

const shot = (name: string) => screenshot(page, name);
const seriousViolations = () => seriousAxeViolations(page);

beforeAll(async () => {
  const started = await startApi();
  stopApi = started.stop;
  const api = started.api;
  await api.services.users.createUser(null, { email: "admin@alerts.test", name: "Ada Admin", password: PASSWORD, role: "admin" });
  admin = graphqlClient(api.http.url);
  await admin.login("admin@alerts.test", PASSWORD);
  const { createTeam: team } = await admin.call(`mutation { createTeam(input: { name: "Platform SRE" }) { id } }`);
  for (const name of ["Checkout", "Search"]) await admin.call(`mutation($i: CreateServiceInput!) { createService(input: $i) { id } }`, { i: { name, ownerTeamId: team.id, criticality: "high" } });
  await admin.call(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: { email: "agent@alerts.test", name: "Alex Agent", password: PASSWORD, role: "agent", teamId: team.id } });
  const { saveAlertIntegration } = await admin.call(`mutation { saveAlertIntegration(input: { name: "PagerDuty", source: pagerduty, serviceLabel: "component" }) { token } }`);
  const send = (body: unknown) => fetch(`${api.http.url}/hooks/pagerduty`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${saveAlertIntegration.token}` }, body: JSON.stringify(body) });
  const trigger = (dedup: string, summary: string, component: string, severity: string, n: number) => ({ event_action: "trigger", dedup_key: dedup, payload: { summary, source: "prod-1", severity, component, custom_details: { n } } });
  for (let i = 0; i < 3; i++) await send(trigger("co-latency", "Checkout p99 latency above 2 s", "Checkout", "critical", i));
  await send(trigger("search-errors", "Search 5xx rate above 5%", "Search", "error", 0));
  await waitFor(async () => ((await admin.call(`{ alerts(filter: { unplaced: false }) { edges { node { incident { id } count } } } }`)).alerts.edges.filter((e: any) => e.node.incident).length === 2 ? true : false), "alerts correlated");
  web = await startWeb(api.http.url);
  browser = await launchChromium({ timezoneId: "UTC" });
  page = browser.page;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await stopApi?.();
});

describe("alerts in the browser", () => {
  it("an agent sees deduplicated alerts with their incidents, merges two, and finds them on the incident page", async () => {
    await signIn(page, web!.url, "agent@alerts.test");
    await page.getByRole("link", { name: "Alerts" }).click();
    await page.getByRole("heading", { name: "Alerts" }).waitFor();
    const checkoutRow = page.getByRole("row", { name: /Checkout p99 latency/ });
    await checkoutRow.waitFor();
    // Three deliveries of one dedup key: one alert, counted three times.
    await expect(checkoutRow.getByRole("cell", { name: "3", exact: true }).count()).resolves.toBe(1);
    expect(await seriousViolations()).toEqual([]);
    await shot("alerts-list");

    await page.getByLabel("Select Checkout p99 latency above 2 s").check();
    await page.getByLabel("Select Search 5xx rate above 5%").check();
    await page.getByRole("button", { name: "Merge selected" }).click();
    await waitFor(async () => {
      const rows = (await admin.call(`{ alerts { edges { node { incident { id key } } } } }`)).alerts.edges;
      return new Set(rows.map((e: any) => e.node.incident.id)).size === 1 ? true : false;
    }, "merged into one incident");
    const key = (await admin.call(`{ alerts { edges { node { incident { key } } } } }`)).alerts.edges[0].node.incident.key as string;
    await page.getByRole("row", { name: /Search 5xx/ }).getByRole("link", { name: key }).waitFor();
    await shot("alerts-merged");

    await page.getByRole("row", { name: /Search 5xx/ }).getByRole("link", { name: key }).click();
    await page.getByRole("heading", { name: /Alerts \(2\)/ }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("alerts-incident");
  });

  it("shows an analyst the list without merge or split controls", async () => {
    await admin.call(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: { email: "ana@alerts.test", name: "Ana Analyst", password: PASSWORD, role: "analyst" } });
    await page.context().clearCookies();
    await page.evaluate(() => localStorage.clear());
    await signIn(page, web!.url, "ana@alerts.test");
    await page.getByRole("link", { name: "Alerts" }).click();
    await page.getByRole("row", { name: /Checkout p99 latency/ }).waitFor();
    expect(await page.getByRole("button", { name: "Merge selected" }).count()).toBe(0);
    expect(await page.getByRole("checkbox").count()).toBe(0);
  });
});
