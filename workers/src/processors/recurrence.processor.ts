import { RecurrenceEngine } from "@quell/api/modules/problem/recurrence.engine";
import { QueueName } from "@quell/api/platform/queue/index";
import { registerProcessor } from "./index";

/** recurrence: group recurring incidents and keep the problem candidates current (RecurrenceEngine does the work). */
registerProcessor(QueueName.Recurrence, (runtime) => {
  const { dataSource, services } = runtime;
  const engine = new RecurrenceEngine(dataSource, services.models, services.recurrence, services.recurrence.options.clock);
  return async (payload) => {
    await engine.run(payload.mode);
  };
});
