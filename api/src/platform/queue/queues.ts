/** Every queue, named once. Payloads hold ids only: processors re-read what they need. */
export enum QueueName {
  Triage = "triage",
  Retrain = "retrain",
  Recurrence = "recurrence",
  Sla = "sla",
  Notify = "notify",
  Webhook = "webhook",
  Email = "email",
  Alerts = "alerts",
}

export interface JobPayloads {
  [QueueName.Triage]: { incidentId: string; reason: "created" | "text_changed" | "manual" | "model_changed" };
  /** runId names the training_run row to report progress on; a scheduled run creates its own. */
  [QueueName.Retrain]: { requestedBy: string | null; trigger: "schedule" | "manual" | "cli"; runId?: string | null };
  /** incremental: assign the incidents that arrived since the last pass; rebuild: regroup everything. */
  [QueueName.Recurrence]: { mode: "incremental" | "rebuild"; incidentId: string | null };
  /** Checks one incident's clocks for warnings and breaches; null sweeps every overdue clock. */
  [QueueName.Sla]: { incidentId: string | null };
  /** A domain event to fan out to webhooks and subscribers. */
  [QueueName.Notify]: { entity: "incident" | "problem" | "change"; id: string; event: string; actorId: string | null; detail?: string | null; occurredAt?: string | null };
  [QueueName.Webhook]: { deliveryId: string };
  [QueueName.Email]: { notificationId: string };
  /**
   * correlate: drain the pending alert events (the named one among them) in batches; eventIds, when
   * there, names every event committed with the job (one job per group commit). sweep: the same, for
   * put-off events whose retry time passed (no id). recover: move an alert-opened incident whose
   * alerts all resolved.
   */
  [QueueName.Alerts]: { eventId: string | null; incidentId: string | null; eventIds?: string[] };
}

export interface QueuePolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** First retry delay; each further retry doubles it (exponential backoff). */
  backoffMs: number;
  /** Jobs one worker process runs at once on this queue. */
  concurrency: number;
}

/** Retry and concurrency per queue. Triage is short and parallel; training is long and one at a time. */
export const QUEUE_POLICY: Record<QueueName, QueuePolicy> = {
  [QueueName.Triage]: { attempts: 5, backoffMs: 1_000, concurrency: 4 },
  [QueueName.Retrain]: { attempts: 2, backoffMs: 60_000, concurrency: 1 },
  // One pass at a time: each one continues the groups the previous one left.
  [QueueName.Recurrence]: { attempts: 3, backoffMs: 5_000, concurrency: 1 },
  [QueueName.Sla]: { attempts: 5, backoffMs: 1_000, concurrency: 2 },
  [QueueName.Notify]: { attempts: 5, backoffMs: 1_000, concurrency: 2 },
  // A receiver that is down gets 1, 2, 4, 8, 16, 32 s more: about a minute before the delivery is logged as failed (replayable).
  [QueueName.Webhook]: { attempts: 7, backoffMs: 1_000, concurrency: 4 },
  [QueueName.Email]: { attempts: 5, backoffMs: 5_000, concurrency: 2 },
  // Events of different fingerprints run side by side; locks per fingerprint and group keep them apart.
  [QueueName.Alerts]: { attempts: 8, backoffMs: 500, concurrency: 8 },
};

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);

export function isQueueName(value: string): value is QueueName {
  return (ALL_QUEUES as readonly string[]).includes(value);
}
