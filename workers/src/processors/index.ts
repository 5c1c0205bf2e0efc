import type { QuellRuntime } from "@quell/api/app";
import type { Processor } from "@quell/api/platform/queue/index";
import { QueueName } from "@quell/api/platform/queue/index";

/** What a processor factory gets: the runtime (database, domain services, pub/sub). */
export type ProcessorFactory<Q extends QueueName> = (runtime: QuellRuntime) => Processor<Q>;

export type ProcessorRegistry = { [Q in QueueName]: ProcessorFactory<Q> };

const registry: Partial<ProcessorRegistry> = {};

/** Each `<queue>.processor.ts` registers itself here; startWorkers consumes every registered queue. */
export function registerProcessor<Q extends QueueName>(queue: Q, factory: ProcessorFactory<Q>): void {
  (registry as Record<string, unknown>)[queue] = factory;
}

export function processorFor<Q extends QueueName>(queue: Q): ProcessorFactory<Q> | undefined {
  return registry[queue] as ProcessorFactory<Q> | undefined;
}
