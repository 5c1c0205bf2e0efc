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

/** A stream's last record as `audit_chain_head` records it (position 0 and GENESIS_HASH: empty). */
export interface ChainHead {
  stream: number;
  streamSeq: string;
  hash: string;
}

export interface ChainedRecord extends ChainedFields {
  stream: number;
  streamSeq: string;
  prevHash: string;
  hash: string;
}

export type ChainVerdict =
  | { ok: true; checked: number; streams: number; headsDigest: string }
  | { ok: false; checked: number; brokenAtSeq: string | null; reason: string };

/** One value that commits to every stream's head: write it down somewhere else to anchor the whole trail. */
export function headsDigest(heads: readonly ChainHead[]): string {
  const digest = createHash("sha256");
  for (const head of [...heads].sort((a, b) => a.stream - b.stream)) digest.update(`${head.stream}:${head.streamSeq}:${head.hash}\n`);
  return digest.digest("hex");
}

/**
 * Proves the trail is the streams' chains and nothing else. Takes every record, in (stream, streamSeq)
 * order, and each stream's recorded head. Every record must sit in a stream that has a head; each
 * stream must run 1, 2, 3... with no gap or repeat, each record linking to the hash of the one before
 * (GENESIS_HASH first) and hashing to its own stored hash, its global seq rising along the stream; and
 * each stream must end exactly at its head. The first record (by stream) that fails is named.
 */
export async function verifyStreams(heads: readonly ChainHead[], records: AsyncIterable<ChainedRecord> | Iterable<ChainedRecord>): Promise<ChainVerdict> {
  const headOf = new Map(heads.map((h) => [h.stream, h]));
  const ended = new Set<number>();
  let checked = 0;
  let open: { stream: number; nextPosition: bigint; prevHash: string; lastSeq: bigint; lastRecordSeq: string | null } | null = null;
  const broken = (brokenAtSeq: string | null, reason: string): ChainVerdict => ({ ok: false, checked, brokenAtSeq, reason });
  /** A stream's records are over: they must reach its head, not stop short of it. */
  const close = (): ChainVerdict | null => {
    if (!open) return null;
    const head = headOf.get(open.stream)!;
    ended.add(open.stream);
    if (BigInt(head.streamSeq) !== open.nextPosition - 1n || head.hash !== open.prevHash) {
      return broken(open.lastRecordSeq, `stream ${open.stream} ends at record #${open.nextPosition - 1n}, but its head is #${head.streamSeq} (records were removed from its end, or the head was altered)`);
    }
    return null;
  };
  for await (const row of records) {
    if (!open || row.stream !== open.stream) {
      if (open && row.stream < open.stream) return broken(row.seq, `records are not in stream order at record ${row.seq}`);
      const verdict = close();
      if (verdict) return verdict;
      if (!headOf.has(row.stream)) return broken(row.seq, `record ${row.seq} is in stream ${row.stream}, which has no chain head`);
      open = { stream: row.stream, nextPosition: 1n, prevHash: GENESIS_HASH, lastSeq: -1n, lastRecordSeq: null };
    }
    const position = BigInt(row.streamSeq);
    if (position !== open.nextPosition) {
      return broken(row.seq, position < open.nextPosition
        ? `stream ${row.stream}: record ${row.seq} repeats position #${position}`
        : `stream ${row.stream}: record #${open.nextPosition} is missing (the next found is #${position}, record ${row.seq})`);
    }
    if (row.prevHash !== open.prevHash) {
      return broken(row.seq, `record ${row.seq} does not link to the record before it in stream ${row.stream} (a record before it was changed or removed)`);
    }
    if (chainHash(open.prevHash, row) !== row.hash) return broken(row.seq, `record ${row.seq} was modified after it was written`);
    const seq = BigInt(row.seq);
    if (seq <= open.lastSeq) return broken(row.seq, `record ${row.seq} is numbered below the record before it in stream ${row.stream}`);
    open.prevHash = row.hash;
    open.nextPosition += 1n;
    open.lastSeq = seq;
    open.lastRecordSeq = row.seq;
    checked += 1;
  }
  const verdict = close();
  if (verdict) return verdict;
  for (const head of heads) {
    if (!ended.has(head.stream) && (BigInt(head.streamSeq) !== 0n || head.hash !== GENESIS_HASH)) {
      return broken(null, `stream ${head.stream} has no records, but its head is #${head.streamSeq} (its records were removed)`);
    }
  }
  return { ok: true, checked, streams: heads.length, headsDigest: headsDigest(heads) };
}
