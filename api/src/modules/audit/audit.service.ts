import type { DataSource, EntityManager } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";
import { Role, type Principal } from "../../platform/auth/roles";
import { AuditRecord } from "./audit.entity";
import { GENESIS_HASH, chainHash, verifyChain, type ChainVerdict } from "./audit.rules";

/** Any fixed number: it names the one lock that serialises appends to the chain. */
const AUDIT_CHAIN_LOCK = 0x5175656c; // "Quel"

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
 * Appends inside the caller's transaction, so a change and its audit record commit together.
 * The advisory lock is released at commit, keeping the chain linear under concurrency.
 */
export async function appendAudit(manager: EntityManager, actor: Principal | null, entry: AuditEntry): Promise<AuditRecord> {
  await manager.query("SELECT pg_advisory_xact_lock($1)", [AUDIT_CHAIN_LOCK]);
  const [head] = (await manager.query(`SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`)) as Array<{ seq: string; hash: string }>;
  const record = manager.create(AuditRecord, {
    seq: String(head ? BigInt(head.seq) + 1n : 1n),
    at: new Date(),
    actorId: actor?.userId || null,
    actorLabel: actor?.label ?? SYSTEM_ACTOR.label,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: snapshot(entry.before),
    after: snapshot(entry.after),
    prevHash: head?.hash ?? GENESIS_HASH,
  });
  record.hash = chainHash(record.prevHash, record);
  // insert, not save: save first SELECTs the row by its (given) key, one more round trip under the chain's lock.
  await manager.insert(AuditRecord, record as QueryDeepPartialEntity<AuditRecord>);
  return record;
}

const VERIFY_PAGE_ROWS = 5_000;

/** Verifies the whole chain in pages, so a long trail doesn't need to fit in memory. */
export async function verifyAuditChain(dataSource: DataSource): Promise<ChainVerdict> {
  let start: { seq: bigint; hash: string } | undefined;
  let checked = 0;
  for (;;) {
    const rows = await dataSource
      .getRepository(AuditRecord)
      .createQueryBuilder("a")
      .where(start ? "a.seq > :after" : "TRUE", { after: start ? String(start.seq) : undefined })
      .orderBy("a.seq", "ASC")
      .limit(VERIFY_PAGE_ROWS)
      .getMany();
    if (rows.length === 0) return { ok: true, checked, headHash: start?.hash ?? GENESIS_HASH };
    const verdict = verifyChain(rows, start);
    if (!verdict.ok) return { ...verdict, checked: checked + verdict.checked };
    checked += verdict.checked;
    const last = rows[rows.length - 1];
    start = { seq: BigInt(last.seq), hash: last.hash };
  }
}
