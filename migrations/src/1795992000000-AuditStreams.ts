/**
 * The audit trail becomes 64 hash chains ("streams") instead of one, so audited writes stop queuing
 * behind a single lock: each append locks one stream's head row (any free one), not the whole trail.
 *
 * - `stream`, `stream_seq`: a record's chain and its gapless position in it. Existing records become
 *   stream 0 unchanged (stream_seq = seq), so their hashes stay valid and nothing is re-hashed going up.
 * - `audit_chain_head`: each stream's last position and hash, updated with every append. It is the
 *   lock, and it lets `audit verify` notice records cut off a stream's end.
 * - `seq` stays the record's global number (ordering, paging) but comes from a sequence: ordered, no
 *   longer gapless. Gaplessness is now proven per stream.
 *
 * `down` joins the streams back into one chain in seq order, renumbering and re-hashing the records
 * written after `up` (those before it are untouched).
 */
import { createHash } from "node:crypto";
import type { MigrationInterface, QueryRunner } from "typeorm";

const STREAMS = 64;
const GENESIS_HASH = "0".repeat(64);

export class AuditStreams1795992000000 implements MigrationInterface {
  name = "AuditStreams1795992000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`LOCK TABLE "audit_log" IN EXCLUSIVE MODE`);
    await queryRunner.query(`ALTER TABLE "audit_log" ADD "stream" smallint NOT NULL DEFAULT 0, ADD "stream_seq" bigint`);
    await queryRunner.query(`UPDATE "audit_log" SET "stream_seq" = "seq"`);
    await queryRunner.query(`ALTER TABLE "audit_log" ALTER COLUMN "stream_seq" SET NOT NULL, ALTER COLUMN "stream" DROP DEFAULT`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_audit_log_stream_position" ON "audit_log" ("stream", "stream_seq")`);
    await queryRunner.query(`CREATE SEQUENCE "audit_log_seq_seq" OWNED BY "audit_log"."seq"`);
    await queryRunner.query(`SELECT setval('audit_log_seq_seq', COALESCE((SELECT max("seq") FROM "audit_log"), 0) + 1, false)`);
    await queryRunner.query(`CREATE TABLE "audit_chain_head" ("stream" smallint NOT NULL, "stream_seq" bigint NOT NULL, "hash" character(64) NOT NULL, CONSTRAINT "PK_audit_chain_head" PRIMARY KEY ("stream"))`);
    await queryRunner.query(`INSERT INTO "audit_chain_head" ("stream", "stream_seq", "hash") SELECT s, 0, $1 FROM generate_series(0, $2::int - 1) s`, [GENESIS_HASH, STREAMS]);
    await queryRunner.query(
      `UPDATE "audit_chain_head" h SET "stream_seq" = last."stream_seq", "hash" = last."hash"
       FROM (SELECT "stream_seq", "hash" FROM "audit_log" ORDER BY "seq" DESC LIMIT 1) last WHERE h."stream" = 0`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`LOCK TABLE "audit_log" IN EXCLUSIVE MODE`);
    // One chain in seq order: the unchanged prefix (seq 1..n, linked) is kept; every record after it
    // is renumbered to the next seq and re-linked. Ascending order means a new seq is never taken.
    let position = 0n;
    let prevHash = GENESIS_HASH;
    let rewriting = false;
    let after = "0";
    for (;;) {
      const rows = (await queryRunner.query(
        `SELECT "seq", "at", "actor_id", "actor_label", "action", "entity_type", "entity_id", "before", "after", "prev_hash", "hash"
         FROM "audit_log" WHERE "seq" > $1 ORDER BY "seq" LIMIT 5000`,
        [after],
      )) as LegacyRow[];
      if (rows.length === 0) break;
      for (const row of rows) {
        position += 1n;
        rewriting ||= BigInt(row.seq) !== position || row.prev_hash !== prevHash;
        if (rewriting) {
          const hash = legacyChainHash(prevHash, { ...row, seq: String(position) });
          await queryRunner.query(`UPDATE "audit_log" SET "seq" = $1, "prev_hash" = $2, "hash" = $3 WHERE "seq" = $4`, [String(position), prevHash, hash, row.seq]);
          prevHash = hash;
        } else {
          prevHash = row.hash;
        }
      }
      after = rows[rows.length - 1]!.seq;
    }
    await queryRunner.query(`DROP TABLE "audit_chain_head"`);
    await queryRunner.query(`DROP SEQUENCE "audit_log_seq_seq"`);
    await queryRunner.query(`DROP INDEX "UQ_audit_log_stream_position"`);
    await queryRunner.query(`ALTER TABLE "audit_log" DROP COLUMN "stream_seq", DROP COLUMN "stream"`);
  }
}

interface LegacyRow {
  seq: string;
  at: Date;
  actor_id: string | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
}

/*
 * The single chain's hash as the code before this migration computed it (api audit.rules.ts then).
 * A frozen copy on purpose: a migration must keep meaning what it meant when merged, and the api
 * package depends on this one, not the other way round.
 */
function canonicalJson(value: unknown): string {
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

function legacyChainHash(prevHash: string, row: LegacyRow): string {
  const body = canonicalJson({
    seq: String(row.seq),
    at: row.at.toISOString(),
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before ?? null,
    after: row.after ?? null,
  });
  return createHash("sha256").update(prevHash).update("\n").update(body).digest("hex");
}
