import { EventEmitter, on } from "node:events";
import type { Redis } from "ioredis";
import type { UnitOfWork } from "./database/transaction";
import { logger } from "./logger";

/** Runs inside the writer's transaction: what it writes (say, an outbox row) commits or rolls back with the write. */
export type WithinHandler = (work: UnitOfWork, payload: unknown) => Promise<void>;

/**
 * Subscription fan-out. In one process an EventEmitter is enough; with Redis every API replica
 * subscribes to the same channel, so an event published by a worker reaches every client.
 */
export class QuellPubSub {
  private readonly local = new EventEmitter();
  private readonly channelPrefix = "quell:events:";
  private readonly withinHandlers = new Map<string, WithinHandler[]>();

  constructor(private readonly redis?: { publisher: Redis; subscriber: Redis }) {
    this.local.setMaxListeners(0);
    if (redis) {
      // ioredis reconnects by itself; without a listener every failed attempt is an "Unhandled error event".
      let lastWarnMs = 0;
      const onError = (err: Error) => {
        if (Date.now() - lastWarnMs < 30_000) return;
        lastWarnMs = Date.now();
        logger.warn({ err: err.message }, "Redis pub/sub unavailable; subscriptions pause until it is back");
      };
      redis.publisher.on("error", onError);
      redis.subscriber.on("error", onError);
      redis.subscriber.psubscribe(`${this.channelPrefix}*`).catch((err: unknown) => logger.error({ err }, "pubsub subscribe failed"));
      redis.subscriber.on("pmessage", (_pattern: string, channel: string, message: string) => {
        this.local.emit(channel.slice(this.channelPrefix.length), JSON.parse(message));
      });
    }
  }

  publish(topic: string, payload: unknown): void {
    if (this.redis) {
      this.redis.publisher
        .publish(this.channelPrefix + topic, JSON.stringify(payload))
        .catch((err: unknown) => logger.error({ err, topic }, "pubsub publish failed"));
    } else {
      this.local.emit(topic, payload);
    }
  }

  /**
   * Hears a topic inside the publishing write's transaction. Pub/sub itself is at-most-once (a
   * worker that is down or restarting misses events); work that must not be lost hooks here.
   */
  onPublishWithin(topic: string, handler: WithinHandler): void {
    this.withinHandlers.set(topic, [...(this.withinHandlers.get(topic) ?? []), handler]);
  }

  /** Publishes an event of a write: the in-transaction handlers run now, subscribers hear it after commit. */
  async publishWithin(work: UnitOfWork, topic: string, payload: unknown): Promise<void> {
    for (const handler of this.withinHandlers.get(topic) ?? []) await handler(work, payload);
    work.afterCommit(() => this.publish(topic, payload));
  }

  async *subscribe(topic: string, signal?: AbortSignal): AsyncIterable<unknown> {
    for await (const [payload] of on(this.local, topic, { signal })) yield payload;
  }

  /** The topic's events, or only those whose `field` equals `value` when one is given (a subscription's optional id argument). */
  async *subscribeWhere(topic: string, field: string, value: string | null | undefined): AsyncIterable<unknown> {
    for await (const payload of this.subscribe(topic)) {
      if (value == null || (payload as Record<string, unknown>)[field] === value) yield payload;
    }
  }

  async close(): Promise<void> {
    this.local.removeAllListeners();
    if (this.redis) {
      await Promise.allSettled([this.redis.publisher.quit(), this.redis.subscriber.quit()]);
    }
  }
}
