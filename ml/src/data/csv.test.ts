import { describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { parseCsv, parseCsvStream, parseIncidentRows, toCsv } from "./csv";

describe("parseCsv", () => {
  it("handles quotes, escaped quotes, embedded newlines, CRLF and a BOM, with start lines", () => {
    const text = '\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"multi\r\nline\nfield",z\n3,,\n';
    const recs = parseCsv(text);
    expect(recs.map((r) => r.fields)).toEqual([
      ["a", "b", "c"],
      ["1", "x, y", 'say "hi"'],
      ["2", "multi\r\nline\nfield", "z"],
      ["3", "", ""],
    ]);
    expect(recs.map((r) => r.line)).toEqual([1, 2, 3, 6]);
  });

  it("keeps the last record without a trailing newline, skips blank lines, flags an open quote", () => {
    expect(parseCsv("a,b\n\nc,d").map((r) => [r.line, r.fields])).toEqual([
      [1, ["a", "b"]],
      [3, ["c", "d"]],
    ]);
    const bad = parseCsv('a\n"open');
    expect(bad[1]).toMatchObject({ line: 2, error: "unterminated quoted field" });
  });

  it("gives the same records when streamed in awkward chunks", async () => {
    const text = 'id,t\r\n1,"a""b\r\nc"\r\n2,é\r\n';
    const bytes = Buffer.from(text, "utf8");
    // One byte per chunk splits the CRLF, the "" escape and the two-byte é.
    const chunks = Readable.from(Array.from(bytes, (b) => Buffer.from([b])));
    const streamed = [];
    for await (const r of parseCsvStream(chunks)) streamed.push(r);
    expect(streamed).toEqual(parseCsv(text));
    expect(streamed[2].fields).toEqual(["2", "é"]);
  });

  it("round-trips through toCsv", () => {
    const rows = [["x", 'q"uote', "multi\nline", " pad", ""]];
    expect(parseCsv(toCsv(rows)).map((r) => r.fields)).toEqual(rows);
  });
});

describe("parseIncidentRows", () => {
  it("maps columns by header name, ignores unknown ones and reports row errors with lines", () => {
    const text = [
      "Title,extra,ID,created_at,severity,duplicate_of",
      "Disk full,zzz,INC-1,2024-01-02 17:14:21+00:00,sev2,",
      ",zzz,INC-2,,sev1,",
      "No id,zzz,,,,",
      "Bad date,zzz,INC-3,yesterday,,",
      "Dup id,zzz,INC-1,,,",
      '"Multi',
      'line",zzz,INC-4,,,INC-1',
      "too,few",
    ].join("\n");
    const { rows, errors } = parseIncidentRows(text);
    expect(rows.map((r) => r.id)).toEqual(["INC-1", "INC-4"]);
    expect(rows[0]).toMatchObject({ title: "Disk full", severity: "sev2", description: "", duplicateOf: null, line: 2 });
    expect(rows[0].createdAt?.toISOString()).toBe("2024-01-02T17:14:21.000Z");
    expect(rows[1]).toMatchObject({ title: "Multi\nline", duplicateOf: "INC-1", line: 7 });
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 9]);
    expect(errors[0].message).toMatch(/title/);
    expect(errors[1].message).toMatch(/id is empty/);
    expect(errors[2].message).toMatch(/created_at/);
    expect(errors[3].message).toMatch(/more than once/);
    expect(errors[4].message).toMatch(/expected 6 fields/);
  });

  it("refuses a header without the required columns", () => {
    const { rows, errors } = parseIncidentRows("name,severity\nx,sev1\n");
    expect(rows).toEqual([]);
    expect(errors[0]).toEqual({ line: 1, message: 'the header has no "id" column' });
  });
});
