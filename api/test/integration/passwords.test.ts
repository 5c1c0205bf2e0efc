import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, seedFixture, startTestApi, TEST_PASSWORD, type Fixture } from "../support/harness";

const CREATE = `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`;

describe("weak passwords are refused", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
  });
  afterAll(async () => t?.stop());

  it.each([
    ["too short", "Xk#9vL!2q", /at least 12 characters/],
    ["common", "password1234", /too easy to guess/],
    ["the user's own email as", "greta@example.test", /too easy to guess/],
  ])("createUser refuses a %s password with BAD_USER_INPUT naming why, and creates nobody", async (_what, password, why) => {
    const res = await t.gql(CREATE, { i: { email: "greta@example.test", name: "Greta Garbo", password, role: "agent" } }, f.tokens.admin);
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    expect(res.errors![0].message).toMatch(why);
    expect(res.errors![0].message).not.toContain(password);
    expect(await t.api.dataSource.query(`SELECT id FROM app_user WHERE email = 'greta@example.test'`)).toEqual([]);
  });

  it("createUser accepts a strong passphrase", async () => {
    const res = await t.gql(CREATE, { i: { email: "strong@example.test", name: "Strong", password: "plum-orbit-galley-7-tundra", role: "agent" } }, f.tokens.admin);
    expect(res.errors).toBeUndefined();
  });

  it("changePassword refuses a weak new password and keeps the old one", async () => {
    const res = await t.gql(`mutation($i: ChangePasswordInput!) { changePassword(input: $i) { token } }`, { i: { currentPassword: TEST_PASSWORD, newPassword: "qwertyuiop123" } }, f.tokens.agent);
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    expect(res.errors![0].extensions!.fields ?? res.errors![0].extensions!.field).toBeTruthy();
    const login = await t.gql(`mutation($i: LoginInput!) { login(input: $i) { token } }`, { i: { email: f.users.agent.email, password: TEST_PASSWORD } });
    expect(login.errors).toBeUndefined();
  });
});
