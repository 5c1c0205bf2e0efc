// Browser test for the analyst's page: charts from the `metrics` query (MTTA/MTTR, SLA compliance,
// recurrence, change success, flow, heat map, stage durations), each with a table view,
// a CSV download and a link that opens the query in the GraphQL IDE; the filters live in the URL.
// Run with `npm run test:browser` (builds the API and the web app first).
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot, screenshotsDir, seed, seriousAxeViolations, signIn, startApi, startWeb, type Seeded } from "./support/stack";

let stopApi: (() => Promise<void>) | null = null;
let web: Awaited<ReturnType<typeof startWeb>> | null = null;
let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
let apiUrl = "";
let data: Seeded;
let page: Page;
let services: Array<{ id: string; name: string }> = [];

const CHANGES_IMPLEMENTED = 40;
const CHANGE_FAILURE_EVERY = 5;

const shot = (name: string, target: Page = page) => screenshot(target, name);

const expectAccessible = async (what: string) => expect(await seriousAxeViolations(page), what).toEqual([]);

beforeAll(async () => {
  const started = await startApi();
  stopApi = started.stop;
  apiUrl = started.api.http.url;
  data = await seed(started.api);
  services = await started.api.dataSource.query(`SELECT id, name FROM service ORDER BY name`);
  // Twenty weeks of history on both services: a few incidents a day, most closed within hours, one in ten reopened once.
  await started.api.dataSource.query(
    `INSERT INTO incident (version, number, title, impact, urgency, priority, stage, service_id, identified_at, created_at, acknowledged_at, contained_at, recovered_at, closed_at, reopen_count)
     SELECT 1, 500000 + n, 'history ' || n, 2, 2, 1 + n % 4, (CASE WHEN n % 9 = 0 THEN 'assessed' ELSE 'closed' END)::stage,
            ($1::uuid[])[1 + (n % 3 = 0)::int], t, t, t + (5 + n % 40) * interval '1 minute', t + (20 + n % 200) * interval '1 minute',
            t + (60 + n % 600) * interval '1 minute', CASE WHEN n % 9 = 0 THEN NULL ELSE t + (180 + (n * 37) % 3000) * interval '1 minute' END, (n % 10 = 0)::int
       FROM (SELECT n, now() - (n * interval '7 hours') AS t FROM generate_series(1, 480) n) s`,
    [services.map((s) => s.id)],
  );
  // SLA clocks on the history: every 5th response and every 4th resolution breached, the rest met.
  await started.api.dataSource.query(
    `INSERT INTO sla_clock (incident_id, kind, target_ms, warn_share, spent_ms, stopped_at, breached_at)
     SELECT i.id, k.kind::sla_clock_kind, 3600000, 0.75, 0,
            CASE k.kind WHEN 'response' THEN i.acknowledged_at ELSE i.recovered_at END,
            CASE WHEN (k.kind = 'response' AND i.number % 5 = 0) OR (k.kind = 'resolution' AND i.number % 4 = 0) THEN i.identified_at + interval '30 minutes' END
       FROM incident i CROSS JOIN (VALUES ('response'), ('resolution')) k(kind) WHERE i.number > 500000`,
  );
  // One problem that every 6th history incident is linked to (recurrence).
  await started.api.dataSource.query(
    `WITH p AS (INSERT INTO problem (version, title, impact, urgency, priority) VALUES (1, 'Checkout pool exhaustion', 2, 2, 2) RETURNING id)
     INSERT INTO problem_incident (incident_id, problem_id, linked_at) SELECT i.id, p.id, now() FROM incident i, p WHERE i.number > 500000 AND i.number % 6 = 0`,
  );
  // CHANGES_IMPLEMENTED changes over the period, one in CHANGE_FAILURE_EVERY failed.
  await started.api.dataSource.query(
    `INSERT INTO change_request (version, type, stage, title, actual_start, actual_end, failed_at)
     SELECT 1, 'normal', (CASE WHEN n % $2 = 0 THEN 'failed' ELSE 'closed' END)::change_stage, 'history change ' || n, now() - n * interval '4 days',
            CASE WHEN n % $2 = 0 THEN NULL ELSE now() - n * interval '4 days' + interval '1 hour' END,
            CASE WHEN n % $2 = 0 THEN now() - n * interval '4 days' + interval '1 hour' END
       FROM generate_series(1, $1) n`,
    [CHANGES_IMPLEMENTED, CHANGE_FAILURE_EVERY],
  );
  web = await startWeb(apiUrl);
  browser = await launchChromium({ acceptDownloads: true });
  page = browser.page;
  page.setDefaultTimeout(20_000);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await stopApi?.();
});

const card = (id: string) => page.locator(`section[data-chart='${id}']`);

describe("the analyst's metrics page", () => {
  it("shows the charts to an analyst, reached from the navigation", async () => {
    await signIn(page, web!.url, data.analystEmail);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Analytics" }).click();
    await page.getByRole("heading", { name: "Analytics", level: 1 }).waitFor();
    for (const id of ["response-trend", "sla-compliance", "recurrence", "change-success", "created-resolved", "service-heat-map", "stage-durations"]) {
      await card(id).locator("figure.chart svg.recharts-surface").first().waitFor();
    }
    // MTTA (5–45 min in the history) has its own minutes axis (the only ticks in minutes), so its line is not flat at zero under MTTR's hours.
    const mttaTicks = card("response-trend").locator(".recharts-cartesian-axis-tick-value");
    await expect.poll(async () => Math.max(...(await mttaTicks.allTextContents()).map((t) => (t.endsWith(" min") ? parseFloat(t) : 0)))).toBeGreaterThanOrEqual(20);
    // Each new chart draws its lines from the history, and says what it shows in its figure's label.
    const summary = (id: string) => card(id).locator("figure.chart").getAttribute("aria-label");
    for (const id of ["sla-compliance", "recurrence"]) {
      await expect.poll(() => card(id).locator("path.recharts-line-curve[d^='M']").count(), id).toBe(2);
    }
    await expect.poll(() => summary("sla-compliance")).toMatch(/latest response \d+(\.\d)?%, resolution \d+(\.\d)?%/);
    await expect.poll(() => summary("recurrence")).toMatch(/latest \d+(\.\d)?% linked to a problem/);
    const succeeded = Math.round((100 * (CHANGES_IMPLEMENTED - Math.floor(CHANGES_IMPLEMENTED / CHANGE_FAILURE_EVERY))) / CHANGES_IMPLEMENTED);
    await expect.poll(() => summary("change-success")).toContain(`${CHANGES_IMPLEMENTED} changes implemented over`);
    expect(await summary("change-success")).toContain(`; ${succeeded}% successful`);
    await expect.poll(() => card("change-success").locator(".recharts-bar-rectangle").count()).toBeGreaterThan(10);
    // The heat map has one row of squares per service with incidents.
    await expect.poll(() => card("service-heat-map").locator(".recharts-scatter-symbol").count()).toBeGreaterThan(5);
    // Checkout and Email (the history), and "no service" (the seeded incidents).
    await expect.poll(() => card("service-heat-map").locator(".recharts-yAxis .recharts-cartesian-axis-tick").count()).toBe(3);
    // The width analysts' laptops have: two charts a row.
    await page.setViewportSize({ width: 1280, height: 900 });
    await shot("analytics");
    await expectAccessible("analytics page");
    // Phone-wide: the page never scrolls sideways; wide tables scroll inside their card.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot("analytics-narrow");
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it("keeps the chosen filters in the URL, so a reload shows the same view", async () => {
    const checkout = services.find((s) => s.name === "Checkout")!;
    await page.getByLabel("Service", { exact: true }).selectOption(checkout.id);
    await page.waitForURL(new RegExp(`service=${checkout.id}`));
    await page.reload();
    await expect.poll(() => page.getByLabel("Service", { exact: true }).inputValue()).toBe(checkout.id);
    await expect.poll(() => card("service-heat-map").locator(".recharts-yAxis .recharts-cartesian-axis-tick").count()).toBe(1);
    // Changes have no service: their chart keeps every change of the period and says so, rather than failing.
    await expect(card("change-success").getByText("service, team and priority do not apply to changes", { exact: false }).isVisible()).resolves.toBe(true);
    await expect.poll(() => card("change-success").locator("figure.chart").getAttribute("aria-label")).toContain(`${CHANGES_IMPLEMENTED} changes implemented over`);
    await card("change-success").screenshot({ path: `${screenshotsDir}/analytics-changes-filtered.png` });
    await page.getByLabel("Service", { exact: true }).selectOption("");
    await page.waitForURL((url) => !url.search.includes("service="));
  });

  it("shows each chart as a table and downloads it as CSV", async () => {
    const flow = card("created-resolved");
    await flow.getByRole("button", { name: "Show table" }).click();
    const rows = flow.locator("table tbody tr");
    await expect.poll(() => rows.count()).toBeGreaterThan(20);
    await expect(flow.locator("table thead th").allTextContents()).resolves.toEqual(["week", "created", "resolved", "backlog at week end"]);
    await shot("analytics-table");
    await expectAccessible("analytics page with a table");
    const [download] = await Promise.all([page.waitForEvent("download"), flow.getByRole("button", { name: "Download CSV" }).click()]);
    const csv = readFileSync((await download.path())!, "utf8").trim().split("\n");
    expect(csv[0]).toBe("week,created,resolved,backlog at week end");
    expect(csv.length).toBe((await rows.count()) + 1);
    const created = csv.slice(1).reduce((n, line) => n + Number(line.split(",")[1]), 0);
    // 480 history incidents plus the seeded ones, all inside the default 26 weeks.
    expect(created).toBeGreaterThanOrEqual(480);
  });

  it("opens the chart's query in the GraphQL IDE", async () => {
    const link = card("response-trend").getByRole("link", { name: "Open in GraphQL IDE" });
    const href = (await link.getAttribute("href"))!;
    expect(href.startsWith(`${apiUrl}/graphiql?`)).toBe(true);
    const ide = await page.context().newPage();
    await ide.goto(href);
    try {
      // The query editor (Monaco) holds the chart's operation with its input written in.
      await expect.poll(async () => (await ide.locator(".monaco-editor .view-lines").allTextContents()).join("\n"), { timeout: 60_000 }).toContain("AnalyticsMetrics");
      expect((await ide.locator(".monaco-editor .view-lines").allTextContents()).join("\n")).toContain("mttaMean");
    } finally {
      await shot("analytics-graphiql", ide);
      await ide.close();
    }
  });
});
