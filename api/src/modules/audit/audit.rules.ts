import { createHash } from "node:crypto";

export const GENESIS_HASH = "0".repeat(64);

export interface ChainedFields {
  seq: string;
  at: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/** JSON with object keys sorted at every depth, so jsonb's reordering can't change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function chainHash(prevHash: string, row: ChainedFields): string {
  const body = canonicalJson({
    seq: String(row.seq),
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    before: row.before ?? null,
    after: row.after ?? null,
  });
  return createHash("sha256").update(prevHash).update("\n").update(body).digest("hex");
}

export type ChainVerdict =
  | { ok: true; checked: number; headHash: string }
  | { ok: false; checked: number; brokenAtSeq: string; reason: string };

/** Walks rows in seq order; the first row whose link or content doesn't match is named. */
export function verifyChain(rows: Iterable<ChainedFields & { prevHash: string; hash: string }>, start?: { seq: bigint; hash: string }): ChainVerdict {
  let expectedSeq = start ? start.seq + 1n : 1n;
  let prevHash = start?.hash ?? GENESIS_HASH;
  let checked = 0;
  for (const row of rows) {
    const seq = BigInt(row.seq);
    if (seq !== expectedSeq) {
      return { ok: false, checked, brokenAtSeq: String(expectedSeq), reason: `record ${expectedSeq} is missing (next record found is ${seq})` };
    }
    if (row.prevHash !== prevHash) {
      return { ok: false, checked, brokenAtSeq: row.seq, reason: `record ${row.seq} does not link to record ${seq - 1n} (a record before it was changed or removed)` };
    }
    if (chainHash(prevHash, row) !== row.hash) {
      return { ok: false, checked, brokenAtSeq: row.seq, reason: `record ${row.seq} was modified after it was written` };
    }
    prevHash = row.hash;
    expectedSeq += 1n;
    checked += 1;
  }
  return { ok: true, checked, headHash: prevHash };
}
