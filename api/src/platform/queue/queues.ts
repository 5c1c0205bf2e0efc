/** Every queue, named once. Payloads hold ids only: processors re-read what they need. */
export enum QueueName {
  Triage = "triage",
  Retrain = "retrain",
}

export interface JobPayloads {
  [QueueName.Triage]: { incidentId: string; reason: "created" | "text_changed" | "manual" };
  [QueueName.Retrain]: { requestedBy: string | null; trigger: "schedule" | "manual" | "cli" };
}
