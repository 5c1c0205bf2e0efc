import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { logger, logStreams } from "../../src/platform/logger";
import { codeOf, seedFixture, startTestApi, TEST_PASSWORD, type Fixture } from "../support/harness";
import { wsOnce } from "../support/ws";

type StreamEntry = { id: number; stream: { write(line: string): void } };

/** Everything the API logs while the test runs, instead of stdout. */
function captureLogs() {
  const lines: string[] = [];
  const streams = (logStreams as unknown as { streams: StreamEntry[] }).streams;
  const saved = streams.map((s) => s.stream);
  for (const s of [...streams]) logStreams.remove(s.id);
  logStreams.add({ level: "trace", stream: { write: (line: string) => void lines.push(line) } });
  const previousLevel = logger.level;
  logger.level = "info";
  return {
    lines,
    restore() {
      logger.level = previousLevel;
      for (const s of [...streams]) logStreams.remove(s.id);
      for (const stream of saved) logStreams.add({ level: "trace", stream });
    },
  };
}

/** A raw graphql-transport-ws socket, to send what a well-behaved client never would. */
function rawSocket(url: string): Promise<{ socket: WebSocket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace("http", "ws") + "/graphql", "graphql-transport-ws");
    const closed = new Promise<number>((r) => socket.once("close", (code) => r(code)));
    socket.once("open", () => resolve({ socket, closed }));
    socket.once("error", reject);
  });
}

describe("the server log: structured, and without secrets", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  let capture: ReturnType<typeof captureLogs>;
  beforeAll(async () => {
    // Child loggers take the level at creation, so capture before the API starts.
    capture = captureLogs();
    t = await startTestApi({ bodyLimitBytes: 50_000 });
    f = await seedFixture(t.api);
  });
  afterAll(async () => {
    await t?.stop();
    capture?.restore();
  });

  it("never writes passwords, tokens or password hashes, even when requests carrying them fail", async () => {
    const password = "Plaintext-Pa55word-Probe";
    const login = `mutation($i: LoginInput!) { login(input: $i) { token } }`;
    expect(codeOf(await t.gql(login, { i: { email: f.users.agent.email, password } }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await t.gql(login, { i: { email: f.users.agent.email, password, remember: true } }))).toBe("BAD_USER_INPUT");
    const bearer = "eyJhbGciOiJIUzI1NiJ9.forged.signature";
    expect(codeOf(await t.gql(`query { me { id } }`, {}, bearer))).toBe("UNAUTHENTICATED");
    // Unexpected failures while a password is in flight: the error is logged in full, the secrets are not.
    // The INSERT fails after hashing, so the failed statement's parameters hold the argon2 hash.
    await t.api.dataSource.query(`ALTER TABLE app_user ADD CONSTRAINT log_probe CHECK (name <> 'Log Probe')`);
    try {
      const create = await t.gql(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: { email: "new@example.test", name: "Log Probe", password, role: "agent" } }, f.tokens.admin);
      expect(codeOf(create)).toBe("INTERNAL_SERVER_ERROR");
    } finally {
      await t.api.dataSource.query(`ALTER TABLE app_user DROP CONSTRAINT log_probe`);
    }
    await t.api.dataSource.query(`ALTER TABLE app_user RENAME TO app_user_moved`);
    try {
      expect(codeOf(await t.gql(login, { i: { email: f.users.agent.email, password } }))).toBe("INTERNAL_SERVER_ERROR");
    } finally {
      await t.api.dataSource.query(`ALTER TABLE app_user_moved RENAME TO app_user`);
    }
    expect(codeOf(await t.gql(login, { i: { email: f.users.admin.email, password: TEST_PASSWORD } }))).toBeUndefined();

    const log = capture.lines.join("");
    expect(capture.lines.some((l) => l.includes("unexpected error in GraphQL request"))).toBe(true);
    expect(log).not.toContain(password);
    expect(log).not.toContain(TEST_PASSWORD);
    expect(log).not.toContain(bearer);
    expect(log).not.toContain(f.tokens.admin);
    expect(log).not.toMatch(/\$argon2/);
    // The failure itself is still there to debug: which error, which statement.
    const failure = capture.lines.map((l) => JSON.parse(l)).find((l) => l.msg === "unexpected error in GraphQL request" && l.path?.[0] === "createUser");
    expect(failure.err.type).toBe("QueryFailedError");
    expect(failure.err.query).toMatch(/INSERT INTO "app_user"/);
  });

  it("logs WebSocket failures as structured lines, with close codes instead of 4500 and no console output", async () => {
    const consoleError = vi.spyOn(console, "error");
    const consoleWarn = vi.spyOn(console, "warn");
    try {
      const from = capture.lines.length;
      const bad = await wsOnce(t.api.http.url, `query { me { id } }`, {}, "not-a-jwt");
      expect(bad.closeCode).toBe(4401);
      // A frame over the size limit, and a message that is not the protocol.
      const big = await rawSocket(t.api.http.url);
      big.socket.send(JSON.stringify({ type: "connection_init", payload: { pad: "x".repeat(60_000) } }));
      expect(await big.closed).toBe(1009);
      const junk = await rawSocket(t.api.http.url);
      junk.socket.send("{ not json");
      expect(await junk.closed).toBe(4400);
      expect(consoleError).not.toHaveBeenCalled();
      expect(consoleWarn).not.toHaveBeenCalled();
      const lines = capture.lines.slice(from);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      expect(lines.some((l) => JSON.parse(l).msg === "WebSocket client error")).toBe(true);
    } finally {
      consoleError.mockRestore();
      consoleWarn.mockRestore();
    }
  });
});
