import { QueueName } from "@quell/api/platform/queue/index";
import { registerProcessor } from "./index";

/** sla: record the warnings and breaches that have fallen due on one incident, or on all (sweep). */
registerProcessor(QueueName.Sla, (runtime) => {
  const { sla } = runtime.services;
  return async (payload) => {
    if (payload.incidentId) await sla.check(payload.incidentId);
    else await sla.sweep();
  };
});
