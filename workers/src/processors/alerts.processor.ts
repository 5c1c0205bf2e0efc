import { QueueName, UnrecoverableError } from "@quell/api/platform/queue/index";
import { registerProcessor } from "./index";

/**
 * alerts: correlate (a trigger: drains every pending event in batches, its own among them; AlertService
 * does the work), sweep (the repeatable job: drains the put-off events whose retry time passed), or
 * recover an incident whose alerts all resolved.
 */
registerProcessor(QueueName.Alerts, (runtime) => {
  const { alerts } = runtime.services;
  return async (payload, job) => {
    if (job.name === "correlate" && payload.eventId) {
      await alerts.drainPendingEvents();
      return;
    }
    if (job.name === "sweep") {
      await alerts.sweepDeferredEvents();
      return;
    }
    if (job.name === "recover" && payload.incidentId) {
      await alerts.recoverIncident(payload.incidentId);
      return;
    }
    throw new UnrecoverableError(`alerts job "${job.name}" lacks what it needs`);
  };
});
