import { SignJWT } from "jose";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenIssuer } from "../../src/platform/auth/auth.service";
import { PUBLISHED_JWT_SECRET } from "../../src/platform/config";
import { codeOf, seedFixture, startTestApi, TEST_PASSWORD, type Fixture } from "../support/harness";

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { token refreshToken accessTokenExpiresAt sessionExpiresAt user { id } } }`;
const REFRESH = `mutation($i: RefreshSessionInput!) { refreshSession(input: $i) { token refreshToken accessTokenExpiresAt } }`;
const LOGOUT = `mutation($i: RefreshSessionInput!) { logout(input: $i) }`;
const ME = `query { me { id email } }`;

describe("server-side sessions", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    // Idle subscriptions re-check their session every 150 ms here (30 s by default).
    t = await startTestApi({ subscriptionRecheckMs: 150 });
    f = await seedFixture(t.api);
  });
  afterAll(async () => t?.stop());

  const login = async (email = f.users.agent.email, password = TEST_PASSWORD) => {
    const res = await t.gql(LOGIN, { i: { email, password } });
    expect(res.errors).toBeUndefined();
    return res.data!.login as { token: string; refreshToken: string; accessTokenExpiresAt: string; sessionExpiresAt: string };
  };

  it("issues a short-lived access token (15 minutes by default) with a refresh token", async () => {
    const session = await login();
    const minutes = (Date.parse(session.accessTokenExpiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    expect(Date.parse(session.sessionExpiresAt)).toBeGreaterThan(Date.parse(session.accessTokenExpiresAt));
    const stored = await t.api.dataSource.query(`SELECT refresh_token_hash FROM session WHERE user_id = $1`, [f.users.agent.id]);
    expect(JSON.stringify(stored)).not.toContain(session.refreshToken);
  });

  it("refuses the old access token and the refresh token after logout", async () => {
    const session = await login();
    expect(codeOf(await t.gql(ME, {}, session.token))).toBeUndefined();
    const out = await t.gql(LOGOUT, { i: { refreshToken: session.refreshToken } }, session.token);
    expect(out.data?.logout).toBe(true);
    expect(codeOf(await t.gql(ME, {}, session.token))).toBe("UNAUTHENTICATED");
    expect(codeOf(await t.gql(REFRESH, { i: { refreshToken: session.refreshToken } }))).toBe("UNAUTHENTICATED");
    const audit = await t.api.dataSource.query(`SELECT action FROM audit_log WHERE action = 'session.logout' AND actor_id = $1`, [f.users.agent.id]);
    expect(audit).toHaveLength(1);
  });

  it("ends the caller's current session even when its refresh token was already rotated", async () => {
    const session = await login();
    const refreshed = (await t.gql(REFRESH, { i: { refreshToken: session.refreshToken } })).data!.refreshSession;
    // The old refresh token no longer names a session; the access token still does.
    const out = await t.gql(LOGOUT, { i: { refreshToken: session.refreshToken } }, refreshed.token);
    expect(out.data?.logout).toBe(true);
    expect(codeOf(await t.gql(ME, {}, refreshed.token))).toBe("UNAUTHENTICATED");
    expect(codeOf(await t.gql(REFRESH, { i: { refreshToken: refreshed.refreshToken } }))).toBe("UNAUTHENTICATED");
  });

  it("does not let one user log out another user's session", async () => {
    const victim = await login(f.users.analyst.email);
    const attacker = await login();
    await t.gql(LOGOUT, { i: { refreshToken: victim.refreshToken } }, attacker.token);
    expect(codeOf(await t.gql(ME, {}, victim.token))).toBeUndefined();
    expect(codeOf(await t.gql(REFRESH, { i: { refreshToken: victim.refreshToken } }))).toBeUndefined();
  });

  it("rotates the refresh token: the new pair works and the old refresh token is refused", async () => {
    const first = await login();
    const refreshed = await t.gql(REFRESH, { i: { refreshToken: first.refreshToken } });
    expect(refreshed.errors).toBeUndefined();
    const next = refreshed.data!.refreshSession;
    expect(next.refreshToken).not.toBe(first.refreshToken);
    expect(codeOf(await t.gql(ME, {}, next.token))).toBeUndefined();
    expect(codeOf(await t.gql(REFRESH, { i: { refreshToken: first.refreshToken } }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await t.gql(REFRESH, { i: { refreshToken: next.refreshToken } }))).toBeUndefined();
  });

  it("lets exactly one of two concurrent refreshes with the same token win", async () => {
    const session = await login();
    const both = await Promise.all([0, 1].map(() => t.gql(REFRESH, { i: { refreshToken: session.refreshToken } })));
    expect(both.map((r) => codeOf(r) ?? "ok").sort()).toEqual(["UNAUTHENTICATED", "ok"]);
  });

  it("answers a malformed refresh token with BAD_USER_INPUT", async () => {
    expect(codeOf(await t.gql(REFRESH, { i: { refreshToken: "sample" } }))).toBe("BAD_USER_INPUT");
  });

  it("refuses an expired access token of a live session", async () => {
    const session = await login();
    const sessionId = (await t.api.dataSource.query(`SELECT id FROM session WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1`, [f.users.agent.id]))[0].id;
    const expired = await new TokenIssuer(t.config.jwtSecret, -60).issue({ userId: f.users.agent.id, sessionId, role: f.users.agent.role });
    expect(codeOf(await t.gql(ME, {}, expired.token))).toBe("UNAUTHENTICATED");
    expect(codeOf(await t.gql(ME, {}, session.token))).toBeUndefined();
  });

  it("refuses a JWT without a session id, and an admin token forged with the once-published default secret", async () => {
    const key = (secret: string) => new TextEncoder().encode(secret);
    const sessionless = await new SignJWT({ role: "admin" }).setProtectedHeader({ alg: "HS256" }).setSubject(f.users.admin.id).setIssuer("quell").setExpirationTime("10m").sign(key(t.config.jwtSecret));
    expect(codeOf(await t.gql(ME, {}, sessionless))).toBe("UNAUTHENTICATED");
    const forged = await new SignJWT({ role: "admin", sid: "00000000-0000-4000-8000-000000000000" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(f.users.admin.id)
      .setIssuer("quell")
      .setExpirationTime("10m")
      .sign(key(PUBLISHED_JWT_SECRET));
    expect(codeOf(await t.gql(`query { auditLog { seq } }`, {}, forged))).toBe("UNAUTHENTICATED");
  });

  it("ends every session when a user changes their password, and starts a new one for the caller", async () => {
    const user = await t.api.services.users.createUser(null, { email: "changer@example.test", name: "Changer", password: TEST_PASSWORD, role: f.users.agent.role });
    const elsewhere = await login(user.email);
    const here = await login(user.email);
    const NEW_PASSWORD = "violet-quarry-harbour-41";
    const changed = await t.gql(`mutation($i: ChangePasswordInput!) { changePassword(input: $i) { token } }`, { i: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD } }, here.token);
    expect(changed.errors).toBeUndefined();
    expect(codeOf(await t.gql(ME, {}, elsewhere.token))).toBe("UNAUTHENTICATED");
    expect(codeOf(await t.gql(ME, {}, here.token))).toBe("UNAUTHENTICATED");
    expect(codeOf(await t.gql(REFRESH, { i: { refreshToken: elsewhere.refreshToken } }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await t.gql(ME, {}, changed.data!.changePassword.token))).toBeUndefined();
    await login(user.email, NEW_PASSWORD);
  });

  it("refuses changePassword with a wrong current password (BAD_USER_INPUT) and keeps the old password", async () => {
    const session = await login();
    const res = await t.gql(`mutation($i: ChangePasswordInput!) { changePassword(input: $i) { token } }`, { i: { currentPassword: "not-it", newPassword: "violet-quarry-harbour-41" } }, session.token);
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    await login();
  });

  it("closes a subscription's socket with 4401 when its session is revoked, without delivering the event", async () => {
    const session = await login(f.users.analyst.email);
    const url = t.api.http.url.replace("http", "ws") + "/graphql";
    const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${session.token}` }, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
    const data: unknown[] = [];
    const closed = new Promise<number>((resolve) => client.on("closed", (event) => resolve((event as { code: number }).code)));
    const subscribed = new Promise<void>((resolve) => {
      client.subscribe(
        { query: "subscription { incidentChanged { incidentId kind } }" },
        { next: (v) => (v.data ? data.push(v.data) : undefined), error: () => undefined, complete: () => undefined },
      );
      client.on("connected", () => resolve());
    });
    await subscribed;
    // A first event arrives while the session is live.
    const firstEvent = new Promise<void>((resolve) => {
      const timer = setInterval(() => data.length > 0 && (clearInterval(timer), resolve()), 20);
    });
    await new Promise((r) => setTimeout(r, 200));
    await t.gql(`mutation { createIncident(input: { title: "Before logout", impact: 3, urgency: 3 }) { id } }`, {}, f.tokens.agent);
    await firstEvent;
    await t.gql(LOGOUT, { i: { refreshToken: session.refreshToken } }, session.token);
    await t.gql(`mutation { createIncident(input: { title: "After logout", impact: 3, urgency: 3 }) { id } }`, {}, f.tokens.agent);
    expect(await closed).toBe(4401);
    expect(data).toHaveLength(1);
    await client.dispose();
  });

  it("closes an idle subscription's socket with 4401 soon after its session is revoked, with no event to trigger it", async () => {
    const session = await login(f.users.analyst.email);
    const url = t.api.http.url.replace("http", "ws") + "/graphql";
    const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${session.token}` }, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
    const closed = new Promise<number>((resolve) => client.on("closed", (event) => resolve((event as { code: number }).code)));
    await new Promise<void>((resolve) => {
      client.subscribe({ query: "subscription { problemChanged { problemId } }" }, { next: () => undefined, error: () => undefined, complete: () => undefined });
      client.on("connected", () => resolve());
    });
    // Let the subscription start, then end the session; nothing is published afterwards.
    await new Promise((r) => setTimeout(r, 300));
    await t.gql(LOGOUT, { i: { refreshToken: session.refreshToken } }, session.token);
    expect(await closed).toBe(4401);
    await client.dispose();
  });
});
