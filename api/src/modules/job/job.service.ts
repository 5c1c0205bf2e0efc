import type { DataSource } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import { badInput, notFound } from "../../platform/errors";
import { inTransaction } from "../../platform/database/transaction";
import type { FailedJob, JobQueue } from "../../platform/queue/job-queue";
import { isQueueName, type QueueName } from "../../platform/queue/queues";
import { appendAudit } from "../audit/audit.service";

/** Failed jobs for admins: what failed, why, and a way to run it again (audited). */
export class JobAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
  ) {}

  failed(queue?: string, first = 50): Promise<FailedJob[]> {
    return this.jobs.failedJobs(queue ? this.queueOf(queue) : undefined, Math.min(Math.max(first, 1), 500));
  }

  async retry(actor: Principal, queue: string, id: string): Promise<boolean> {
    const name = this.queueOf(queue);
    if (!(await this.jobs.retry(name, id))) throw notFound("Failed job", `${queue}/${id}`);
    await inTransaction(this.dataSource, ({ manager }) => appendAudit(manager, actor, { action: "job.retry", entityType: "job", entityId: `${queue}/${id}` }));
    return true;
  }

  private queueOf(queue: string): QueueName {
    if (!isQueueName(queue)) throw badInput("queue", `unknown queue "${queue}"`);
    return queue;
  }
}
