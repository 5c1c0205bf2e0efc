import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEV_SECRET_FILE, loadConfig, PUBLISHED_JWT_SECRET, UnsafeConfigError } from "./config";

const PRODUCTION = { DATABASE_URL: "postgres://quell@db.example/quell", NODE_ENV: "production" };
const STRONG = "x".repeat(16) + "y".repeat(16);

describe("JWT secret at start-up", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quell-config-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ["unset", undefined, /JWT_SECRET is not set/],
    ["the published default", PUBLISHED_JWT_SECRET, /default published/],
    ["31 bytes", "z".repeat(31), /31 bytes; it needs at least 32/],
  ])("refuses to start outside development when JWT_SECRET is %s, saying how to make one", (_what, secret, reason) => {
    const env = { ...PRODUCTION, QUELL_DATA_DIR: tempDir(), ...(secret === undefined ? {} : { JWT_SECRET: secret }) };
    expect(() => loadConfig({}, env)).toThrow(UnsafeConfigError);
    expect(() => loadConfig({}, env)).toThrow(reason);
    expect(() => loadConfig({}, env)).toThrow(/randomBytes/);
  });

  it("starts outside development with a secret of 32 bytes or more", () => {
    const config = loadConfig({}, { ...PRODUCTION, JWT_SECRET: STRONG, QUELL_DATA_DIR: tempDir() });
    expect(config.development).toBe(false);
    expect(config.jwtSecret).toBe(STRONG);
  });

  it("counts a PostgreSQL start without NODE_ENV as production, not development", () => {
    expect(() => loadConfig({}, { DATABASE_URL: PRODUCTION.DATABASE_URL, QUELL_DATA_DIR: tempDir() })).toThrow(UnsafeConfigError);
  });

  it("generates a random secret in the embedded default and keeps it in the data folder across restarts", () => {
    const dataDir = tempDir();
    const first = loadConfig({}, { QUELL_DATA_DIR: dataDir });
    expect(first.development).toBe(true);
    expect(first.jwtSecret).not.toBe(PUBLISHED_JWT_SECRET);
    expect(Buffer.byteLength(first.jwtSecret)).toBeGreaterThanOrEqual(32);
    expect(fs.readFileSync(path.join(dataDir, DEV_SECRET_FILE), "utf8").trim()).toBe(first.jwtSecret);
    expect((fs.statSync(path.join(dataDir, DEV_SECRET_FILE)).mode & 0o077) === 0).toBe(true);
    expect(loadConfig({}, { QUELL_DATA_DIR: dataDir }).jwtSecret).toBe(first.jwtSecret);
    expect(loadConfig({}, { QUELL_DATA_DIR: tempDir() }).jwtSecret).not.toBe(first.jwtSecret);
  });

  it("treats NODE_ENV=development on PostgreSQL as development", () => {
    const config = loadConfig({}, { DATABASE_URL: PRODUCTION.DATABASE_URL, NODE_ENV: "development", QUELL_DATA_DIR: tempDir() });
    expect(config.development).toBe(true);
    expect(Buffer.byteLength(config.jwtSecret)).toBeGreaterThanOrEqual(32);
  });
});

describe("demo data", () => {
  const env = (extra: Record<string, string>) => ({ QUELL_DATA_DIR: os.tmpdir(), JWT_SECRET: STRONG, ...extra });
  it("is seeded on the embedded database unless QUELL_SEED=0", () => {
    expect(loadConfig({}, env({})).seedDemo).toBe(true);
    expect(loadConfig({}, env({ QUELL_SEED: "0" })).seedDemo).toBe(false);
  });
  it("is not seeded on PostgreSQL unless QUELL_SEED=demo asks for it", () => {
    expect(loadConfig({}, env({ DATABASE_URL: PRODUCTION.DATABASE_URL })).seedDemo).toBe(false);
    expect(loadConfig({}, env({ DATABASE_URL: PRODUCTION.DATABASE_URL, QUELL_SEED: "1" })).seedDemo).toBe(false);
    expect(loadConfig({}, env({ DATABASE_URL: PRODUCTION.DATABASE_URL, QUELL_SEED: "demo" })).seedDemo).toBe(true);
  });
});

describe("the API process started without a JWT secret on PostgreSQL", () => {
  it("exits with status 1 and prints what to do", () => {
    const root = path.resolve(__dirname, "../../..");
    // The real entry point, compiled as `npm run api` runs it.
    execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-b", path.join(root, "api")], { cwd: root, stdio: "inherit" });
    const env: NodeJS.ProcessEnv = { ...process.env, ...PRODUCTION, QUELL_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "quell-config-")), PORT: "0" };
    delete env.JWT_SECRET;
    delete env.VITEST;
    const run = spawnSync(process.execPath, [path.join(root, "api/dist/main.js")], { env, encoding: "utf8", timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Quell refuses to start: JWT_SECRET is not set.");
    expect(run.stderr).toContain("export JWT_SECRET=");
  }, 120_000);
});
