import http from "node:http";
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from "graphql";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { wsClient, wsRun } from "../../../test/support/ws";
import { loadConfig } from "../config";
import { ErrorCode, QuellError } from "../errors";
import type { QuellContext } from "../graphql/context";
import { GraphQLPipeline } from "../graphql/pipeline";
import { logger } from "../logger";
import { closeCodeFor, serveGraphQLOverWebSocket } from "./ws";

/** A subscription whose stream ends the way a revoked session or a changed role would end it. */
function schemaLosingAccess(code: ErrorCode): GraphQLSchema {
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: "Query", fields: { ok: { type: GraphQLString, resolve: () => "ok" } } }),
    subscription: new GraphQLObjectType({
      name: "Subscription",
      fields: {
        events: {
          type: GraphQLString,
          subscribe: async function* () {
            yield { events: "first" };
            throw new QuellError(code, code === ErrorCode.Forbidden ? "Your role no longer allows this." : "Your session was ended.");
          },
        },
      },
    }),
  });
}

describe("graphql-ws close codes", () => {
  const servers: Array<{ url: string; close(): Promise<void> }> = [];
  async function serve(schema: GraphQLSchema) {
    const server = http.createServer();
    const wss = new WebSocketServer({ server, path: "/graphql" });
    const ws = serveGraphQLOverWebSocket(wss, {
      pipeline: new GraphQLPipeline(schema, loadConfig({ development: true, dataDir: ":memory:" })),
      contextFor: async () => ({ log: logger }) as unknown as QuellContext,
      authenticate: async () => undefined,
      log: logger,
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const handle = { url: `http://127.0.0.1:${port}`, close: async () => (await ws.dispose(), await new Promise<void>((r) => server.close(() => r()))) };
    servers.push(handle);
    return handle;
  }
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it("maps UNAUTHENTICATED to 4401, FORBIDDEN to 4403 and anything else to 4500", () => {
    expect(closeCodeFor(new QuellError(ErrorCode.Unauthenticated, "x"))).toBe(4401);
    expect(closeCodeFor(new QuellError(ErrorCode.Forbidden, "x"))).toBe(4403);
    expect(closeCodeFor(new Error("boom"))).toBe(4500);
  });

  for (const [code, close] of [
    [ErrorCode.Forbidden, 4403],
    [ErrorCode.Unauthenticated, 4401],
  ] as const) {
    it(`closes the socket with ${close} when a running subscription loses access (${code})`, async () => {
      const { url } = await serve(schemaLosingAccess(code));
      const client = wsClient(url);
      const events: string[] = [];
      const closed = await new Promise<{ code: number; reason: string }>((resolve) => {
        client.on("closed", (event) => resolve(event as { code: number; reason: string }));
        client.subscribe({ query: "subscription { events }" }, { next: (v) => void events.push(String(v.data?.events)), error: () => undefined, complete: () => undefined });
      });
      expect(events).toEqual(["first"]);
      expect(closed.code).toBe(close);
      expect(closed.reason).toMatch(code === ErrorCode.Forbidden ? /no longer allows/ : /session was ended/);
      await client.dispose();
    });
  }

  it("keeps queries on the same kind of socket working", async () => {
    const { url } = await serve(schemaLosingAccess(ErrorCode.Forbidden));
    const client = wsClient(url);
    expect((await wsRun(client, "query { ok }")).data).toEqual({ ok: "ok" });
    await client.dispose();
  });
});
