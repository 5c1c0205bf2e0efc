import type { DataSource, EntityManager } from "typeorm";
import { Role, type Principal } from "../../platform/auth/roles";
import { AuditRecord } from "./audit.entity";
import { chainHash, verifyStreams, type ChainHead, type ChainVerdict, type ChainedRecord } from "./audit.rules";

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: object | null;
  after?: object | null;
}

/** Snapshots as stored: plain JSON (Dates as ISO strings), never class instances. */
function snapshot(value: object | null | undefined): Record<string, unknown> | null {
  if (!value) return null;
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

export const SYSTEM_ACTOR: Principal = { kind: "user", userId: "", role: Role.admin, label: "system" };

/**
 * pg_stat_activity is read once per transaction and then cached: cleared when a seq is drawn, so
 * APPEND's settles_at_xid sees the transactions running after the draw, not before an earlier one.
 */
const CLEAR_ACTIVITY = `pg_stat_clear_snapshot()::text AS "activityCleared"`;

/**
 * After the seq was drawn: one more than the newest xid still running (widened from
 * pg_stat_activity's 32 bits against this transaction's own xid, which is within 2^31 of any running
 * one), and at least the snapshot's xmax. Every transaction that drew a lower seq had its xid before
 * this, so its xid is below the value (or it has already ended). A snapshot's xmax alone is not
 * enough: a transaction can hold an xid above it while still running.
 */
const SETTLES_AT_XID = `(
  SELECT GREATEST(x.own + 1, pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
                  COALESCE(max(x.own + (a.backend_xid::text::bigint - x.own % 4294967296 + 6442450944) % 4294967296 - 2147483648) + 1, 0))
  FROM (SELECT pg_current_xact_id()::text::bigint AS own) x
  LEFT JOIN pg_stat_activity a ON a.backend_xid IS NOT NULL
  GROUP BY x.own)`;

/**
 * Takes the head of a free stream: the connection's own first (chosen by backend pid, so a pool's
 * connections mostly keep apart), else the next unlocked one. Never waits, so never deadlocks; a
 * transaction's own locks never count as taken, so its second record may reuse its stream.
 * The global seq is drawn under the lock, so it rises along every stream.
 */
export const TAKE_FREE_STREAM = `
  SELECT h.stream, h.stream_seq AS "streamSeq", h.hash, nextval('audit_log_seq_seq')::text AS seq, ${CLEAR_ACTIVITY}
  FROM (SELECT stream, stream_seq, hash FROM audit_chain_head
        ORDER BY stream < pg_backend_pid() % 64, stream
        FOR UPDATE SKIP LOCKED LIMIT 1) h`;
/** Every stream is busy (more concurrent audited transactions than streams): queue for this connection's own. */
const WAIT_FOR_STREAM = `
  SELECT h.stream, h.stream_seq AS "streamSeq", h.hash, nextval('audit_log_seq_seq')::text AS seq, ${CLEAR_ACTIVITY}
  FROM (SELECT stream, stream_seq, hash FROM audit_chain_head
        ORDER BY stream < pg_backend_pid() % 64, stream LIMIT 1 FOR UPDATE) h`;
/**
 * The record and its stream's new head in one statement: one round trip while the stream is held. $1..$13 in the INSERT's column order.
 * settles_at_xid bounds the xids of every transaction that drew a lower seq (see SETTLES_AT_XID and AuditRecord.settlesAtXid).
 */
export const APPEND = `
  WITH appended AS (
    INSERT INTO audit_log (seq, stream, stream_seq, at, actor_id, actor_label, action, entity_type, entity_id, before, after, prev_hash, hash, settles_at_xid)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, ${SETTLES_AT_XID})
  )
  UPDATE audit_chain_head SET stream_seq = $3, hash = $13 WHERE stream = $2`;

/**
 * Appends inside the caller's transaction, so a change and its audit record commit together.
 * The trail is many hash chains (streams); the record goes on the end of one stream whose head this
 * transaction locks until commit. Concurrent writers take different streams instead of queuing.
 * The transaction must be READ COMMITTED (the default), so the locked head is the latest committed one.
 */
export async function appendAudit(manager: EntityManager, actor: Principal | null, entry: AuditEntry): Promise<AuditRecord> {
  let [head] = (await manager.query(TAKE_FREE_STREAM)) as StreamHead[];
  if (!head) [head] = (await manager.query(WAIT_FOR_STREAM)) as StreamHead[];
  if (!head) throw new Error("audit_chain_head has no streams: run the migrations");
  const record = manager.create(AuditRecord, {
    seq: head.seq,
    stream: head.stream,
    streamSeq: String(BigInt(head.streamSeq) + 1n),
    at: new Date(),
    actorId: actor?.userId || null,
    actorLabel: actor?.label ?? SYSTEM_ACTOR.label,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: snapshot(entry.before),
    after: snapshot(entry.after),
    prevHash: head.hash,
  });
  record.hash = chainHash(record.prevHash, record);
  await manager.query(APPEND, [
    record.seq, record.stream, record.streamSeq, record.at, record.actorId, record.actorLabel, record.action, record.entityType, record.entityId,
    record.before === null ? null : JSON.stringify(record.before), record.after === null ? null : JSON.stringify(record.after), record.prevHash, record.hash,
  ]);
  return record;
}

export interface AuditPageQuery {
  entityType?: string | null;
  entityId?: string | null;
  /** Records numbered below this (the last seq of the page before). */
  beforeSeq?: string | null;
  first: number;
}

/**
 * The oldest transaction of this database still running (its full xid), else the next xid: records
 * whose settles_at_xid is at or below it are settled. Like pg_snapshot_xmin, but only this
 * database's transactions count (any other database's long transaction would otherwise hold the
 * trail back). pg_stat_activity gives 32-bit xids: each is widened against the snapshot's xmax (it
 * is running, so at most 2^31 behind); one that started after the snapshot draws a later seq anyway.
 */
const SETTLED_HORIZON = `
  SELECT (x.next - COALESCE(max(d.behind) FILTER (WHERE d.behind > 0 AND d.behind < 2147483648), 0))::text AS horizon
  FROM (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS next) x
  LEFT JOIN LATERAL (
    SELECT ((x.next % 4294967296) - a.backend_xid::text::bigint + 4294967296) % 4294967296 AS behind
    FROM pg_stat_activity a WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL
  ) d ON true
  GROUP BY x.next`;

/**
 * The trail newest first, a page at a time, leaving out records not yet settled. Seqs are drawn
 * before commit, so transactions commit them out of order: a record could still appear below one
 * already shown, and a reader paging down past it would never see it. A record is settled once no
 * transaction of this database older than its settles_at_xid is still running: every record
 * numbered below it has then committed or never will. The horizon is read before the page, so a
 * writer it missed started later and drew a higher seq. Records from before the column (null) are settled.
 */
export async function auditPage(manager: EntityManager, query: AuditPageQuery): Promise<AuditRecord[]> {
  const [{ horizon }] = (await manager.query(SETTLED_HORIZON)) as Array<{ horizon: string }>;
  const qb = manager
    .getRepository(AuditRecord)
    .createQueryBuilder("a")
    .where("(a.settles_at_xid IS NULL OR a.settles_at_xid <= :horizon)", { horizon })
    .orderBy("a.seq", "DESC")
    .limit(query.first);
  if (query.entityType) qb.andWhere("a.entity_type = :entityType", { entityType: query.entityType });
  if (query.entityId) qb.andWhere("a.entity_id = :entityId", { entityId: query.entityId });
  if (query.beforeSeq) qb.andWhere("a.seq < :beforeSeq", { beforeSeq: query.beforeSeq });
  return qb.getMany();
}

interface StreamHead {
  stream: number;
  streamSeq: string;
  hash: string;
  seq: string;
}

const VERIFY_PAGE_ROWS = 5_000;

/** Every record in (stream, position) order, a page at a time, so a long trail needn't fit in memory. */
async function* recordsInStreamOrder(manager: EntityManager): AsyncGenerator<ChainedRecord> {
  let after: { stream: number; streamSeq: string } | null = null;
  for (;;) {
    const rows = (await manager.query(
      `SELECT seq, stream, stream_seq AS "streamSeq", at, actor_id AS "actorId", actor_label AS "actorLabel", action,
              entity_type AS "entityType", entity_id AS "entityId", before, after, prev_hash AS "prevHash", hash
       FROM audit_log WHERE ($1::smallint IS NULL OR (stream, stream_seq) > ($1::smallint, $2::bigint))
       ORDER BY stream, stream_seq LIMIT ${VERIFY_PAGE_ROWS}`,
      [after?.stream ?? null, after?.streamSeq ?? null],
    )) as ChainedRecord[];
    yield* rows;
    if (rows.length < VERIFY_PAGE_ROWS) return;
    const last = rows[rows.length - 1]!;
    after = { stream: last.stream, streamSeq: last.streamSeq };
  }
}

/**
 * Verifies every stream against its head, from one snapshot (REPEATABLE READ), so writes landing
 * meanwhile neither break nor escape the check.
 */
export async function verifyAuditChain(dataSource: DataSource): Promise<ChainVerdict> {
  return dataSource.transaction("REPEATABLE READ", async (manager) => {
    const heads = (await manager.query(`SELECT stream, stream_seq AS "streamSeq", hash FROM audit_chain_head ORDER BY stream`)) as ChainHead[];
    return verifyStreams(heads, recordsInStreamOrder(manager));
  });
}
