// Browser test for the analyst's page: four charts from the `metrics` query, each with a table view,
// a CSV download and a link that opens the query in the GraphQL IDE; the filters live in the URL.
// Run with `npm run test:browser` (builds the API and the web app first).
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot, seed, seriousAxeViolations, signIn, startApi, startWeb, type Seeded } from "./support/stack";

let stopApi: (() => Promise<void>) | null = null;
let web: Awaited<ReturnType<typeof startWeb>> | null = null;
let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
let apiUrl = "";
let data: Seeded;
let page: Page;
let services: Array<{ id: string; name: string }> = [];

const shot = (name: string, target: Page = page) => screenshot(target, name);

const expectAccessible = async (what: string) => expect(await seriousAxeViolations(page), what).toEqual([]);

beforeAll(async () => {
  const started = await startApi();
  stopApi = started.stop;
  apiUrl = started.api.http.url;
  data = await seed(started.api);
  services = await started.api.dataSource.query(`SELECT id, name FROM service ORDER BY name`);
  // Twenty weeks of history on both services: a few incidents a day, most closed within hours.
  await started.api.dataSource.query(
    `INSERT INTO incident (version, number, title, impact, urgency, priority, stage, service_id, identified_at, created_at, acknowledged_at, contained_at, recovered_at, closed_at)
     SELECT 1, 500000 + n, 'history ' || n, 2, 2, 1 + n % 4, (CASE WHEN n % 9 = 0 THEN 'assessed' ELSE 'closed' END)::stage,
            ($1::uuid[])[1 + (n % 3 = 0)::int], t, t, t + (5 + n % 40) * interval '1 minute', t + (20 + n % 200) * interval '1 minute',
            t + (60 + n % 600) * interval '1 minute', CASE WHEN n % 9 = 0 THEN NULL ELSE t + (180 + (n * 37) % 3000) * interval '1 minute' END
       FROM (SELECT n, now() - (n * interval '7 hours') AS t FROM generate_series(1, 480) n) s`,
    [services.map((s) => s.id)],
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
  it("shows the four charts to an analyst, reached from the navigation", async () => {
    await signIn(page, web!.url, data.analystEmail);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Analytics" }).click();
    await page.getByRole("heading", { name: "Analytics", level: 1 }).waitFor();
    for (const id of ["response-trend", "created-resolved", "service-heat-map", "stage-durations"]) {
      await card(id).locator("figure.chart svg.recharts-surface").first().waitFor();
    }
    // The heat map has one row of squares per service with incidents.
    await expect.poll(() => card("service-heat-map").locator(".recharts-scatter-symbol").count()).toBeGreaterThan(5);
    // Checkout and Email (the history), and "no service" (the seeded incidents).
    await expect.poll(() => card("service-heat-map").locator(".recharts-yAxis .recharts-cartesian-axis-tick").count()).toBe(3);
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
