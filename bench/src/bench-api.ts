import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { startRuntime } from "@quell/api/app";
import { Role } from "@quell/api/platform/auth/roles";
import { loadConfig } from "@quell/api/platform/config";
import { startServer, type Server } from "./load-harness";

/** One JWT secret per bench run, shared by the token maker and the API process. */
export const BENCH_JWT_SECRET = randomBytes(48).toString("base64url");

/** A signed-in agent (created through Quell's own user service) and its bearer token. */
export async function benchAgentToken(databaseUrl: string, email = "bench-agent@bench.test"): Promise<{ token: string; userId: string }> {
  const runtime = await startRuntime(loadConfig({ databaseUrl, redisUrl: undefined, jwtSecret: BENCH_JWT_SECRET, development: false, jwtTtlSeconds: 4 * 3600 }));
  try {
    const user = await runtime.services.users.createUser(null, { email, name: "Bench Agent", password: randomBytes(16).toString("hex"), role: Role.agent });
    const { token } = await runtime.services.users.sessions.open(user);
    return { token, userId: user.id };
  } finally {
    await runtime.close();
  }
}

/**
 * Quell's API as production runs it: its own process, NODE_ENV=production, PostgreSQL and Redis,
 * logging at info. The per-token rate limit is raised: one bench token making thousands of requests
 * a minute would otherwise measure RATE_LIMITED answers.
 */
export function startQuellApi(databaseUrl: string, port: number, env: NodeJS.ProcessEnv = {}): Promise<Server> {
  return startServer(
    "quell",
    [process.execPath, "api/dist/main.js"],
    {
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      JWT_SECRET: BENCH_JWT_SECRET,
      JWT_TTL_SECONDS: String(4 * 3600),
      HOST: "127.0.0.1",
      PORT: String(port),
      QUELL_RATE_LIMIT_PER_MINUTE: "100000000",
      QUELL_SEED: "0",
      ...env,
    },
    `http://127.0.0.1:${port}/graphql`,
    `http://127.0.0.1:${port}/readyz`,
  );
}
