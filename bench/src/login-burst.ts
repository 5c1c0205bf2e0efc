import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { startApi } from "@quell/api/app";
import { Role } from "@quell/api/platform/auth/roles";
import { loadConfig } from "@quell/api/platform/config";

/**
 * A password-guessing burst against one account (embedded database, one process): how many
 * guesses get an answer, and what happens meanwhile to another user's requests.
 * `npm run bench:login-burst -- [guesses=600] [argon2Concurrency=2] [failuresPerAccount=10]` (a large
 * failuresPerAccount switches throttling off, to see the argon2 bound alone). Prints figures; asserts nothing.
 */
async function main(): Promise<void> {
  const guesses = Number(process.argv[2] ?? 600);
  const argon2Concurrency = Number(process.argv[3] ?? 2);
  const loginFailuresPerAccount = Number(process.argv[4] ?? 10);
  const api = await startApi(loadConfig({ dataDir: ":memory:", databaseUrl: undefined, redisUrl: undefined, httpPort: 0, jwtSecret: randomBytes(32).toString("hex"), argon2Concurrency, loginFailuresPerAccount, loginFailuresPerAddress: Math.max(100, loginFailuresPerAccount) }));
  const password = "plum-orbit-galley-7-tundra";
  const victim = await api.services.users.createUser(null, { email: "victim@bench.test", name: "Victim", password, role: Role.agent });
  const bystander = await api.services.users.createUser(null, { email: "bystander@bench.test", name: "Bystander", password, role: Role.agent });
  const { token } = await api.services.users.sessions.open(bystander);
  const post = (body: unknown, auth?: string) =>
    fetch(`${api.http.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${auth}` } : {}) }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ errors?: Array<{ extensions?: { code?: string } }> }>);

  const bystanderMs: number[] = [];
  let bursting = true;
  const probe = (async () => {
    while (bursting) {
      const t = performance.now();
      await post({ query: "{ me { id } }" }, token);
      bystanderMs.push(performance.now() - t);
    }
  })();
  const started = performance.now();
  const codes = await Promise.all(
    Array.from({ length: guesses }, (_, i) => post({ query: `mutation($i: LoginInput!) { login(input: $i) { token } }`, variables: { i: { email: victim.email, password: `guess-${i}` } } }).then((r) => r.errors?.[0]?.extensions?.code ?? "ok")),
  );
  const burstMs = performance.now() - started;
  bursting = false;
  await probe;
  const count = (code: string) => codes.filter((c) => c === code).length;
  const sorted = [...bystanderMs].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]?.toFixed(1);
  console.log(
    JSON.stringify({
      guesses,
      argon2Concurrency,
      loginFailuresPerAccount,
      burstSeconds: +(burstMs / 1000).toFixed(2),
      answeredWrongPassword: count("UNAUTHENTICATED"),
      rateLimited: count("RATE_LIMITED"),
      bystanderRequests: sorted.length,
      bystanderP50ms: pct(0.5),
      bystanderP95ms: pct(0.95),
    }),
  );
  await api.close();
}

void main();
