import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type QuellApi } from "../../src/app";
import { dropSchema, gqlClient, seedFixture, testConfig, type Fixture } from "../support/harness";

/** Two API replicas on one database and one Redis: a change made through one reaches subscribers of the other. */
describe.runIf(!!process.env.DATABASE_URL && !!process.env.REDIS_URL)("subscriptions across API replicas (Redis pub/sub)", () => {
  const config = testConfig({ redisUrl: process.env.REDIS_URL });
  let replicaA: QuellApi;
  let replicaB: QuellApi;
  let f: Fixture;
  beforeAll(async () => {
    replicaA = await startApi(config);
    replicaB = await startApi({ ...config, httpPort: 0 });
    f = await seedFixture(replicaA);
  });
  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
    await dropSchema(config);
  });

  it("delivers incidentChanged from replica A to a subscriber on replica B", async () => {
    const client = createClient({ url: replicaB.http.url.replace("http", "ws") + "/graphql", webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${f.tokens.analyst}` }, retryAttempts: 0 });
    const received = new Promise<{ incidentId: string; kind: string }>((resolve, reject) => {
      client.subscribe<{ incidentChanged: { incidentId: string; kind: string } }>(
        { query: "subscription { incidentChanged { incidentId kind } }" },
        { next: (v) => (v.data ? resolve(v.data.incidentChanged) : reject(new Error(JSON.stringify(v.errors)))), error: reject, complete: () => undefined },
      );
    });
    await new Promise((r) => setTimeout(r, 300));
    const created = await gqlClient(replicaA.http.url)(`mutation { createIncident(input: { title: "Fan-out probe", impact: 3, urgency: 3 }) { id } }`, {}, f.tokens.agent);
    const event = await received;
    expect(event).toEqual({ incidentId: created.data!.createIncident.id, kind: "created" });
    await client.dispose();
  });
});
