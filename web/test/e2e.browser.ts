// Browser test: the real API and the built web app, driven through Debian's chromium.
// Run with `npm run test:browser` (builds the API and the web app first).
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlClient, launchChromium, PASSWORD, screenshot, seed, seriousAxeViolations, signIn, signOut, startApi, startWeb, type Seeded } from "./support/stack";

let stopApi: (() => Promise<void>) | null = null;
let web: Awaited<ReturnType<typeof startWeb>> | null = null;
let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
let apiUrl = "";
let data: Seeded;
let page: Page;

const shot = (name: string) => screenshot(page, name);
const seriousViolations = () => seriousAxeViolations(page);

beforeAll(async () => {
  const started = await startApi();
  stopApi = started.stop;
  apiUrl = started.api.http.url;
  data = await seed(started.api);
  web = await startWeb(apiUrl);
  browser = await launchChromium({ acceptDownloads: true });
  page = browser.page;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await stopApi?.();
});

describe("web app against the real API", () => {
  it("sends a signed-out visitor to the login page, and rejects a wrong password with a message", async () => {
    await page.goto(`${web!.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel("Email").fill(data.agentEmail);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#login-error").textContent()).toMatch(/password/i);
    await shot("01-login-error");
  });

  it("signs in and shows the triage queue with the open incidents, most urgent first", async () => {
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Triage queue" }).waitFor();
    const rows = page.locator("table.queue tbody tr");
    await expect.poll(() => rows.count()).toBe(3);
    await expect(rows.first().textContent()).resolves.toContain("Checkout returns HTTP 500");
    await expect(rows.first().textContent()).resolves.toContain("P1");
    await page.getByText("Live updates on").waitFor();
    await shot("02-queue");
    expect(await seriousViolations()).toEqual([]);
    // On a phone-wide window the navigation wraps: the page never scrolls sideways and Sign out stays reachable.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const signOutBox = await page.getByRole("button", { name: "Sign out" }).boundingBox();
    expect(signOutBox!.x + signOutBox!.width).toBeLessThanOrEqual(390);
    await shot("02b-queue-narrow");
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it("filters the queue by severity and by search", async () => {
    await page.getByLabel("Severity", { exact: true }).selectOption("SEV3");
    await expect.poll(() => page.locator("table.queue tbody tr").count()).toBe(1);
    await page.getByLabel("Severity", { exact: true }).selectOption("");
    await page.getByLabel("Search", { exact: true }).fill("password");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect.poll(() => page.locator("table.queue tbody tr").first().textContent()).toContain("Password reset");
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(() => page.locator("table.queue tbody tr").count()).toBe(3);
  });

  it("shows the model's severity with its confidence and accepts it in one click", async () => {
    const key = data.incidents[2]!.key;
    const row = page.locator("table.queue tbody tr", { hasText: key });
    const badge = row.locator(".suggested .badge");
    await badge.waitFor();
    const text = (await badge.textContent()) ?? "";
    expect(text).toMatch(/^Suggested SEV[1-4] · \d+% \((high|medium|low)\)$/);
    const suggested = text.match(/SEV[1-4]/)![0];
    await shot("03-queue-suggestion");
    await row.getByRole("button", { name: new RegExp(`Accept suggested severity .* for ${key}`) }).click();
    await expect.poll(() => row.locator(".badge.severity").textContent()).toContain(suggested);
    await expect.poll(() => row.locator(".suggested").count()).toBe(0);
  });

  it("corrects a suggested severity from the queue with the keyboard-friendly picker", async () => {
    const key = data.incidents[1]!.key;
    const row = page.locator("table.queue tbody tr", { hasText: key });
    await row.locator(".suggested .badge").waitFor();
    const suggested = ((await row.locator(".suggested .badge").textContent()) ?? "").match(/SEV[1-4]/)![0];
    const other = suggested === "SEV4" ? "SEV1" : "SEV4";
    await row.getByRole("button", { name: `Correct severity for ${key}` }).click();
    await row.getByRole("group", { name: `Correct severity for ${key} to` }).getByRole("button", { name: other }).click();
    await expect.poll(() => row.locator(".badge.severity").textContent()).toContain(other);
    await page.getByRole("status").filter({ hasText: `${key}: severity corrected` }).waitFor();
  });

  it("shows a new incident in the queue without a reload (incidentChanged subscription)", async () => {
    const admin = graphqlClient(apiUrl);
    await admin.login("admin@e2e.test", PASSWORD);
    await admin.call(`mutation($i: CreateIncidentInput!) { createIncident(input: $i) { id } }`, {
      i: { title: "VPN drops every few minutes", description: "Remote staff lose VPN.", impact: 2, urgency: 1 },
    });
    await expect.poll(() => page.locator("table.queue tbody tr").count()).toBe(4);
  });

  it("opens an incident, moves it to the next stage and adds a note", async () => {
    const first = data.incidents[0]!;
    await page.getByRole("link", { name: first.title }).click();
    await page.getByRole("heading", { name: new RegExp(first.title) }).waitFor();
    await page.getByRole("heading", { name: "Similar past incidents" }).waitFor();
    // Severity and category are suggested; the team is not, as the incident already has the team the model would pick.
    await expect.poll(() => page.locator(".suggestion").count()).toBe(2);
    await expect(page.getByRole("group", { name: /^Team/ }).count()).resolves.toBe(0);
    await shot("04-incident");
    expect(await seriousViolations()).toEqual([]);
    await expect.poll(() => page.title()).toBe(`${first.key} · Quell`);
    // A match is a ranking score (the recency bonus lifts it above 1), never a percentage.
    const matches = await page.locator(".similar li.similar-item > p.muted").allTextContents();
    expect(matches.length).toBeGreaterThan(0);
    for (const m of matches) expect(m).toMatch(/^Match score \d+\.\d\d/);

    await page.getByRole("button", { name: "Move to Classified" }).click();
    await page.getByText("Moved to Classified.").waitFor();
    await page.getByRole("button", { name: "Move to Assessed" }).waitFor();

    const note = "Rolled back payment-gateway 4.2.1; error rate falling.";
    await page.getByLabel("Add a note").fill(note);
    await page.getByRole("button", { name: "Add note" }).click();
    await page.locator(".timeline").getByText(note).waitFor();
    await shot("05-incident-after-stage-and-note");

    const check = graphqlClient(apiUrl);
    await check.login(data.agentEmail, PASSWORD);
    const { incident } = await check.call(`query($n: String!) { incident(number: $n) { stage timeline { kind message } } }`, { n: first.key });
    expect(incident.stage).toBe("classified");
    expect(incident.timeline).toContainEqual({ kind: "note", message: note });
  });

  it("says someone else changed the incident when a save hits CONFLICT, and reloads on request", async () => {
    await page.getByLabel("Category", { exact: true }).fill("payments");
    // Meanwhile another agent changes the same incident: the page's draft is now stale.
    const other = graphqlClient(apiUrl);
    await other.login("admin@e2e.test", PASSWORD);
    const key = data.incidents[0]!.key;
    const { incident } = await other.call(`query($n: String!) { incident(number: $n) { id version } }`, { n: key });
    await other.call(`mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { id } }`, {
      i: { id: incident.id, version: incident.version, title: "Checkout returns HTTP 500 for card payments (EU only)" },
    });
    await page.getByRole("button", { name: "Save details" }).click();
    await page.getByText("Someone else changed this — reload").waitFor();
    await shot("06-conflict");
    await page.getByRole("button", { name: "Reload", exact: true }).click();
    await page.getByRole("heading", { name: /EU only/ }).waitFor();
    await expect.poll(() => page.getByText("Someone else changed this — reload").count()).toBe(0);
    // The reload dropped the stale draft: the form shows the server's values again.
    await expect.poll(() => page.getByLabel("Category", { exact: true }).inputValue()).toBe("");
  });

  it("declares a major incident and names its commander", async () => {
    await page.getByLabel("Declared a major incident").check();
    await page.locator(".incident-head").getByText("Major incident").waitFor();
    await page.getByLabel("Incident commander").selectOption({ label: "Alex Agent" });
    await page.getByRole("button", { name: "Save roles" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Save roles" }).isDisabled()).toBe(true);
    const check = graphqlClient(apiUrl);
    await check.login(data.agentEmail, PASSWORD);
    const { incident } = await check.call(`query($n: String!) { incident(number: $n) { isMajor commander { name } } }`, { n: data.incidents[0]!.key });
    expect(incident).toEqual({ isMajor: true, commander: { name: "Alex Agent" } });
  });

  it("walks a minor incident to review, refuses to close it without a shared report, then publishes, exports and closes", async () => {
    const inc = data.incidents[2]!;
    await page.goto(`${web!.url}/incidents/${inc.key}`);
    for (const stage of ["Classified", "Assessed", "Recovered", "Reviewed"]) {
      await page.getByRole("button", { name: `Move to ${stage}` }).click();
      await page.getByText(`Moved to ${stage}.`).waitFor();
    }
    // Closing needs a shared report: until then it is not offered at all.
    await page.getByText("Moved to Reviewed.").waitFor();
    await expect(page.getByRole("button", { name: /^Close/ }).count()).resolves.toBe(0);
    await page.getByText(/No stage change is possible from Reviewed now/).waitFor();
    await shot("07-close-not-offered");

    await page.getByLabel("What happened").fill("A reset link was used after its 30-minute lifetime.");
    await page.getByLabel("Business impact").fill("One user could not sign in for an hour.");
    await page.getByLabel("Root cause").fill("The reset e-mail was delayed by the mail relay.");
    await page.getByLabel("What went well").fill("The service desk spotted the pattern quickly.");
    await page.getByLabel("What to improve").fill("Monitor mail relay queue depth.");
    await page.getByLabel("Action items").fill("Alert on mail relay queue depth\nShow link expiry time in the e-mail");
    await page.getByRole("button", { name: "Publish" }).click();
    await page.getByText(/^Published /).first().waitFor();

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download Markdown" }).click()]);
    expect(download.suggestedFilename()).toBe(`${inc.key}-lessons-learned.md`);
    const markdown = readFileSync((await download.path())!, "utf8");
    expect(markdown).toContain(`# ${inc.key}`);
    expect(markdown).toContain("Alert on mail relay queue depth");

    // The action items are follow-up tasks now; closing waits for them.
    for (const item of ["Alert on mail relay queue depth", "Show link expiry time in the e-mail"]) {
      await page.getByRole("button", { name: `Complete task: ${item}` }).click();
      await page.getByText(`✓ Done: ${item}`).waitFor();
    }
    // Closing asks how it ended.
    await page.getByRole("button", { name: "Close…" }).click();
    const closeForm = page.getByRole("form", { name: "Close the incident" });
    await closeForm.getByLabel("Resolution").fill("Sent a fresh reset link; the user signed in.");
    await closeForm.getByLabel("Closure code").selectOption({ label: "Solved (permanently)" });
    await shot("08a-close-form");
    await page.getByRole("button", { name: "Close incident" }).click();
    await page.getByText("Moved to Closed.").waitFor();
    await page.getByText("How it ended: Solved (permanently)").waitFor();
    await page.locator(".incident-head").getByText("Closed", { exact: true }).waitFor();
    // Closed is read-only: no edit controls until it is reopened; notes and reopening stay.
    await page.getByText(/Read-only: INC-\d+ is closed; reopen it to change it/).waitFor();
    for (const name of ["Save details", "Assign", "Publish", "Save and republish", "Save draft"]) {
      await expect(page.getByRole("button", { name, exact: true }).count(), name).resolves.toBe(0);
    }
    await expect(page.getByRole("button", { name: "Add note" }).count()).resolves.toBe(1);
    await expect(page.getByText("Reopen this incident").count()).resolves.toBe(1);
    await shot("08-closed-with-report");
  });

  it("cancels an incident as a duplicate of another, linking the two", async () => {
    const [original, duplicate] = [data.incidents[0]!, data.incidents[1]!];
    await page.goto(`${web!.url}/incidents/${duplicate.key}`);
    await page.getByText("Cancel as a duplicate").click();
    await page.getByLabel(/Duplicate of/).fill(original.key);
    await page.getByRole("button", { name: "Mark as duplicate" }).click();
    await page.getByText(`Cancelled as a duplicate of ${original.key}.`).waitFor();
    await page.locator(".incident-head").getByText("Cancelled", { exact: true }).waitFor();
    await expect(page.getByRole("link", { name: new RegExp(`^${original.key} `) }).count()).resolves.toBeGreaterThan(0);
  });

  it("reports an incident by hand and shows its triage suggestions when the worker has run", async () => {
    await page.getByRole("link", { name: "Report incident" }).click();
    await page.getByRole("heading", { name: "Report an incident" }).waitFor();
    await page.getByLabel("Title").fill("Postgres primary deadlock on the orders database");
    await page.getByLabel("Description").fill("Users report database connection pool timeout and deadlock on the primary.");
    await page.getByRole("button", { name: "Report incident" }).click();
    await page.waitForURL(/\/incidents\/INC-\d+$/);
    await page.getByRole("heading", { name: /Postgres primary deadlock/ }).waitFor();
    // Arrives through incidentChanged (suggestions_changed) without a reload.
    await page.getByRole("group", { name: /^Severity: SEV[1-4]/ }).waitFor({ timeout: 30_000 });
    await shot("09-new-incident-with-suggestions");
  });

  it("offers the top teams (up to 3) with their confidences and takes another one in one click, as a correction", async () => {
    const team = page.getByRole("group", { name: /^Team: / });
    // The seed has two teams, so the top 3 are these two.
    const picks = team.getByRole("group", { name: "Pick one of the top 2 teams" }).getByRole("button");
    await expect.poll(() => picks.count(), { timeout: 30_000 }).toBe(2);
    const labels = await picks.allTextContents();
    for (const l of labels) expect(l).toMatch(/^.+ · \d+%$/);
    const suggested = ((await team.locator(".suggested-value").textContent()) ?? "").trim();
    expect(labels[0].startsWith(`${suggested} ·`)).toBe(true); // the suggestion itself comes first
    expect(await seriousViolations()).toEqual([]);
    await shot("10-team-top3");
    const other = labels[1].replace(/ · \d+%$/, "");
    await picks.nth(1).click();
    await team.getByText(new RegExp(`^Corrected$`)).waitFor();
    await expect.poll(() => team.locator(".decision").textContent()).toContain(`to ${other}`);
    await page.getByRole("status").filter({ hasText: "the next training learns from it" }).waitFor();
  });

  it("shows a read-only analyst no control that changes anything, on the queue and on an incident", async () => {
    await signOut(page);
    await signIn(page, web!.url, data.analystEmail);
    await expect.poll(() => page.locator("table.queue tbody tr").count()).toBeGreaterThan(0);
    await page.locator(".suggested .badge").first().waitFor();
    await expect(page.getByRole("button", { name: /Accept|Correct/ }).count()).resolves.toBe(0);
    await expect(page.getByRole("link", { name: "Report incident" }).count()).resolves.toBe(0);
    await shot("10-analyst-queue");
    expect(await seriousViolations()).toEqual([]);

    // An open incident with suggestions, tasks, notes and a stage to move to: all of it read-only.
    const inc = data.incidents[0]!;
    await page.goto(`${web!.url}/incidents/${inc.key}`);
    await page.getByRole("heading", { name: "Similar past incidents" }).waitFor();
    // A full page load titles the tab too (not only client-side navigation).
    await expect.poll(() => page.title()).toBe(`${inc.key} · Quell`);
    const buttons = (await page.getByRole("button").allTextContents()).map((b) => b.trim());
    // Only reading controls: signing out, showing more similar incidents, downloading a report, and
    // following the incident (the reader's own notification subscription; the incident is unchanged).
    expect(buttons.filter((b) => !/^(Sign out|Show all \d+ similar incidents|Show fewer|Download Markdown|Follow this incident)$/.test(b))).toEqual([]);
    await expect(page.getByRole("textbox").count()).resolves.toBe(0);
    await expect(page.getByRole("combobox").count()).resolves.toBe(0);
    await page.getByText("Incident commander").waitFor();
    await shot("11-analyst-incident");
    expect(await seriousViolations()).toEqual([]);
  });
});
