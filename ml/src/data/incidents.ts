import { createReadStream } from "node:fs";
import { parseCsv, parseCsvStream, toCsv, type CsvRecord } from "./csv";

/** The incident CSV contract. Columns are found by header name; unknown columns are ignored. */
export const INCIDENT_COLUMNS = [
  "id",
  "title",
  "description",
  "severity",
  "team",
  "category",
  "service",
  "created_at",
  "resolved_at",
  "duplicate_of",
] as const;

type Column = (typeof INCIDENT_COLUMNS)[number];

export interface IncidentRow {
  id: string;
  title: string;
  description: string;
  severity: string;
  team: string;
  category: string;
  service: string;
  createdAt: Date | null;
  resolvedAt: Date | null;
  /** Id of the earlier incident this one duplicates, or null. */
  duplicateOf: string | null;
  /** Line in the source file where the row starts. */
  line: number;
}

export interface RowError {
  line: number;
  message: string;
}

export interface ParsedIncidents {
  rows: IncidentRow[];
  errors: RowError[];
}

/** Parses ISO 8601 and the "2020-01-02 17:14:21+00:00" form that Python and SQL exports write. */
export function parseDate(s: string): Date | null {
  const t = s.trim();
  if (!t) return null;
  const iso = /^\d{4}-\d{2}-\d{2} \d/.test(t) ? t.replace(" ", "T") : t;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms);
}

class IncidentRowReader {
  private columns: Partial<Record<Column, number>> | null = null;
  private width = 0;
  private readonly seen = new Set<string>();
  readonly result: ParsedIncidents = { rows: [], errors: [] };

  /** True once the header lacks a required column: no row can be read after that. */
  get fatal(): boolean {
    return this.width === -1;
  }

  accept(rec: CsvRecord): void {
    const err = (message: string): void => {
      this.result.errors.push({ line: rec.line, message });
    };
    if (!this.columns) return this.readHeader(rec, err);
    if (rec.error) return err(rec.error);
    if (rec.fields.length !== this.width) {
      return err(`expected ${this.width} fields as in the header, found ${rec.fields.length}`);
    }
    const get = (c: Column) => {
      const i = this.columns![c];
      return i === undefined ? "" : rec.fields[i].trim();
    };
    const id = get("id");
    if (!id) return err("id is empty");
    if (this.seen.has(id)) return err(`id ${id} appears more than once`);
    const title = get("title");
    if (!title) return err(`title is empty (id ${id})`);
    const createdAt = parseDate(get("created_at"));
    if (get("created_at") && !createdAt) return err(`created_at "${get("created_at")}" is not a date (id ${id})`);
    const resolvedAt = parseDate(get("resolved_at"));
    if (get("resolved_at") && !resolvedAt) return err(`resolved_at "${get("resolved_at")}" is not a date (id ${id})`);
    if (createdAt && resolvedAt && resolvedAt < createdAt) return err(`resolved_at is before created_at (id ${id})`);
    const duplicateOf = get("duplicate_of") || null;
    if (duplicateOf === id) return err(`duplicate_of points at the row itself (id ${id})`);
    this.seen.add(id);
    this.result.rows.push({
      id,
      title,
      description: get("description"),
      severity: get("severity"),
      team: get("team"),
      category: get("category"),
      service: get("service"),
      createdAt,
      resolvedAt,
      duplicateOf,
      line: rec.line,
    });
  }

  finish(): ParsedIncidents {
    if (!this.columns) this.result.errors.push({ line: 1, message: "the file is empty: no header row" });
    return this.result;
  }

  private readHeader(rec: CsvRecord, err: (m: string) => void): void {
    this.columns = {};
    this.width = rec.fields.length;
    rec.fields.forEach((name, i) => {
      const key = name.trim().toLowerCase() as Column;
      if ((INCIDENT_COLUMNS as readonly string[]).includes(key) && this.columns![key] === undefined) this.columns![key] = i;
    });
    for (const required of ["id", "title"] as const) {
      if (this.columns[required] === undefined) err(`the header has no "${required}" column`);
    }
    if (this.columns.id === undefined || this.columns.title === undefined) this.width = -1;
  }
}

export function parseIncidentRows(text: string): ParsedIncidents {
  const r = new IncidentRowReader();
  for (const rec of parseCsv(text)) {
    r.accept(rec);
    if (r.fatal) break;
  }
  return r.finish();
}

/** Streams an incident CSV from disk; the same validation as parseIncidentRows. */
export async function readIncidentCsvFile(path: string): Promise<ParsedIncidents> {
  const r = new IncidentRowReader();
  for await (const rec of parseCsvStream(createReadStream(path))) {
    r.accept(rec);
    if (r.fatal) break;
  }
  return r.finish();
}

export function incidentRowsToCsv(rows: readonly Omit<IncidentRow, "line">[]): string {
  return toCsv(
    rows.map((r) => [
      r.id,
      r.title,
      r.description,
      r.severity,
      r.team,
      r.category,
      r.service,
      r.createdAt,
      r.resolvedAt,
      r.duplicateOf,
    ]),
    INCIDENT_COLUMNS,
  );
}
