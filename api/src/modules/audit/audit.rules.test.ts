import { describe, expect, it } from "vitest";
import { GENESIS_HASH, canonicalJson, chainHash, headsDigest, verifyStreams, type ChainHead, type ChainedRecord } from "./audit.rules";

/** `perStream[s]` records in each stream s, numbered globally in round-robin order, plus the heads they end at. */
function trail(perStream: number[]): { records: ChainedRecord[]; heads: ChainHead[] } {
  const streams = perStream.map((count, stream) => ({ stream, count, records: [] as ChainedRecord[], prev: GENESIS_HASH }));
  let seq = 0;
  for (let round = 0; streams.some((s) => s.records.length < s.count); round++) {
    for (const s of streams) {
      if (s.records.length >= s.count) continue;
      seq += 1;
      const row = { seq: String(seq), stream: s.stream, streamSeq: String(s.records.length + 1), at: new Date(Date.UTC(2026, 0, 1, 0, seq)), actorId: null, actorLabel: "a@b", action: "x.update", entityType: "incident", entityId: `e${seq}`, before: { v: round }, after: { v: round + 1 } };
      const hash = chainHash(s.prev, row);
      s.records.push({ ...row, prevHash: s.prev, hash });
      s.prev = hash;
    }
  }
  return {
    // verifyStreams reads records in (stream, position) order, as the service's query returns them.
    records: streams.flatMap((s) => s.records),
    heads: streams.map((s) => ({ stream: s.stream, streamSeq: String(s.records.length), hash: s.prev })),
  };
}

const at = (records: ChainedRecord[], stream: number, position: number) => records.findIndex((r) => r.stream === stream && r.streamSeq === String(position));

describe("audit hash chains", () => {
  it("ignores key order, as jsonb reorders keys", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { e: 3, f: 2 }] }, b: 1 }));
  });

  it("accepts untouched streams, empty ones included, and digests their heads", async () => {
    const { records, heads } = trail([3, 0, 4]);
    expect(await verifyStreams(heads, records)).toEqual({ ok: true, checked: 7, streams: 3, headsDigest: headsDigest(heads) });
  });

  it("names an edited record in any stream", async () => {
    const { records, heads } = trail([3, 4]);
    const i = at(records, 1, 2);
    records[i]!.after = { v: 999 };
    expect(await verifyStreams(heads, records)).toMatchObject({ ok: false, brokenAtSeq: records[i]!.seq, checked: 4, reason: expect.stringMatching(/modified/) });
  });

  it("names the gap where a record was deleted from the middle of a stream", async () => {
    const { records, heads } = trail([4, 4]);
    const i = at(records, 1, 2);
    const next = records[i + 1]!;
    records.splice(i, 1);
    expect(await verifyStreams(heads, records)).toMatchObject({ ok: false, brokenAtSeq: next.seq, reason: expect.stringMatching(/stream 1: record #2 is missing/) });
  });

  it("detects records cut off a stream's end, and a stream emptied, against the heads", async () => {
    const cut = trail([3, 3]);
    cut.records.pop();
    expect(await verifyStreams(cut.heads, cut.records)).toMatchObject({ ok: false, reason: expect.stringMatching(/stream 1 ends at record #2, but its head is #3/) });
    const emptied = trail([3, 3]);
    expect(await verifyStreams(emptied.heads, emptied.records.filter((r) => r.stream !== 1))).toMatchObject({ ok: false, brokenAtSeq: null, reason: expect.stringMatching(/stream 1 has no records/) });
  });

  it("detects a record re-hashed to hide an edit, at the record after it in its stream", async () => {
    const { records, heads } = trail([4, 4]);
    const i = at(records, 0, 2);
    records[i]!.after = { v: 42 };
    records[i]!.hash = chainHash(records[i]!.prevHash, records[i]!);
    expect(await verifyStreams(heads, records)).toMatchObject({ ok: false, brokenAtSeq: records[at(records, 0, 3)]!.seq, reason: expect.stringMatching(/does not link/) });
  });

  it("refuses a record moved to another stream, in a stream without a head, or given a position twice", async () => {
    const moved = trail([3, 3]);
    const i = at(moved.records, 1, 3);
    moved.records[i] = { ...moved.records[i]!, stream: 0, streamSeq: "4" };
    moved.records.sort((a, b) => a.stream - b.stream || Number(a.streamSeq) - Number(b.streamSeq));
    expect(await verifyStreams(moved.heads, moved.records)).toMatchObject({ ok: false, brokenAtSeq: moved.records[3]!.seq });

    const stray = trail([2, 2]);
    expect(await verifyStreams(stray.heads.slice(0, 1), stray.records)).toMatchObject({ ok: false, reason: expect.stringMatching(/stream 1, which has no chain head/) });

    const twice = trail([3]);
    twice.records.splice(2, 0, { ...twice.records[1]! });
    expect(await verifyStreams(twice.heads, twice.records)).toMatchObject({ ok: false, reason: expect.stringMatching(/repeats position #2/) });
  });
});
