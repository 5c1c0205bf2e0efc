import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { parseCsv, parseDate, stratifiedSplit, type IncidentRow } from "@quell/ml";

/** Where the shared evaluation data lives: $QUELL_DATA, else ../shared/data beside the repo. */
export function dataDir(): string | null {
  const candidates = [process.env.QUELL_DATA, path.resolve(__dirname, "../../../shared/data")].filter(Boolean) as string[];
  return candidates.find((d) => existsSync(d)) ?? null;
}

function row(p: Partial<IncidentRow> & { id: string; title: string }, line: number): IncidentRow {
  return {
    description: "",
    severity: "",
    team: "",
    category: "",
    service: "",
    createdAt: null,
    resolvedAt: null,
    duplicateOf: null,
    line,
    ...p,
  };
}

export const MOZILLA_CLASSES = ["blocker", "critical", "major", "normal", "minor", "trivial"];

/**
 * Mozilla severity: `summary;severity` files without dates, so a seeded stratified 80/20 split.
 * Only the six classic severities are kept (N/A and enhancement are not severities).
 */
export function mozillaSeverity(dir: string): { train: IncidentRow[]; test: IncidentRow[] } {
  const rows: IncidentRow[] = [];
  const folder = path.join(dir, "mozilla-severity");
  for (const f of readdirSync(folder).sort()) {
    for (const rec of parseCsv(readFileSync(path.join(folder, f), "utf8"), ";")) {
      const label = rec.fields[rec.fields.length - 1].trim();
      const title = rec.fields.slice(0, -1).join(";").trim();
      if (MOZILLA_CLASSES.includes(label) && title) rows.push(row({ id: `${f}:${rec.line}`, title, severity: label }, rec.line));
    }
  }
  const split = stratifiedSplit(
    rows.map((r) => r.severity),
    0.2,
    2024,
  );
  return { train: split.train.map((i) => rows[i]), test: split.holdout.map((i) => rows[i]) };
}

function timeSplit(rows: IncidentRow[]): { train: IncidentRow[]; test: IncidentRow[] } {
  const sorted = rows.filter((r) => r.createdAt).sort((a, b) => a.createdAt!.getTime() - b.createdAt!.getTime());
  const cut = Math.floor(sorted.length * 0.8);
  return { train: sorted.slice(0, cut), test: sorted.slice(cut) };
}

/**
 * Status-page incidents: impact 0-4 as severity, title plus the first status update as the text
 * (what is known when the incident opens; later updates and the postmortem would leak the answer),
 * provider as service, affected components as category. Time split on the start timestamp.
 */
export function statusIncidents(dir: string): { train: IncidentRow[]; test: IncidentRow[] } {
  const recs = parseCsv(readFileSync(path.join(dir, "status-incidents", "incidents.csv"), "utf8"));
  const header = recs[0].fields;
  const col = (name: string) => header.indexOf(name);
  const components = ["Playground", "API", "Labs", "ChatGPT", "api.anthropic.com", "claude.ai", "console.anthropic.com", "Character.AI"];
  const rows: IncidentRow[] = [];
  for (const rec of recs.slice(1)) {
    const f = (n: string) => rec.fields[col(n)] ?? "";
    const first = ["investigating", "identified", "monitoring", "resolved"].map((s) => f(`${s}_description`)).find((d) => d.trim()) ?? "";
    rows.push(
      row(
        {
          id: f("incident_id"),
          title: f("Incident_Title"),
          description: first,
          severity: f("incident_impact_level"),
          service: f("provider"),
          category: components.filter((c) => f(c) === "1").join(" "),
          createdAt: parseDate(f("start_timestamp")),
        },
        rec.line,
      ),
    );
  }
  return timeSplit(rows.filter((r) => r.id && r.title));
}

/**
 * SeaMonkey bugs with duplicate pairs. A pair names two bugs; the later one (by Created) is the
 * duplicate of the earlier. When a bug pairs with several earlier ones, the earliest is its
 * original. Time split 80/20 by Created.
 */
export function seamonkey(dir: string): { train: IncidentRow[]; test: IncidentRow[] } {
  const recs = parseCsv(readFileSync(path.join(dir, "seamonkey", "bugs.csv"), "utf8"));
  const h = recs[0].fields;
  const rows = new Map<string, IncidentRow>();
  for (const rec of recs.slice(1)) {
    const f = (n: string) => rec.fields[h.indexOf(n)] ?? "";
    const id = f("Issue id").trim();
    if (!id || !f("Summary").trim()) continue;
    // Resolved dates a link as known (only a duplicate resolved before a query may help rank it).
    rows.set(id, row({ id, title: f("Summary"), description: f("Description"), createdAt: parseDate(f("Created")), resolvedAt: parseDate(f("Resolved")) }, rec.line));
  }
  const pairs = parseCsv(readFileSync(path.join(dir, "seamonkey", "duplicate-pairs.csv"), "utf8")).slice(1);
  for (const p of pairs) {
    const a = rows.get(p.fields[0]?.trim());
    const b = rows.get(p.fields[1]?.trim());
    if (!a || !b || !a.createdAt || !b.createdAt || a === b) continue;
    const [early, late] = a.createdAt <= b.createdAt ? [a, b] : [b, a];
    const current = late.duplicateOf ? rows.get(late.duplicateOf) : undefined;
    if (!current || current.createdAt! > early.createdAt!) late.duplicateOf = early.id;
  }
  return timeSplit([...rows.values()]);
}

/**
 * IT service-desk tickets (CC0): `Document,Topic_group`, the ticket text and the group that handled
 * it (routing, 8 groups). No dates, so a seeded stratified 80/20 split. The text is the title: the
 * publisher already joined subject and body and stripped punctuation.
 */
export function itServiceTickets(dir: string): { train: IncidentRow[]; test: IncidentRow[] } {
  const recs = parseCsv(readFileSync(path.join(dir, "it-service-tickets", "tickets.csv"), "utf8")).slice(1);
  const rows = recs
    .filter((r) => r.fields[0]?.trim() && r.fields[1]?.trim())
    .map((r, i) => row({ id: `ticket-${i}`, title: r.fields[0].trim(), team: r.fields[1].trim() }, r.line));
  const split = stratifiedSplit(
    rows.map((r) => r.team),
    0.2,
    2024,
  );
  return { train: split.train.map((i) => rows[i]), test: split.holdout.map((i) => rows[i]) };
}
