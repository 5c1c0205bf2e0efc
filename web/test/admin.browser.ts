// Browser test of the admin area and of sessions in the web app: the real API (embedded PGlite)
// and the built web app, driven through Debian's chromium, with axe-core accessibility checks.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlClient, launchChromium, PASSWORD, screenshot, seriousAxeViolations, signIn as signInAt, signOut as signOutOf, startApi, startWeb } from "./support/stack";

const NEW_PASSWORD = "violet-quarry-harbour-41";

let stopApi: (() => Promise<void>) | null = null;
let web: Awaited<ReturnType<typeof startWeb>> | null = null;
let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
let apiUrl = "";
let page: Page;

const ADMIN = "root@admin.test";
const AGENT = "agent@admin.test";
const shot = (name: string) => screenshot(page, `admin-${name}`);
const seriousViolations = () => seriousAxeViolations(page);
const signIn = (email: string, password = PASSWORD) => signInAt(page, web!.url, email, { password });
const signOut = () => signOutOf(page);

const stored = () => page.evaluate(() => JSON.parse(window.localStorage.getItem("quell.session") ?? "null") as { token: string; refreshToken: string; accessTokenExpiresAt: string } | null);

beforeAll(async () => {
  const started = await startApi();
  stopApi = started.stop;
  apiUrl = started.api.http.url;
  await started.api.services.users.createUser(null, { email: ADMIN, name: "Rita Root", password: PASSWORD, role: "admin" });
  const gql = graphqlClient(apiUrl);
  await gql.login(ADMIN, PASSWORD);
  const { createTeam } = await gql.call(`mutation { createTeam(input: { name: "Payments SRE", contactEmail: "payments@admin.test" }) { id } }`);
  await gql.call(`mutation($t: ID!) { createService(input: { name: "Checkout", ownerTeamId: $t, criticality: critical }) { id } }`, { t: createTeam.id });
  await gql.call(`mutation($t: ID!) { createUser(input: { email: "${AGENT}", name: "Alex Agent", password: "${PASSWORD}", role: agent, teamId: $t }) { id } }`, { t: createTeam.id });
  web = await startWeb(apiUrl);
  browser = await launchChromium();
  page = browser.page;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await stopApi?.();
});

describe("admin area", () => {
  it("is not offered to an agent, and refuses them when they open it anyway", async () => {
    await signIn(AGENT);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).count()).resolves.toBe(0);
    await page.goto(`${web!.url}/admin`);
    await page.getByRole("alert").filter({ hasText: "Only administrators may open this page." }).waitFor();
    await expect(page.getByRole("button", { name: "API tokens" }).count()).resolves.toBe(0);
    await shot("01-refused-agent");
    await signOut();
  });

  it("lists users for an admin, refuses a weak password, and adds a user with a strong one", async () => {
    await signIn(ADMIN);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
    await page.getByRole("heading", { name: "Administration" }).waitFor();
    await page.getByRole("row", { name: /Alex Agent/ }).waitFor();
    await expect(page.getByRole("row", { name: /Alex Agent/ }).textContent()).resolves.toContain(AGENT);
    await page.getByLabel("Name", { exact: true }).fill("Wendy Weak");
    await page.getByLabel("Email", { exact: true }).fill("wendy@admin.test");
    await page.getByLabel(/Initial password/).fill("password1234");
    await page.getByRole("button", { name: "Add user" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toMatch(/too easy to guess/);
    await page.getByLabel(/Initial password/).fill("plum-orbit-galley-7-tundra");
    await page.getByRole("button", { name: "Add user" }).click();
    await page.getByRole("row", { name: /Wendy Weak/ }).waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("02-users");
  });

  it("changes a role, deactivates and reactivates a user, and issues a one-time reset code", async () => {
    await page.getByLabel("Role of Wendy Weak").selectOption("analyst");
    await expect.poll(() => page.getByLabel("Role of Wendy Weak").inputValue()).toBe("analyst");
    await page.getByRole("button", { name: "Deactivate Wendy Weak" }).click();
    await page.getByRole("button", { name: "Reactivate Wendy Weak" }).click();
    await page.getByRole("button", { name: "Deactivate Wendy Weak" }).waitFor();
    await page.getByRole("button", { name: "Reset password of Wendy Weak" }).click();
    const code = (await page.locator("code.secret").textContent())!.trim();
    expect(code).toMatch(/^qp_/);
    await shot("03-reset-code");
    await page.getByRole("button", { name: "Done" }).click();
    // The user redeems it on the public page and signs in with the new password.
    await signOut();
    await page.goto(`${web!.url}/reset-password`);
    await page.getByLabel(/Reset code/).fill(code);
    await page.getByLabel(/New password/).fill(NEW_PASSWORD);
    expect(await seriousViolations()).toEqual([]);
    await page.getByRole("button", { name: "Set password" }).click();
    await page.getByRole("heading", { name: "Password changed" }).waitFor();
    await signIn("wendy@admin.test", NEW_PASSWORD);
    await signOut();
  });

  it("creates an API token shown once, and revokes it", async () => {
    await signIn(ADMIN);
    await page.goto(`${web!.url}/admin`);
    await page.getByRole("button", { name: "API tokens" }).click();
    await page.getByLabel("Token name").fill("alertmanager");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.locator("code.secret").textContent())!.trim();
    expect(token).toMatch(/^qt_/);
    const ok = await fetch(`${apiUrl}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: "{ me { id } }" }) });
    expect(((await ok.json()) as { errors?: unknown }).errors).toBeUndefined();
    expect(await seriousViolations()).toEqual([]);
    await shot("04-token-created");
    await page.getByRole("button", { name: "I have copied it" }).click();
    await expect(page.locator("code.secret").count()).resolves.toBe(0);
    await page.getByRole("button", { name: "Revoke alertmanager" }).click();
    await page.getByRole("row", { name: /alertmanager/ }).getByText("revoked").waitFor();
  });

  it("adds a team, refuses to delete one still in use with the reason, and shows services", async () => {
    await page.getByRole("button", { name: "Teams" }).click();
    await page.getByLabel("New team name").fill("Night Shift");
    await page.getByRole("button", { name: "Add team" }).click();
    await page.getByRole("row", { name: /Night Shift/ }).waitFor();
    await page.getByRole("button", { name: "Delete Payments SRE" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toMatch(/still used by .*1 services/);
    expect(await seriousViolations()).toEqual([]);
    await shot("05-teams-in-use");
    await page.getByRole("button", { name: "Delete Night Shift" }).click();
    await expect.poll(() => page.getByRole("row", { name: /Night Shift/ }).count()).toBe(0);
    await page.getByRole("button", { name: "Services" }).click();
    await page.getByLabel("Criticality of Checkout").selectOption("high");
    await expect.poll(() => page.getByLabel("Criticality of Checkout").inputValue()).toBe("high");
    expect(await seriousViolations()).toEqual([]);
  });

  it("saves the priority matrix", async () => {
    await page.getByRole("button", { name: "Priority matrix" }).click();
    await page.getByLabel("Priority for impact 3 and urgency 3").selectOption("4");
    await page.getByRole("button", { name: "Save matrix" }).click();
    await page.getByText("Saved: new incidents use this matrix.").waitFor();
    // After saving, the page reloads the matrix from the API: the choice was stored.
    await expect.poll(() => page.getByLabel("Priority for impact 3 and urgency 3").inputValue()).toBe("4");
    expect(await seriousViolations()).toEqual([]);
    await shot("06-matrix");
  });

  it("shows the audit log with its verified hash chain", async () => {
    await page.getByRole("button", { name: "Audit log" }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toMatch(/Hash chain verified: all \d+ records are intact/);
    await page.getByRole("cell", { name: "user.change_role" }).first().waitFor();
    expect(await seriousViolations()).toEqual([]);
    await shot("07-audit");
  });
});

describe("sessions in the web app", () => {
  it("renews an expired access token transparently with the refresh token", async () => {
    const before = (await stored())!;
    // As if the 15 minutes had passed: the next request must refresh first.
    await page.evaluate(() => {
      const s = JSON.parse(window.localStorage.getItem("quell.session")!);
      window.localStorage.setItem("quell.session", JSON.stringify({ ...s, accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString() }));
    });
    await page.goto(`${web!.url}/`);
    await page.getByRole("heading", { name: "Triage queue" }).waitFor();
    await expect.poll(async () => (await stored())?.refreshToken).not.toBe(before.refreshToken);
    const after = (await stored())!;
    expect(Date.parse(after.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
  });

  it("ends the session on the server when signing out: the old token is refused", async () => {
    const { token } = (await stored())!;
    await signOut();
    await expect.poll(async () => {
      const res = await fetch(`${apiUrl}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: "{ me { id } }" }) });
      return ((await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code;
    }).toBe("UNAUTHENTICATED");
  });
});
