import { TriageEngine } from "@quell/api/modules/suggestion/triage.engine";
import { QueueName } from "@quell/api/platform/queue/index";
import { registerProcessor } from "./index";

/** triage: run the active models on one incident and store its suggestions (TriageEngine does the work). */
registerProcessor(QueueName.Triage, (runtime) => {
  const { dataSource, services } = runtime;
  const engine = new TriageEngine(dataSource, services.models, services.suggestions);
  return async (payload) => {
    await engine.triage(payload.incidentId);
  };
});
