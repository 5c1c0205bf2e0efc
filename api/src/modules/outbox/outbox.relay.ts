import type { DataSource, EntityManager } from "typeorm";
import { logger } from "../../platform/logger";
import type { JobQueue } from "../../platform/queue/job-queue";
import { isQueueName } from "../../platform/queue/queues";
import { OutboxMessage } from "./outbox.entity";

const log = logger.child({ component: "outbox-relay" });

export interface RelayOptions {
  /** Rows taken per transaction. */
  batchSize?: number;
  /** Pause between polls when the outbox is empty. */
  intervalMs?: number;
  /** Longest pause after the queue refused a row (Redis away); doubles up to this. */
  maxBackoffMs?: number;
  /** Completed rows older than this are deleted now and then. */
  retainMs?: number;
  /** A row handed over this long ago whose job has not completed is handed over again (default 5 min). */
  redeliverAfterMs?: number;
  /** How often to look for such rows (default 30 s). */
  sweepIntervalMs?: number;
  /** Hand-overs before the sweep gives up on a row and leaves it, with its error, for a person (default 10). */
  maxDeliveries?: number;
}

interface PendingRow {
  id: string;
  queue: string;
  job_name: string;
  payload: Record<string, unknown>;
}

/**
 * Moves committed outbox rows to the job queue. Rows are claimed with FOR UPDATE SKIP LOCKED, so
 * any number of relays (one per worker process) share the table without sending a row twice at
 * the same time; the row id is the job id, so a row sent again after a crash between "queued"
 * and "marked" is dropped as a duplicate by BullMQ. When the queue refuses (Redis down) the row
 * stays, its attempt and error are noted, and it goes out once the queue is back. A row is done
 * when its job completes (completingOutbox); one handed over but not completed in time is swept
 * up and handed over again, so a queue that loses jobs loses no work.
 */
export class OutboxRelay {
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private lastCleanup = 0;
  private lastSweep = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly opts: RelayOptions = {},
  ) {}

  /** One batch; returns how many rows went out and whether the queue refused one. */
  async relayOnce(): Promise<{ delivered: number; refused: boolean }> {
    const batchSize = this.opts.batchSize ?? 100;
    return this.dataSource.transaction(async (manager) => {
      const rows = (await manager.query(
        `SELECT id, queue, job_name, payload FROM outbox WHERE dispatched_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      )) as PendingRow[];
      const delivered: string[] = [];
      let refused = false;
      for (const row of rows) {
        if (!isQueueName(row.queue)) {
          // No consumer will ever exist for it: park it as dispatched with the reason, don't block the rest.
          await this.note(manager, row.id, `unknown queue "${row.queue}"`, true);
          continue;
        }
        try {
          await this.jobs.enqueue(row.queue, row.job_name, row.payload as never, { jobId: row.id });
          delivered.push(row.id);
        } catch (error) {
          refused = true;
          await this.note(manager, row.id, error instanceof Error ? error.message : String(error), false);
          break;
        }
      }
      if (delivered.length) {
        await manager
          .createQueryBuilder()
          .update(OutboxMessage)
          .set({ dispatchedAt: () => "now()", attempts: () => "attempts + 1", lastError: null })
          .whereInIds(delivered)
          .execute();
      }
      return { delivered: delivered.length, refused };
    });
  }

  /**
   * Hands over again every row whose job has not completed within `olderThanMs` of its last
   * hand-over: the queue lost it (Redis flushed, an in-process queue died with its process).
   * The row id is the job id, so a job the queue still holds (waiting, running, failed) is not
   * doubled. Returns how many rows were handed over again.
   */
  async redeliverOverdue(olderThanMs = this.opts.redeliverAfterMs ?? 5 * 60_000): Promise<number> {
    const maxDeliveries = this.opts.maxDeliveries ?? 10;
    return this.dataSource.transaction(async (manager) => {
      const rows = (await manager.query(
        `SELECT id, queue, job_name, payload FROM outbox
          WHERE dispatched_at IS NOT NULL AND completed_at IS NULL AND attempts < $2
            AND dispatched_at < now() - ($1::int * interval '1 millisecond')
          ORDER BY dispatched_at, id LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [Math.max(0, Math.round(olderThanMs)), maxDeliveries, this.opts.batchSize ?? 100],
      )) as PendingRow[];
      const redelivered: string[] = [];
      for (const row of rows) {
        if (!isQueueName(row.queue)) continue;
        try {
          await this.jobs.enqueue(row.queue, row.job_name, row.payload as never, { jobId: row.id });
          redelivered.push(row.id);
        } catch (error) {
          await this.note(manager, row.id, error instanceof Error ? error.message : String(error), false);
          break;
        }
      }
      if (redelivered.length) {
        await manager.query(
          `UPDATE outbox SET dispatched_at = now(), attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::uuid[])`,
          [redelivered, `job not completed within ${Math.round(olderThanMs / 1000)} s of its hand-over; handed over again`],
        );
        log.warn({ rows: redelivered.length, olderThanMs }, "outbox rows whose jobs never completed were handed over again");
      }
      return redelivered.length;
    });
  }

  /** Polls until stop(); a full batch is followed at once by the next. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Asks for an immediate poll (e.g. right after a commit that wrote outbox rows). */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = null;
  }

  private async loop(): Promise<void> {
    const interval = this.opts.intervalMs ?? 250;
    const maxBackoff = this.opts.maxBackoffMs ?? 5_000;
    let backoff = interval;
    while (!this.stopping) {
      let pause = interval;
      try {
        const { delivered, refused } = await this.relayOnce();
        if (refused) {
          backoff = Math.min(backoff * 2, maxBackoff);
          pause = backoff;
        } else {
          backoff = interval;
          if (delivered >= (this.opts.batchSize ?? 100)) pause = 0;
        }
        await this.sweep();
        await this.cleanup();
      } catch (error) {
        // The database itself is away: keep polling, slower.
        log.error({ err: error instanceof Error ? error.message : error }, "outbox relay poll failed");
        pause = maxBackoff;
      }
      if (pause > 0 && !this.stopping) await this.sleep(pause);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async note(manager: EntityManager, id: string, error: string, park: boolean): Promise<void> {
    await manager.query(
      // A parked row will never have a consumer: it is done, with the reason noted.
      `UPDATE outbox SET attempts = attempts + 1, last_error = $2${park ? ", dispatched_at = now(), completed_at = now()" : ""} WHERE id = $1`,
      [id, error.slice(0, 2_000)],
    );
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < (this.opts.sweepIntervalMs ?? 30_000)) return;
    this.lastSweep = now;
    await this.redeliverOverdue();
  }

  private async cleanup(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanup < 10 * 60_000) return;
    this.lastCleanup = now;
    const retainMs = this.opts.retainMs ?? 7 * 24 * 3600_000;
    await this.dataSource.query(`DELETE FROM outbox WHERE completed_at < now() - ($1::int * interval '1 millisecond')`, [retainMs]);
  }
}
