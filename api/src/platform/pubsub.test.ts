import { describe, expect, it } from "vitest";
import { QuellPubSub } from "./pubsub";

/** Starts reading (which registers the listener), then publishes, and returns what the reader got first. */
async function firstDelivered(pubsub: QuellPubSub, events: AsyncIterable<unknown>, published: unknown[]): Promise<unknown> {
  const iterator = events[Symbol.asyncIterator]();
  const next = iterator.next();
  await new Promise((resolve) => setImmediate(resolve));
  for (const payload of published) pubsub.publish("thing-changed", payload);
  const { value } = await next;
  await iterator.return?.();
  return value;
}

describe("QuellPubSub.subscribeWhere", () => {
  it("skips events for other ids when an id is given", async () => {
    const pubsub = new QuellPubSub();
    const got = await firstDelivered(pubsub, pubsub.subscribeWhere("thing-changed", "thingId", "b"), [{ thingId: "a", n: 1 }, { thingId: "b", n: 2 }]);
    expect(got).toEqual({ thingId: "b", n: 2 });
  });

  it("delivers every event of the topic when no id is given", async () => {
    const pubsub = new QuellPubSub();
    for (const all of [undefined, null]) {
      const got = await firstDelivered(pubsub, pubsub.subscribeWhere("thing-changed", "thingId", all), [{ thingId: "a", n: 1 }, { thingId: "b", n: 2 }]);
      expect(got).toEqual({ thingId: "a", n: 1 });
    }
  });
});
