import { randomBytes } from "node:crypto";
import { DataSource } from "typeorm";
import { startApi, startRuntime, type QuellApi } from "../../src/app";
import type { Clock } from "../../src/platform/clock";
import { Role } from "../../src/platform/auth/roles";
import { loadConfig, type QuellConfig } from "../../src/platform/config";
import { Criticality, ServiceKind, type Service } from "../../src/modules/catalog/catalog.entity";
import type { Team } from "../../src/modules/team/team.entity";
import type { User } from "../../src/modules/user/user.entity";

/**
 * Each test file gets its own API on a random port and its own database: a fresh PostgreSQL
 * schema when DATABASE_URL is set (CI), else an in-memory PGlite (a fresh machine).
 */
export function testConfig(overrides: Partial<QuellConfig> = {}): QuellConfig {
  const schema = process.env.DATABASE_URL ? `t_${process.pid}_${randomBytes(4).toString("hex")}` : undefined;
  // An explicit secret: with DATABASE_URL set the API is not in development and refuses to start without one.
  const jwtSecret = randomBytes(32).toString("base64url");
  // Sessions stay cached all through a test file: statement counts do not depend on timing, and
  // every logout or revocation a test makes must reach the API through the cache's invalidation.
  const sessionCacheMs = 600_000;
  return loadConfig({ httpPort: 0, dataDir: ":memory:", databaseSchema: schema, redisUrl: undefined, exposeSqlCount: true, jwtSecret, sessionCacheMs, ...overrides });
}

export async function dropSchema(config: QuellConfig): Promise<void> {
  if (!config.databaseUrl || !config.databaseSchema) return;
  const ds = new DataSource({ type: "postgres", url: config.databaseUrl });
  await ds.initialize();
  await ds.query(`DROP SCHEMA IF EXISTS "${config.databaseSchema}" CASCADE`);
  await ds.destroy();
}

export interface GqlResult<T = Record<string, any>> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
  status: number;
  /** SQL statements the server ran for this request (x-sql-statements). */
  sqlStatements: number;
}

export type Gql = <T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string) => Promise<GqlResult<T>>;

export function gqlClient(url: string): Gql {
  return async (query, variables, token) => {
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GqlResult;
    return { ...body, status: res.status, sqlStatements: Number(res.headers.get("x-sql-statements") ?? NaN) } as never;
  };
}

/** The first error's code, or undefined; most negative tests check exactly this. */
export const codeOf = (result: GqlResult) => result.errors?.[0]?.extensions?.code as string | undefined;

export interface Fixture {
  team: Team;
  service: Service;
  users: Record<Role, User>;
  tokens: Record<Role, string>;
}

export const TEST_PASSWORD = "correct-horse-battery";

/** One team, one service and one user per role, with session tokens. */
export async function seedFixture(api: QuellApi, tag = randomBytes(3).toString("hex")): Promise<Fixture> {
  const { catalog, users: userService } = api.services;
  const team = await catalog.createTeam(null, { name: `Team ${tag}` });
  const service = await catalog.createService(null, { name: `Service ${tag}`, kind: ServiceKind.business_service, criticality: Criticality.high, ownerTeamId: team.id });
  const users = {} as Record<Role, User>;
  const tokens = {} as Record<Role, string>;
  for (const role of Object.values(Role)) {
    users[role] = await userService.createUser(null, { email: `${role}.${tag}@example.test`, name: `${role} ${tag}`, password: TEST_PASSWORD, role, teamId: team.id });
    tokens[role] = (await userService.sessions.open(users[role])).token;
  }
  return { team, service, users, tokens };
}

export async function startTestApi(overrides: Partial<QuellConfig> = {}, options: { clock?: Clock } = {}) {
  const config = testConfig(overrides);
  const api = await startApi(config, options.clock ? await startRuntime(config, { clock: options.clock }) : undefined);
  const gql = gqlClient(api.http.url);
  return {
    api,
    config,
    gql,
    async stop() {
      await api.close();
      await dropSchema(config);
    },
  };
}
