import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, seedFixture, startTestApi, TEST_PASSWORD, type Fixture } from "../support/harness";

const STRONG = "plum-orbit-galley-7-tundra";
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { token user { role } } }`;
const USER = `query { users { id version active role } }`;

describe("user administration", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
  });
  afterAll(async () => t?.stop());

  let n = 0;
  async function newUser(role = "agent") {
    const email = `person-${++n}@example.test`;
    const user = await t.api.services.users.createUser(null, { email, name: `Person ${n}`, password: TEST_PASSWORD, role: role as never });
    const session = await t.gql(LOGIN, { i: { email, password: TEST_PASSWORD } });
    return { user, email, token: session.data!.login.token as string };
  }
  const versionOf = async (id: string) => ((await t.gql(USER, {}, f.tokens.admin)).data!.users as Array<{ id: string; version: number }>).find((u) => u.id === id)!.version;
  const admin = (query: string, input: Record<string, unknown>) => t.gql(query, { i: input }, f.tokens.admin);
  const auditActions = async (id: string) => (await t.api.dataSource.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY seq`, [id])).map((r: { action: string }) => r.action);

  it("deactivating a user ends their sessions and refuses their login; reactivating lets them back", async () => {
    const { user, email, token } = await newUser();
    const res = await admin(`mutation($i: UserVersionInput!) { deactivateUser(input: $i) { active version } }`, { id: user.id, version: user.version });
    expect(res.errors).toBeUndefined();
    expect(res.data!.deactivateUser.active).toBe(false);
    expect(codeOf(await t.gql(`query { me { id } }`, {}, token))).toBe("UNAUTHENTICATED");
    expect(codeOf(await t.gql(LOGIN, { i: { email, password: TEST_PASSWORD } }))).toBe("UNAUTHENTICATED");
    const back = await admin(`mutation($i: UserVersionInput!) { reactivateUser(input: $i) { active } }`, { id: user.id, version: res.data!.deactivateUser.version });
    expect(back.data!.reactivateUser.active).toBe(true);
    expect(codeOf(await t.gql(LOGIN, { i: { email, password: TEST_PASSWORD } }))).toBeUndefined();
    expect(await auditActions(user.id)).toEqual(expect.arrayContaining(["user.deactivate", "user.reactivate"]));
  });

  it("refuses a stale version with CONFLICT and changes nothing", async () => {
    const { user } = await newUser();
    const res = await admin(`mutation($i: UserVersionInput!) { deactivateUser(input: $i) { active } }`, { id: user.id, version: user.version + 5 });
    expect(codeOf(res)).toBe("CONFLICT");
    const row = await t.api.dataSource.query(`SELECT active FROM app_user WHERE id = $1`, [user.id]);
    expect(row[0].active).toBe(true);
  });

  it("refuses deactivating yourself and demoting the last admin", async () => {
    const self = await admin(`mutation($i: UserVersionInput!) { deactivateUser(input: $i) { active } }`, { id: f.users.admin.id, version: await versionOf(f.users.admin.id) });
    expect(codeOf(self)).toBe("PRECONDITION_FAILED");
    const demote = await admin(`mutation($i: ChangeUserRoleInput!) { changeUserRole(input: $i) { role } }`, { id: f.users.admin.id, version: await versionOf(f.users.admin.id), role: "agent" });
    expect(codeOf(demote)).toBe("PRECONDITION_FAILED");
  });

  it("changing a role ends the user's sessions; they sign in again with the new role", async () => {
    const { user, email, token } = await newUser("analyst");
    const res = await admin(`mutation($i: ChangeUserRoleInput!) { changeUserRole(input: $i) { role version } }`, { id: user.id, version: user.version, role: "agent" });
    expect(res.data!.changeUserRole.role).toBe("agent");
    expect(codeOf(await t.gql(`query { me { id } }`, {}, token))).toBe("UNAUTHENTICATED");
    const again = await t.gql(LOGIN, { i: { email, password: TEST_PASSWORD } });
    expect(again.data!.login.user.role).toBe("agent");
    expect(await auditActions(user.id)).toContain("user.change_role");
  });

  it("a password reset code sets a new password once, ends every session, and is stored only hashed", async () => {
    const { user, email, token } = await newUser();
    const issued = await admin(`mutation($i: IssuePasswordResetInput!) { issuePasswordReset(input: $i) { code expiresAt } }`, { id: user.id });
    expect(issued.errors).toBeUndefined();
    const { code } = issued.data!.issuePasswordReset;
    expect(JSON.stringify(await t.api.dataSource.query(`SELECT * FROM password_reset`))).not.toContain(code);
    const redeem = (newPassword: string) => t.gql(`mutation($i: RedeemPasswordResetInput!) { redeemPasswordReset(input: $i) }`, { i: { code, newPassword } });

    const weak = await redeem("password1234");
    expect(codeOf(weak)).toBe("BAD_USER_INPUT");
    expect((await redeem(STRONG)).data?.redeemPasswordReset).toBe(true);
    expect(codeOf(await t.gql(`query { me { id } }`, {}, token))).toBe("UNAUTHENTICATED");
    expect(codeOf(await t.gql(LOGIN, { i: { email, password: STRONG } }))).toBeUndefined();
    expect(codeOf(await t.gql(LOGIN, { i: { email, password: TEST_PASSWORD } }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await redeem("violet-quarry-harbour-41"))).toBe("BAD_USER_INPUT");
    expect(await auditActions(user.id)).toEqual(expect.arrayContaining(["user.issue_password_reset", "user.redeem_password_reset"]));
  });

  it("refuses an expired reset code and one replaced by a newer code", async () => {
    const { user } = await newUser();
    const issue = async () => (await admin(`mutation($i: IssuePasswordResetInput!) { issuePasswordReset(input: $i) { code } }`, { id: user.id })).data!.issuePasswordReset.code as string;
    const redeem = (code: string) => t.gql(`mutation($i: RedeemPasswordResetInput!) { redeemPasswordReset(input: $i) }`, { i: { code, newPassword: STRONG } });
    const replaced = await issue();
    const expired = await issue();
    expect(codeOf(await redeem(replaced))).toBe("BAD_USER_INPUT");
    await t.api.dataSource.query(`UPDATE password_reset SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, [user.id]);
    expect(codeOf(await redeem(expired))).toBe("BAD_USER_INPUT");
  });

  it("edits a team and a service with version checks", async () => {
    const team = await admin(`mutation($i: CreateTeamInput!) { createTeam(input: $i) { id version } }`, { name: "Edit me" });
    const { id, version } = team.data!.createTeam;
    const edited = await admin(`mutation($i: UpdateTeamInput!) { updateTeam(input: $i) { name description version } }`, { id, version, name: "Edited", description: "now described" });
    expect(edited.data!.updateTeam).toMatchObject({ name: "Edited", description: "now described", version: version + 1 });
    expect(codeOf(await admin(`mutation($i: UpdateTeamInput!) { updateTeam(input: $i) { name } }`, { id, version, name: "Stale" }))).toBe("CONFLICT");
    const taken = await admin(`mutation($i: UpdateTeamInput!) { updateTeam(input: $i) { name } }`, { id, version: version + 1, name: f.team.name });
    expect(codeOf(taken)).toBe("CONFLICT");

    const service = await admin(`mutation($i: UpdateServiceInput!) { updateService(input: $i) { name criticality ownerTeam { id } } }`, {
      id: f.service.id,
      version: f.service.version,
      criticality: "low",
      ownerTeamId: id,
    });
    expect(service.data!.updateService).toMatchObject({ name: f.service.name, criticality: "low", ownerTeam: { id } });
    expect(await auditActions(id)).toEqual(["team.create", "team.update"]);
  });

  it("refuses to delete a team or service still in use (CONFLICT, IN_USE, with counts) and deletes unused ones", async () => {
    const team = (await admin(`mutation($i: CreateTeamInput!) { createTeam(input: $i) { id version } }`, { name: "Delete me" })).data!.createTeam;
    const service = (await admin(`mutation($i: CreateServiceInput!) { createService(input: $i) { id version } }`, { name: "Doomed service", ownerTeamId: team.id })).data!.createService;
    await t.gql(`mutation($i: CreateIncidentInput!) { createIncident(input: $i) { id } }`, { i: { title: "Uses the doomed service", impact: 3, urgency: 3, serviceId: service.id } }, f.tokens.agent);

    const teamInUse = await admin(`mutation($i: CatalogVersionInput!) { deleteTeam(input: $i) }`, { id: team.id, version: team.version });
    expect(codeOf(teamInUse)).toBe("CONFLICT");
    expect(teamInUse.errors![0].extensions).toMatchObject({ reason: "IN_USE", references: { services: 1 } });
    const serviceInUse = await admin(`mutation($i: CatalogVersionInput!) { deleteService(input: $i) }`, { id: service.id, version: service.version });
    expect(serviceInUse.errors![0].extensions).toMatchObject({ code: "CONFLICT", reason: "IN_USE", references: { incidents: 1 } });

    await t.api.dataSource.query(`UPDATE incident SET service_id = NULL, team_id = NULL WHERE service_id = $1`, [service.id]);
    const deleted = await admin(`mutation($i: CatalogVersionInput!) { deleteService(input: $i) }`, { id: service.id, version: service.version });
    expect(deleted.errors).toBeUndefined();
    expect(deleted.data?.deleteService).toBe(true);
    const teamDeleted = await admin(`mutation($i: CatalogVersionInput!) { deleteTeam(input: $i) }`, { id: team.id, version: team.version });
    expect(teamDeleted.errors).toBeUndefined();
    expect(teamDeleted.data?.deleteTeam).toBe(true);
    expect(await t.api.dataSource.query(`SELECT id FROM team WHERE id = $1`, [team.id])).toEqual([]);
    expect(await auditActions(team.id)).toContain("team.delete");
  });
});
