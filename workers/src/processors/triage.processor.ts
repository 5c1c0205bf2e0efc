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
    // After an activation every open incident is re-triaged: one recurrence job a minute is enough
    // (it rebuilds the groups because the embedder changed; the rest only catch up).
    await services.jobs.enqueue(
      QueueName.Recurrence,
      "assign",
      { mode: "incremental", incidentId: payload.incidentId },
      payload.reason === "model_changed" ? { jobId: `recurrence-after-model-change-${Math.floor(Date.now() / 60_000)}` } : {},
    );
  };
});
