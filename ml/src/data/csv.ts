/**
 * RFC 4180 CSV: quoted fields, "" escapes, newlines inside quotes, CRLF or LF, a leading BOM.
 * Every record carries the line it starts on so validation errors can point at the file.
 * The parser is incremental (push chunks, take records), so a large export streams from disk.
 */

export interface CsvRecord {
  /** 1-based line number of the record's first character. */
  line: number;
  fields: string[];
  /** Set when the input ended inside a quoted field. */
  error?: string;
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

export class CsvParser {
  private state = State.FieldStart;
  private field = "";
  private fields: string[] = [];
  private line = 1;
  private recordLine = 1;
  private skipLf = false;
  private quotedCr = false;
  private started = false;
  private pending: CsvRecord[] = [];

  constructor(private readonly delimiter = ",") {}

  /** Feeds a chunk; returns the records completed by it. */
  push(chunk: string): CsvRecord[] {
    let start = 0;
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) start = 1;
    }
    const d = this.delimiter;
    for (let i = start; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.skipLf) {
        this.skipLf = false;
        if (c === "\n") continue;
      }
      switch (this.state) {
        case State.FieldStart:
          if (c === '"') this.state = State.Quoted;
          else if (c === d) this.endField();
          else if (c === "\r" || c === "\n") this.endRecord(c);
          else {
            this.field += c;
            this.state = State.Unquoted;
          }
          break;
        case State.Unquoted:
          if (c === d) this.endField();
          else if (c === "\r" || c === "\n") this.endRecord(c);
          else this.field += c;
          break;
        case State.Quoted:
          if (c === '"') this.state = State.QuoteInQuoted;
          else {
            this.field += c;
            // CRLF inside quotes is one line break; the CR may end one chunk and the LF start the next.
            if (c === "\r" || (c === "\n" && !this.quotedCr)) this.line++;
            this.quotedCr = c === "\r";
          }
          break;
        case State.QuoteInQuoted:
          if (c === '"') {
            this.field += '"';
            this.state = State.Quoted;
          } else if (c === d) this.endField();
          else if (c === "\r" || c === "\n") this.endRecord(c);
          else {
            // Not RFC 4180 ("ab"c): keep the text rather than lose it.
            this.field += c;
            this.state = State.Unquoted;
          }
          break;
      }
    }
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Flushes the last record (a file need not end with a newline). */
  end(): CsvRecord[] {
    const out = this.pending;
    this.pending = [];
    if (this.state === State.Quoted) {
      this.fields.push(this.field);
      out.push({ line: this.recordLine, fields: this.fields, error: "unterminated quoted field" });
    } else if (this.state !== State.FieldStart || this.fields.length > 0) {
      this.fields.push(this.field);
      out.push({ line: this.recordLine, fields: this.fields });
    }
    this.fields = [];
    this.field = "";
    this.state = State.FieldStart;
    return out;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = "";
    this.state = State.FieldStart;
  }

  private endRecord(c: string): void {
    this.fields.push(this.field);
    const blank = this.fields.length === 1 && this.fields[0] === "" && this.state === State.FieldStart;
    if (!blank) this.pending.push({ line: this.recordLine, fields: this.fields });
    this.fields = [];
    this.field = "";
    this.state = State.FieldStart;
    this.line++;
    this.recordLine = this.line;
    if (c === "\r") this.skipLf = true;
  }
}

export function parseCsv(text: string, delimiter = ","): CsvRecord[] {
  const p = new CsvParser(delimiter);
  return [...p.push(text), ...p.end()];
}

/** Parses a stream of chunks (e.g. fs.createReadStream(path, "utf8")) record by record. */
export async function* parseCsvStream(
  chunks: AsyncIterable<string | Buffer>,
  delimiter = ",",
): AsyncGenerator<CsvRecord> {
  const p = new CsvParser(delimiter);
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of chunks) {
    // TextDecoder in streaming mode keeps a multi-byte character split across chunks whole.
    const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    yield* p.push(text);
  }
  yield* p.push(decoder.decode());
  yield* p.end();
}

export type CsvValue = string | number | boolean | null | undefined | Date;

function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return "";
  const s = v instanceof Date ? v.toISOString() : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes rows as RFC 4180 CSV (CRLF line ends), quoting only where needed. */
export function toCsv(rows: readonly (readonly CsvValue[])[], header?: readonly string[]): string {
  const all = header ? [header, ...rows] : rows;
  return all.map((r) => r.map(csvCell).join(",")).join("\r\n") + (all.length ? "\r\n" : "");
}

export { parseIncidentRows, readIncidentCsvFile, incidentRowsToCsv, INCIDENT_COLUMNS } from "./incidents";
export type { IncidentRow, RowError, ParsedIncidents } from "./incidents";
