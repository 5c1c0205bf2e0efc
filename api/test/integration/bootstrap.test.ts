import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, describe, expect, it, vi } from "vitest";
import { COMMANDS } from "../../src/cli/commands";
import "../../src/cli/admin.command";
import { startPlatform } from "../../src/main";
import { User } from "../../src/modules/user/user.entity";
import { closeDatabase, openDatabase } from "../../src/platform/database/data-source";
import { codeOf, dropSchema, gqlClient, testConfig } from "../support/harness";

const ADMIN_PASSWORD = "plum-orbit-galley-7-tundra";

function runAdminCreate(config: ReturnType<typeof testConfig>, args: string[], stdinText: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (b) => (out += String(b)));
  stderr.on("data", (b) => (err += String(b)));
  const command = COMMANDS.find((c) => c.name === "admin create")!;
  return command.run(args, { stdout, stderr, stdin: Readable.from([stdinText]), config }).then((code) => ({ code, out, err }));
}

describe("first administrator bootstrap (quell admin create)", () => {
  // A folder (PGlite) or a schema (PostgreSQL) of its own; each command run opens and closes it.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "quell-bootstrap-"));
  const config = testConfig({ dataDir });
  afterAll(async () => {
    await dropSchema(config);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates an admin from a password read on stdin, prints no password, and refuses a second time unless forced", async () => {
    const first = await runAdminCreate(config, ["--email", "Root@Example.org", "--name", "Rita Root"], `${ADMIN_PASSWORD}\n`);
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toContain("root@example.org");
    expect(first.out + first.err).not.toContain(ADMIN_PASSWORD);

    const second = await runAdminCreate(config, ["--email", "second@example.org"], `${ADMIN_PASSWORD}\n`);
    expect(second.code).toBe(1);
    expect(second.err).toMatch(/already exists.*--force/);

    const forced = await runAdminCreate(config, ["--email", "second@example.org", "--force"], `${ADMIN_PASSWORD}\n`);
    expect(forced.code).toBe(0);

    const dataSource = await openDatabase(config);
    try {
      const admins = await dataSource.getRepository(User).find({ where: { role: "admin" as never }, order: { email: "ASC" } });
      expect(admins.map((u) => u.email)).toEqual(["root@example.org", "second@example.org"]);
      const audit = await dataSource.query(`SELECT action FROM audit_log WHERE action = 'user.bootstrap_admin'`);
      expect(audit).toHaveLength(2);
    } finally {
      await closeDatabase(dataSource);
    }
  });

  it("refuses a weak password and creates nobody", async () => {
    const fresh = testConfig({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), "quell-bootstrap-")) });
    const res = await runAdminCreate(fresh, ["--email", "weak@example.org"], "password1234\n");
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/password: is too easy to guess/);
    await dropSchema(fresh);
    fs.rmSync(fresh.dataDir, { recursive: true, force: true });
  });

  it("needs --email", async () => {
    const res = await runAdminCreate(config, [], `${ADMIN_PASSWORD}\n`);
    expect(res.code).toBe(2);
  });
});

describe.runIf(!!process.env.DATABASE_URL)("npm start on a fresh PostgreSQL database", () => {
  it("seeds no demo organisation (no published password) and tells the operator how to create the first admin", async () => {
    const config = testConfig();
    expect(config.seedDemo).toBe(false);
    let printed = "";
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    });
    const platform = await startPlatform(config).finally(() => write.mockRestore());
    try {
      expect(await platform.api.dataSource.getRepository(User).count()).toBe(0);
      expect(printed).toContain("admin create --email");
      expect(printed).not.toContain("quell-demo-password");
      const login = await gqlClient(platform.api.http.url)(`mutation { login(input: { email: "admin@quell.local", password: "quell-demo-password" }) { token } }`);
      expect(codeOf(login)).toBe("UNAUTHENTICATED");
    } finally {
      await platform.close();
      await dropSchema(config);
    }
  });
});
