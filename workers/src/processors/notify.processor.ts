import { QueueName } from "@quell/api/platform/queue/index";
import { registerProcessor } from "./index";

/** notify: fan a domain event out to webhooks and subscribers (NotificationService does the work). */
registerProcessor(QueueName.Notify, (runtime) => {
  const { notifications } = runtime.services;
  return async (payload) => {
    await notifications.fanOut(payload);
  };
});

/** webhook: one signed attempt at one delivery; a throw makes the queue retry with backoff. */
registerProcessor(QueueName.Webhook, (runtime) => {
  const { webhooks } = runtime.services;
  return async (payload, job) => {
    await webhooks.deliver(payload.deliveryId, job.attempt);
  };
});

/** email: one notification through SMTP (only queued when QUELL_SMTP_URL is set). */
registerProcessor(QueueName.Email, (runtime) => {
  const { notifications } = runtime.services;
  return async (payload) => {
    await notifications.sendEmail(payload.notificationId);
  };
});
