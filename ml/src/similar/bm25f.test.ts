import { describe, expect, it } from "vitest";
import { Bm25Index } from "./bm25-index";
import { tokenize } from "../text/tokenize";

// [id, title, description]
const docs = (
  [
    ["a", "payments certificate expired", "tls handshake failures on the payments gateway since the renewal job failed"],
    ["b", "vpn disconnects hourly", "remote staff lose the tunnel every hour, certificate warnings in the client"],
    ["c", "database disk full", "postgres stopped writing wal; disk alarms on the payments database host"],
    ["d", "login page slow", "single sign on takes a minute; tls handshake slow from the office"],
    ["e", "certificate renewal failed", "the renewal job could not reach the acme server"],
  ] as const
).map(([id, title, description]) => ({ id, title, description }));
const fields = (d: (typeof docs)[number]) => [tokenize(d.title), tokenize(d.description)];
const queries = ["payments tls certificate", "disk full database", "renewal job failed certificate", "handshake slow"].map((q) => tokenize(q));

function expectSameRanking(a: Bm25Index, b: Bm25Index): void {
  for (const q of queries) {
    const x = a.search(q, 10);
    const y = b.search(q, 10);
    expect(x.length).toBeGreaterThan(0);
    expect(x.map((h) => h.id)).toEqual(y.map((h) => h.id));
    x.forEach((h, i) => expect(h.score).toBeCloseTo(y[i].score, 10));
  }
}

describe("BM25F (fielded BM25)", () => {
  it("with equal field weights and document length normalisation equals plain BM25 on the concatenation", () => {
    const fielded = new Bm25Index(undefined, { weights: [1, 1], lengthNormalisation: "document" });
    const plain = new Bm25Index();
    for (const d of docs) {
      fielded.addFields(d.id, fields(d));
      plain.add(d.id, fields(d).flat());
    }
    expectSameRanking(fielded, plain);
  });

  it("with title weight 4 equals the one-field index with the title repeated 4 times (the old title weight)", () => {
    const fielded = new Bm25Index(undefined, { weights: [4, 1], lengthNormalisation: "document" });
    const repeated = new Bm25Index();
    for (const d of docs) {
      const [t, desc] = fields(d);
      fielded.addFields(d.id, [t, desc]);
      repeated.add(d.id, [...t, ...t, ...t, ...t, ...desc]);
    }
    expectSameRanking(fielded, repeated);
    expect(fielded.averageLength).toBeCloseTo(repeated.averageLength, 10);
  });

  it("per-field normalisation with b = 0 everywhere equals document normalisation with b = 0", () => {
    const perField = new Bm25Index({ k1: 1.2, b: 0 }, { weights: [3, 1], lengthNormalisation: "field", b: [0, 0] });
    const perDoc = new Bm25Index({ k1: 1.2, b: 0 }, { weights: [3, 1], lengthNormalisation: "document" });
    for (const d of docs) {
      perField.addFields(d.id, fields(d));
      perDoc.addFields(d.id, fields(d));
    }
    expectSameRanking(perField, perDoc);
  });

  it("per-field normalisation: a long description does not dilute a title match", () => {
    const long = "unrelated words about lunch menus and parking ".repeat(30);
    const make = (lengthNormalisation: "document" | "field") => {
      const ix = new Bm25Index(undefined, { weights: [4, 1], lengthNormalisation });
      ix.addFields("short", [tokenize("kafka consumer lag"), tokenize("billing delayed")]);
      ix.addFields("long", [tokenize("kafka consumer lag"), tokenize(`billing delayed ${long}`)]);
      for (const d of docs) ix.addFields(d.id, fields(d));
      return ix;
    };
    const q = tokenize("kafka consumer lag");
    const score = (ix: Bm25Index, id: string) => ix.search(q, 10).find((h) => h.id === id)!.score;
    const field = make("field");
    expect(score(field, "long")).toBeCloseTo(score(field, "short"), 10);
    const doc = make("document");
    expect(score(doc, "long")).toBeLessThan(score(doc, "short") * 0.8);
  });

  it("keeps per-field statistics exact when documents are removed", () => {
    const opts = { weights: [4, 1], lengthNormalisation: "field" as const, b: [0.5, 0.9] };
    const withRemoval = new Bm25Index(undefined, opts);
    const fresh = new Bm25Index(undefined, opts);
    for (const d of docs) withRemoval.addFields(d.id, fields(d));
    withRemoval.addFields("x", [tokenize("payments payments outage"), tokenize("a very long description ".repeat(40))]);
    withRemoval.remove("x");
    for (const d of docs) fresh.addFields(d.id, fields(d));
    expectSameRanking(withRemoval, fresh);
  });

  it("rejects a document with the wrong number of fields", () => {
    const ix = new Bm25Index(undefined, { weights: [2, 1], lengthNormalisation: "field" });
    expect(() => ix.add("a", ["x"])).toThrow(/2 field/);
  });
});
