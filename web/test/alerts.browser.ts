// Browser test for event management: alerts sent to the webhooks show on the Alerts page with their
// counts and incidents; an agent merges two, then moves and splits with the keyboard alone; the
// incident page lists its alerts; an admin adds and revokes an integration, edits correlation rules
// and schedules maintenance. Screenshots in test/screenshots (alerts-*.png). Run with `npm run test:browser`.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlClient, launchChromium, PASSWORD, screenshot, seriousAxeViolations, signIn as signInAt, startApi, startWeb, waitFor } from "./support/stack";

let stopApi: (() => Promise<void>) | null = null;
let web: Awaited<ReturnType<typeof startWeb>> | null = null;
let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
let page: Page;
let admin: ReturnType<typeof graphqlClient>;
let apiUrl = "";
let database: { query(sql: string, params?: unknown[]): Promise<unknown> };

const shot = (name: string) => screenshot(page, name);
const seriousViolations = () => seriousAxeViolations(page);

beforeAll(async () => {
  const started = await startApi();
  stopApi = started.stop;
  const api = started.api;
  apiUrl = api.http.url;
  database = api.dataSource;
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

/** Signs in as `email` from a clean browser state, whoever was signed in before. */
async function signIn(email: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${web!.url}/login`);
  await page.evaluate(() => localStorage.clear());
  await signInAt(page, web!.url, email);
}

const alertIncidents = async () =>
  Object.fromEntries(((await admin.call(`{ alerts { edges { node { title placedBy incident { id key title } } } } }`)).alerts.edges as any[]).map((e) => [e.node.title, e.node]));

describe("alerts in the browser", () => {
  it("an agent sees deduplicated alerts with their incidents, merges two, and finds them on the incident page", async () => {
    await signIn("agent@alerts.test");
    await page.getByRole("link", { name: "Alerts" }).click();
    await page.getByRole("heading", { name: "Alerts" }).waitFor();
    const checkoutRow = page.getByRole("row", { name: /Checkout p99 latency/ });
    await checkoutRow.waitFor();
    // Three deliveries of one dedup key: one alert, counted three times.
    await expect(checkoutRow.getByRole("cell", { name: "3", exact: true }).count()).resolves.toBe(1);
    // First and last seen read like every other time in the app ("Nov 30, 2026, 9:02 AM"), not as an
    // ambiguous numeric date with seconds ("11/30/2026, 9:02:37 AM").
    const seen = (await checkoutRow.getByRole("cell").allTextContents()).filter((t) => /\d{4}/.test(t) && /:/.test(t));
    expect(seen).toHaveLength(2);
    for (const t of seen) expect(t).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s?[AP]M$/);
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
    await signIn("ana@alerts.test");
    await page.getByRole("link", { name: "Alerts" }).click();
    // The queue lists the incident the alert opened under the same title: wait for the Alerts page itself.
    await page.getByRole("heading", { name: "Alerts", level: 1 }).waitFor();
    await page.getByRole("row", { name: /Checkout p99 latency/ }).waitFor();
    expect(await page.getByRole("button", { name: "Merge selected" }).count()).toBe(0);
    expect(await page.getByRole("checkbox").count()).toBe(0);
    // The enum filters (EnumSelect) narrow the list and widen it again. Each label wraps its select,
    // so the select's name starts with the label's text.
    const filters = page.getByRole("search");
    await filters.getByLabel(/^Status/).selectOption("resolved");
    await page.getByText("0 alert(s)").waitFor();
    await filters.getByLabel(/^Status/).selectOption("");
    await filters.getByLabel(/^Source/).selectOption("pagerduty");
    await page.getByRole("row", { name: /Checkout p99 latency/ }).waitFor();
    await filters.getByLabel(/^Source/).selectOption("generic");
    await page.getByText("0 alert(s)").waitFor();
  });

  it("an agent moves an alert to a searched incident and splits another off with the keyboard alone, each choice audited", async () => {
    const { createIncident: target } = await admin.call(`mutation { createIncident(input: { title: "Payments gateway timeouts", impact: 2, urgency: 2 }) { id key } }`);
    await signIn("agent@alerts.test");
    await page.getByRole("link", { name: "Alerts" }).click();
    // The queue lists the incident the alert opened under the same title: wait for the Alerts page itself.
    await page.getByRole("heading", { name: "Alerts", level: 1 }).waitFor();
    await page.getByRole("row", { name: /Checkout p99 latency/ }).waitFor();
    const before = await alertIncidents();
    const rows = await page.getByRole("row").allInnerTexts();
    const firstTitle = rows[1].includes("Checkout p99") ? "Checkout p99 latency above 2 s" : "Search 5xx rate above 5%";
    const secondTitle = firstTitle.startsWith("Checkout") ? "Search 5xx rate above 5%" : "Checkout p99 latency above 2 s";

    // j puts the cursor on the first alert (its checkbox gets focus), x selects it, m opens the picker.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press("j");
    await expect(page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).resolves.toBe(`Select ${firstTitle}`);
    await page.keyboard.press("x");
    await expect(page.getByLabel(`Select ${firstTitle}`).isChecked()).resolves.toBe(true);
    await page.keyboard.press("m");
    const picker = page.getByRole("dialog", { name: /Move 1 alert to an incident/ });
    await picker.waitFor();
    await page.keyboard.type("payments gateway");
    await picker.getByRole("button", { name: `${target.key}: Payments gateway timeouts` }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("alerts-move-picker");
    await page.keyboard.press("Enter");
    await waitFor(async () => ((await alertIncidents())[firstTitle].incident.id === target.id ? true : false), "alert moved by keyboard");
    await picker.waitFor({ state: "detached" });

    // The other alert: k/j to reach it, s splits it into a new incident of its own.
    await page.getByRole("row", { name: new RegExp(target.key) }).waitFor();
    await page.keyboard.press("j");
    await expect(page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).resolves.toBe(`Select ${secondTitle}`);
    await page.keyboard.press("s");
    const after = await waitFor(async () => {
      const now = await alertIncidents();
      return now[secondTitle].incident.id !== before[secondTitle].incident.id ? now : false;
    }, "alert split by keyboard");
    expect(after[secondTitle].incident.id).not.toBe(target.id);
    expect(after[firstTitle].placedBy).toBe("agent");
    expect(after[secondTitle].placedBy).toBe("agent");
    await page.getByRole("row", { name: new RegExp(after[secondTitle].incident.key) }).waitFor();
    await shot("alerts-keyboard-done");

    // Each choice is on the audit trail, by the agent.
    const audit = (await admin.call(`{ auditLog(entityType: "alert", first: 20) { action actorLabel } }`)).auditLog as Array<{ action: string; actorLabel: string }>;
    expect(audit.filter((a) => a.actorLabel === "agent@alerts.test").map((a) => a.action)).toEqual(expect.arrayContaining(["alert.move", "alert.split", "alert.merge"]));
  });

  it("an admin adds an integration (token shown once), revokes it, edits correlation rules and schedules maintenance", async () => {
    await signIn("admin@alerts.test");
    await page.getByRole("link", { name: "Admin" }).click();
    await page.getByRole("button", { name: "Alert integrations" }).click();
    await page.getByRole("heading", { name: "Add an integration" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Nagios");
    await page.getByLabel("Source", { exact: true }).selectOption("generic");
    await page.getByLabel("Title path").fill("check");
    await page.getByLabel("Status path (resolved or ok resolve the alert)").fill("state");
    await page.getByLabel(/Default service/).selectOption({ label: "Search" });
    await page.getByRole("button", { name: "Add integration" }).click();
    const secret = page.locator("code.secret");
    await secret.waitFor();
    const token = (await secret.innerText()).trim();
    expect(token).toMatch(/^qai_/);
    await page.getByRole("row", { name: /Nagios/ }).getByText(`${token.slice(0, 10)}…`).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("alerts-admin-integration-token");
    // The token works until revoked, then the hook refuses it.
    const hook = () => fetch(`${apiUrl}/hooks/generic`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ check: "disk full on search-3", state: "critical" }) });
    expect((await hook()).status).toBe(202);
    await page.getByRole("button", { name: "I have copied it" }).click();
    await expect(page.locator("code.secret").count()).resolves.toBe(0);
    // A new token replaces the old one, shown once too.
    await page.getByRole("button", { name: "New token for PagerDuty" }).click();
    await page.getByRole("heading", { name: "New token for “PagerDuty”" }).waitFor();
    const rotated = (await page.locator("code.secret").innerText()).trim();
    expect(rotated).toMatch(/^qai_/);
    expect(rotated).not.toBe(token);
    await page.getByRole("button", { name: "I have copied it" }).click();
    await page.getByRole("button", { name: "Revoke Nagios" }).click();
    await page.getByRole("row", { name: /Nagios/ }).getByText("revoked").waitFor();
    await waitFor(async () => ((await hook()).status === 401 ? true : false), "revoked token refused", 15_000);

    await page.getByRole("button", { name: "Correlation rules" }).click();
    await page.getByRole("heading", { name: "Add a rule" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Database clusters");
    await page.getByLabel("Position (lower is tried first)").fill("10");
    await page.getByLabel(/Only alerts with these labels/).fill("team=db");
    await page.getByLabel(/Group alerts whose values/).fill("cluster");
    await page.getByLabel("Group by service").uncheck();
    await page.getByRole("button", { name: "Add rule" }).click();
    const ruleRow = page.getByRole("row", { name: /Database clusters/ });
    await ruleRow.getByText("team=db").waitFor();
    await ruleRow.getByRole("button", { name: "Edit Database clusters" }).click();
    await page.getByRole("heading", { name: "Edit rule “Database clusters”" }).waitFor();
    await page.getByLabel(/Window/).fill("45");
    await page.getByRole("button", { name: "Save rule" }).click();
    await ruleRow.getByText("45 min").waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("alerts-admin-rules");
    const rules = (await admin.call(`{ correlationRules { name windowMinutes sameService groupLabels matchLabels version } }`)).correlationRules as any[];
    expect(rules.find((r) => r.name === "Database clusters")).toMatchObject({ windowMinutes: 45, sameService: false, groupLabels: ["cluster"], matchLabels: { team: "db" }, version: 2 });
    await ruleRow.getByRole("button", { name: "Delete Database clusters" }).click();
    await ruleRow.waitFor({ state: "detached" });

    await page.getByRole("button", { name: "Maintenance windows" }).click();
    await page.getByRole("heading", { name: "Schedule a maintenance window" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Search reindex");
    await page.getByLabel("Starts").fill("2030-01-05T22:00");
    await page.getByLabel("Ends").fill("2030-01-06T02:00");
    await page.getByLabel(/Services/).selectOption({ label: "Search" });
    await page.getByLabel("Reason").fill("Elasticsearch major upgrade");
    await page.getByRole("button", { name: "Schedule window" }).click();
    const windowRow = page.getByRole("row", { name: /Search reindex/ });
    await windowRow.getByText("Elasticsearch major upgrade").waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("alerts-admin-maintenance");
    const windows = (await admin.call(`{ maintenanceWindows { name startsAt endsAt } }`)).maintenanceWindows as any[];
    expect(windows).toEqual([{ name: "Search reindex", startsAt: "2030-01-05T22:00:00.000Z", endsAt: "2030-01-06T02:00:00.000Z" }]);
    await windowRow.getByRole("button", { name: "Delete Search reindex" }).click();
    await windowRow.waitFor({ state: "detached" });
  });

  it("an admin sees the alert events that keep failing, discards one and retries a given-up one, both audited", async () => {
    // Two stored events correlation could not apply, made from a real one: one given up on after 8
    // attempts (its alert has no title, so it fails every time), one put off for ten minutes.
    await database.query(
      `INSERT INTO alert_event (integration_id, idempotency_key, alerts, attempts, last_error, dead_at, dead_reason)
       SELECT integration_id, 'browser-dead', jsonb_set(alerts, '{0,title}', 'null'), 8, 'null value in column "title" of relation "alert" violates not-null constraint', now(), 'attempts_exhausted'
         FROM alert_event ORDER BY received_at LIMIT 1`,
    );
    await database.query(
      `INSERT INTO alert_event (integration_id, idempotency_key, alerts, attempts, last_error, retry_at)
       SELECT integration_id, 'browser-deferred', alerts, 2, 'deadlock detected', now() + interval '10 minutes' FROM alert_event ORDER BY received_at LIMIT 1`,
    );
    await signIn("admin@alerts.test");
    await page.getByRole("link", { name: "Admin" }).click();
    await page.getByRole("button", { name: "Failing alert events" }).click();
    const table = page.getByRole("table", { name: /Alert events that could not be applied/ });
    const deadRow = table.getByRole("row", { name: /violates not-null constraint/ });
    const deferredRow = table.getByRole("row", { name: /deadlock detected/ });
    await deadRow.getByText("gave up after too many attempts").waitFor();
    await deferredRow.waitFor();
    await expect(deadRow.getByRole("cell", { name: "8", exact: true }).count()).resolves.toBe(1);
    await expect(deferredRow.getByRole("cell", { name: "2", exact: true }).count()).resolves.toBe(1);
    expect(await deferredRow.innerText()).toContain("PagerDuty");
    expect(await seriousViolations()).toEqual([]);
    await shot("alerts-admin-failing-events");

    await deferredRow.getByRole("button", { name: /^Discard/ }).click();
    await deferredRow.getByText("discarded by an admin").waitFor();
    await expect(deferredRow.getByRole("button", { name: /^Discard/ }).count()).resolves.toBe(0);
    // Retried now, it is tried at once, fails again, and is given up on again, one attempt later.
    await deadRow.getByRole("button", { name: /^Retry now/ }).click();
    await waitFor(async () => {
      const events = (await admin.call(`{ failingAlertEvents { lastError attempts deadReason } }`)).failingAlertEvents as Array<{ lastError: string; attempts: number; deadReason: string | null }>;
      return events.some((e) => e.lastError.includes("title") && e.attempts === 9 && e.deadReason === "attempts_exhausted") ? true : false;
    }, "retried event tried again");
    await page.getByRole("button", { name: "Correlation rules" }).click();
    await page.getByRole("button", { name: "Failing alert events" }).click();
    await deadRow.getByRole("cell", { name: "9", exact: true }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("alerts-admin-failing-events-after");
    const audit = (await admin.call(`{ auditLog(entityType: "alert_event", first: 10) { action actorLabel } }`)).auditLog as Array<{ action: string; actorLabel: string }>;
    expect(audit.map((a) => a.action).sort()).toEqual(["alert_event.discard", "alert_event.retry"]);
    expect(new Set(audit.map((a) => a.actorLabel))).toEqual(new Set(["admin@alerts.test"]));
  });
});
