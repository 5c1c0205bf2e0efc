import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/platform/auth/roles";
import { seedFixture, startTestApi, TEST_PASSWORD, type Fixture } from "../support/harness";

describe("who sees email addresses", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
    await t.gql(`mutation { createIncident(input: { title: "Someone's incident", impact: 3, urgency: 3 }) { id } }`, {}, f.tokens.agent);
  });
  afterAll(async () => t?.stop());

  const PEOPLE = `query { users { id name email } teams { members { id name email } } incidents(first: 5) { edges { node { reporter { id name email } } } } }`;

  it.each(Object.values(Role).filter((r) => r !== Role.admin))("a %s sees names and ids of everyone, but only their own email", async (role) => {
    const res = await t.gql(PEOPLE, {}, f.tokens[role]);
    expect(res.errors).toBeUndefined();
    const users = res.data!.users as Array<{ id: string; name: string; email: string | null }>;
    expect(users.length).toBeGreaterThanOrEqual(5);
    expect(users.every((u) => u.id && u.name)).toBe(true);
    for (const u of users) expect(u.email).toBe(u.id === f.users[role].id ? f.users[role].email : null);
    const body = JSON.stringify(res.data);
    for (const other of Object.values(Role).filter((r) => r !== role)) expect(body).not.toContain(f.users[other].email);
  });

  it("an admin sees every user's email", async () => {
    const res = await t.gql(PEOPLE, {}, f.tokens.admin);
    const emails = (res.data!.users as Array<{ email: string }>).map((u) => u.email);
    for (const role of Object.values(Role)) expect(emails).toContain(f.users[role].email);
  });

  it("login answers with the caller's own email", async () => {
    const res = await t.gql(`mutation($i: LoginInput!) { login(input: $i) { user { email } } }`, { i: { email: f.users.analyst.email, password: TEST_PASSWORD } });
    expect(res.data!.login.user.email).toBe(f.users.analyst.email);
  });
});
