import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers, type RunningWorkers } from "@quell/workers/index";
import { DeliveryStatus, Webhook, WebhookDelivery } from "../../src/modules/notification/notification.entity";
import { verifySignature } from "../../src/modules/notification/notification.rules";
import { WebhookService } from "../../src/modules/notification/notification.webhooks";
import { QueueName } from "../../src/platform/queue/queues";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";
import { waitFor } from "../support/wait";

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  path: string;
}

/**
 * Outbound webhooks on real PostgreSQL and Redis (BullMQ): a local receiver that fails the first
 * request gets the retry, signed; the log shows both attempts; replay sends again; Slack format;
 * and the SSRF guard refuses internal targets outside development.
 */
describe("outbound webhooks", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  let workers: RunningWorkers;
  let server: http.Server;
  let base: string;
  const received: Received[] = [];
  let failuresLeft = 1;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ headers: req.headers, body, path: req.url ?? "" });
        if (req.url === "/generic" && failuresLeft > 0) {
          failuresLeft--;
          res.writeHead(503).end("try later");
        } else res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.QUELL_QUEUE_PREFIX = `webhook-test-${randomBytes(4).toString("hex")}`;
    // A receiver on this machine is an internal address: allowed here by configuration.
    t = await startTestApi({ redisUrl: process.env.REDIS_URL, webhookAllowPrivate: true });
    f = await seedFixture(t.api);
    workers = await startWorkers(t.api, { queues: [QueueName.Notify, QueueName.Webhook], relay: { intervalMs: 50 }, schedules: false });
  });
  afterAll(async () => {
    await workers?.close();
    await t?.stop();
    server?.close();
    delete process.env.QUELL_QUEUE_PREFIX;
  });

  const saveWebhook = (input: Record<string, unknown>, token = f.tokens.admin) =>
    t.gql(`mutation($input: SaveWebhookInput!) { saveWebhook(input: $input) { secret webhook { id version secretHint kind } } }`, { input }, token);

  it("retries a failed delivery with backoff, signs it, logs every attempt and replays it", async () => {
    const created = await saveWebhook({ name: "Receiver", url: `${base}/generic`, events: ["incident.create"] });
    expect(created.errors).toBeUndefined();
    const { secret, webhook } = created.data!.saveWebhook;
    expect(secret).toMatch(/^whsec_/);
    // The secret is shown once: the list never carries it.
    const listed = await t.gql(`query { webhooks { id secretHint } }`, {}, f.tokens.admin);
    expect(JSON.stringify(listed.data)).not.toContain(secret);
    const slack = await saveWebhook({ name: "Slack", url: `${base}/slack`, kind: "slack", events: ["incident.create"] });
    expect(slack.errors).toBeUndefined();

    const inc = await t.gql(`mutation { createIncident(input: { title: "Payments API returns 502" }) { id } }`, {}, f.tokens.agent);
    expect(inc.errors).toBeUndefined();

    await waitFor(async () => received.filter((r) => r.path === "/generic").length >= 2, 20_000);
    const [first, second] = received.filter((r) => r.path === "/generic");
    expect(first.body).toBe(second.body);
    const envelope = JSON.parse(second.body);
    expect(envelope).toMatchObject({ event: "incident.create", data: { id: inc.data!.createIncident.id, title: "Payments API returns 502" } });
    expect(verifySignature(secret, second.body, String(second.headers["quell-signature"]), Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifySignature("whsec_wrong", second.body, String(second.headers["quell-signature"]), Math.floor(Date.now() / 1000))).toBe(false);

    const log = await waitFor(async () => {
      const res = await t.gql(`query($f: WebhookDeliveriesFilter!) { webhookDeliveries(filter: $f) { id status attempts lastStatusCode event } }`, { f: { webhookId: webhook.id } }, f.tokens.admin);
      const d = res.data?.webhookDeliveries?.[0];
      return d?.status === "succeeded" ? d : null;
    });
    expect(log).toMatchObject({ attempts: 2, lastStatusCode: 200, event: "incident.create" });

    const slackBody = JSON.parse(received.find((r) => r.path === "/slack")!.body);
    expect(slackBody.text).toMatch(/^incident.create: INC-\d+ Payments API returns 502$/);

    const replay = await t.gql(`mutation($id: ID!) { replayWebhookDelivery(id: $id) { id replayOfId } }`, { id: log.id }, f.tokens.admin);
    expect(replay.data!.replayWebhookDelivery.replayOfId).toBe(log.id);
    await waitFor(async () => received.filter((r) => r.path === "/generic").length >= 3, 20_000);
    expect(JSON.parse(received.filter((r) => r.path === "/generic")[2].body).id).toBe(envelope.id);
  });

  it("sends problem and change events through the outbox: written with the write, delivered once, even when no worker was listening", async () => {
    const hook = await saveWebhook({ name: "Problems and changes", url: `${base}/problems`, events: ["problem.created", "change.created"] });
    expect(hook.errors).toBeUndefined();
    // Nothing hands jobs over while the problem and the change are written, as when the workers are
    // down: a pub/sub message would be lost then; the outbox rows wait.
    await workers.relay!.stop();
    const created = await t.gql(`mutation { createProblem(input: { title: "Card payments keep timing out" }) { id } }`, {}, f.tokens.problem_manager);
    expect(created.errors).toBeUndefined();
    const change = await t.gql(`mutation { createChange(input: { title: "Raise the card gateway timeout", description: "Give the gateway 10 s" }) { id } }`, {}, f.tokens.change_manager);
    expect(change.errors).toBeUndefined();
    const waiting = await t.api.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE queue = $1 AND completed_at IS NULL AND payload->>'entity' IN ('problem', 'change')`, [QueueName.Notify]);
    expect(waiting[0].n).toBe(2);
    workers.relay!.start();
    await waitFor(async () => received.filter((r) => r.path === "/problems").length >= 2, 20_000);
    const bodies = received.filter((r) => r.path === "/problems").map((r) => JSON.parse(r.body));
    expect(bodies.find((b) => b.event === "problem.created")).toMatchObject({ data: { id: created.data!.createProblem.id, title: "Card payments keep timing out" } });
    expect(bodies.find((b) => b.event === "change.created")).toMatchObject({ data: { id: change.data!.createChange.id } });
    await new Promise((r) => setTimeout(r, 500));
    const { id } = hook.data!.saveWebhook.webhook;
    expect(await t.api.dataSource.getRepository(WebhookDelivery).count({ where: { webhookId: id } })).toBe(2);
  });

  it("lets only admins manage webhooks and refuses non-http URLs", async () => {
    expect(codeOf(await saveWebhook({ name: "x", url: `${base}/x` }, f.tokens.agent))).toBe("FORBIDDEN");
    const ftp = await saveWebhook({ name: "x", url: "ftp://example.com/hook" });
    expect(codeOf(ftp)).toBe("BAD_USER_INPUT");
    expect(await t.api.dataSource.getRepository(Webhook).count({ where: { name: "x" } })).toBe(0);
  });

  it("refuses loopback, private and metadata targets in production, on save and again at delivery", async () => {
    const guarded = new WebhookService(t.api.dataSource, { development: false, webhookAllowPrivate: false, publicUrl: undefined });
    for (const url of [`${base}/x`, "http://10.0.0.8/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]:9/x", "http://localhost:9/x"]) {
      await expect(guarded.assertTarget(url), url).rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    }
    // A webhook saved while allowed (or whose name now resolves inside) is refused when it is sent.
    const hook = await t.api.dataSource.getRepository(Webhook).save({ name: "inside", url: `${base}/inside`, events: ["none.none"], secret: "whsec_x", kind: undefined, active: true } as Partial<Webhook>);
    const delivery = await t.api.dataSource.getRepository(WebhookDelivery).save({ webhookId: hook.id, event: "incident.create", payload: { id: "1", event: "incident.create", occurredAt: "", data: {} } });
    await expect(guarded.deliver(delivery.id, 1)).rejects.toThrow(/refused/);
    const after = await t.api.dataSource.getRepository(WebhookDelivery).findOneByOrFail({ id: delivery.id });
    expect(after.status).toBe(DeliveryStatus.failed);
    expect(received.some((r) => r.path === "/inside")).toBe(false);
  });
});
