// A triage worker for the crash test, run as a child process from the compiled packages.
// CRASH_PHASE=before-store: the job hangs before it stores anything; after-store: it hangs after
// storing, before BullMQ hears it finished. Either way the parent SIGKILLs it at that point.
require("reflect-metadata");
const { startRuntime } = require("../../../api/dist/app.js");
const { loadConfig } = require("../../../api/dist/platform/config.js");
const { TriageEngine } = require("../../../api/dist/modules/suggestion/triage.engine.js");
const { startWorkers } = require("../../dist/index.js");

const phase = process.env.CRASH_PHASE || "none";
const hang = () => new Promise((resolve) => setTimeout(resolve, 120_000));

(async () => {
  const runtime = await startRuntime(loadConfig());
  const engine = new TriageEngine(runtime.dataSource, runtime.services.models, runtime.services.suggestions);
  await startWorkers(runtime, {
    queues: ["triage"],
    relay: false,
    schedules: false,
    processors: {
      triage: async (payload) => {
        process.send({ event: "started", incidentId: payload.incidentId });
        if (phase === "before-store") await hang();
        const result = await engine.triage(payload.incidentId);
        process.send({ event: "stored", incidentId: payload.incidentId, result });
        if (phase === "after-store") await hang();
      },
    },
  });
  process.send({ event: "ready" });
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
