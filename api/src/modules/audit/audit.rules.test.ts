import { describe, expect, it } from "vitest";
import { GENESIS_HASH, canonicalJson, chainHash, verifyChain, type ChainedFields } from "./audit.rules";

function chain(n: number) {
  const rows: Array<ChainedFields & { prevHash: string; hash: string }> = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const row = { seq: String(i), at: new Date(Date.UTC(2026, 0, 1, 0, i)), actorId: null, actorLabel: "a@b", action: "x.update", entityType: "incident", entityId: `e${i}`, before: { v: i - 1 }, after: { v: i } };
    const hash = chainHash(prev, row);
    rows.push({ ...row, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

describe("audit hash chain", () => {
  it("ignores key order, as jsonb reorders keys", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { e: 3, f: 2 }] }, b: 1 }));
  });

  it("accepts an untouched chain", () => {
    expect(verifyChain(chain(5))).toMatchObject({ ok: true, checked: 5 });
  });

  it("names an edited record", () => {
    const rows = chain(5);
    rows[2].after = { v: 999 };
    expect(verifyChain(rows)).toMatchObject({ ok: false, brokenAtSeq: "3", checked: 2 });
  });

  it("names the gap where a record was deleted", () => {
    const rows = chain(5);
    rows.splice(3, 1);
    expect(verifyChain(rows)).toMatchObject({ ok: false, brokenAtSeq: "4" });
  });

  it("detects a record re-hashed to hide an edit, at the record after it", () => {
    const rows = chain(5);
    rows[1].after = { v: 42 };
    rows[1].hash = chainHash(rows[1].prevHash, rows[1]);
    expect(verifyChain(rows)).toMatchObject({ ok: false, brokenAtSeq: "3" });
  });
});
