import { TriageEngine } from "@quell/api/modules/suggestion/triage.engine";
import { QueueName } from "@quell/api/platform/queue/index";
import { registerProcessor } from "./index";

/**
 * triage: run the active models on one incident and store its suggestions (TriageEngine does the
 * work), then hand it to recurrence grouping: its embedding is stored by now.
 */
registerProcessor(QueueName.Triage, (runtime) => {
  const { dataSource, services } = runtime;
  const engine = new TriageEngine(dataSource, services.models, services.suggestions);
  return async (payload) => {
    await engine.triage(payload.incidentId);
    if (payload.reason !== "model_changed") {
      await services.jobs.enqueue(QueueName.Recurrence, "assign", { mode: "incremental", incidentId: payload.incidentId });
    }
  };
});
