import { TrainingStatus } from "@quell/api/modules/model/model.entity";
import { ModelTrainer } from "@quell/api/modules/model/model.training";
import { QueueName } from "@quell/api/platform/queue/index";
import { registerProcessor } from "./index";

/**
 * retrain: train, evaluate and (if not worse) activate every model kind. A job for a run that
 * has already started or finished (a duplicate, or a retry after a crash mid-training) records
 * a fresh attempt on the same run row instead of starting a second one.
 */
registerProcessor(QueueName.Retrain, (runtime) => {
  const { dataSource, services } = runtime;
  const trainer = new ModelTrainer(dataSource, services.models);
  return async (payload, job) => {
    let runId = payload.runId ?? null;
    if (runId) {
      const run = await services.models.getRun(runId);
      if (run.status === TrainingStatus.succeeded) return;
    } else {
      runId = (await services.models.createRun(payload.trigger, payload.requestedBy)).id;
    }
    let lastPercent = -1;
    await trainer.run(runId, (percent) => {
      const p = Math.floor(percent);
      if (p !== lastPercent) {
        lastPercent = p;
        job.progress(p).catch(() => undefined);
      }
    });
  };
});
