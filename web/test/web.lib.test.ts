import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { apiUrlFromEnv, websocketUrl } from "../src/lib/config";
import { ApiError, describeError } from "../src/lib/errors";
import { duration, minutes, pageTitle, relativeTime, reportFilename } from "../src/lib/format";
import { DEFAULT_QUEUE, nextSort, parseQueueParams, queueSearch, toIncidentFilter } from "../src/lib/queue";
import { matchScore, similarDecision } from "../src/lib/suggestions";
import { resolveIncidentNumbers } from "../src/lib/problems";
import { holdoutFigures } from "../src/lib/metrics";

describe("queue URL state", () => {
  it("reads back what it writes, and leaves defaults out of the URL", () => {
    const params = { ...DEFAULT_QUEUE, stage: "assessed" as const, severity: "SEV2" as const, q: "payments down" };
    const search = new URLSearchParams(queueSearch(params));
    expect(search.has("sort")).toBe(false);
    expect(parseQueueParams((n) => search.get(n))).toEqual(params);
    expect(queueSearch(DEFAULT_QUEUE)).toBe("");
  });

  it("ignores values the schema does not know", () => {
    const p = parseQueueParams((n) => ({ stage: "nonsense", priority: "9", severity: "SEV9", sort: "title" })[n] ?? null);
    expect(p).toEqual(DEFAULT_QUEUE);
  });

  it("shows every stage before closed when no stage is chosen", () => {
    expect(toIncidentFilter(DEFAULT_QUEUE, null).stage).toEqual(["identified", "classified", "assessed", "contained", "eradicated", "recovered", "reviewed"]);
  });

  it("turns the assignee choice into the API filter", () => {
    expect(toIncidentFilter({ ...DEFAULT_QUEUE, assignee: "me" }, "u1").assigneeId).toBe("u1");
    expect(toIncidentFilter({ ...DEFAULT_QUEUE, assignee: "unassigned" }, "u1").unassigned).toBe(true);
    expect(toIncidentFilter({ ...DEFAULT_QUEUE, q: "  vpn  ", priority: "2" }, null)).toMatchObject({ search: "vpn", priority: [2] });
  });

  it("flips the direction on the same column and starts a new column in its natural order", () => {
    expect(nextSort({ ...DEFAULT_QUEUE, sort: "priority", dir: "ASC" }, "priority")).toEqual({ sort: "priority", dir: "DESC" });
    expect(nextSort(DEFAULT_QUEUE, "updatedAt")).toEqual({ sort: "updatedAt", dir: "DESC" });
  });
});

describe("error messages", () => {
  it("names the allowed stages on INVALID_TRANSITION", () => {
    const err = new ApiError([{ message: "INC-000001 cannot move to closed.", extensions: { code: "INVALID_TRANSITION", allowed: ["reviewed"] } }]);
    expect(describeError(err)).toBe("INC-000001 cannot move to closed. Allowed next: reviewed.");
  });

  it("gives only the guard's reason when the refused stage is itself one of the allowed moves", () => {
    const err = new ApiError([{ message: "The report must be shared before closing.", extensions: { code: "INVALID_TRANSITION", allowed: ["closed"] } }]);
    expect(describeError(err, { attemptedStage: "closed" })).toBe("The report must be shared before closing.");
  });

  it("spells stage names out in a refused move, and gives only the reason when the refused stage is allowed", () => {
    const err = new ApiError([
      { message: "Cannot move from known_error to resolved: resolving needs the fix: give a fix description.", extensions: { code: "INVALID_TRANSITION", allowed: ["resolved", "cancelled"] } },
    ]);
    expect(describeError(err, { attemptedStage: "resolved" })).toBe("Cannot move from known error to resolved: resolving needs the fix: give a fix description.");
    const elsewhere = new ApiError([{ message: "A problem cannot move from new to closed.", extensions: { code: "INVALID_TRANSITION", allowed: ["investigating", "root_cause_known"] } }]);
    expect(describeError(elsewhere)).toBe("A problem cannot move from new to closed. Allowed next: investigating, root cause known.");
  });

  it("lists the fields on BAD_USER_INPUT", () => {
    const err = new ApiError([{ message: "Invalid input", extensions: { code: "BAD_USER_INPUT", fields: [{ field: "input.title", reasons: ["must not be empty"] }] } }]);
    expect(describeError(err)).toBe("Please fix: title (must not be empty).");
  });

  it("spells out the API's field names, so a person reads words, not input paths or camelCase", () => {
    const window = new ApiError([{ message: "plannedEnd: must be after plannedStart", extensions: { code: "BAD_USER_INPUT", field: "plannedEnd", reason: "must be after plannedStart" } }]);
    expect(describeError(window)).toBe("Planned end: must be after planned start");
    const nested = new ApiError([{ message: "input.id: is not an id this API issued (a UUID)", extensions: { code: "BAD_USER_INPUT", field: "input.id" } }]);
    expect(describeError(nested)).toBe("Id: is not an id this API issued (a UUID)");
    const report = new ApiError([
      { message: "whatHappened: is required before the report can be shared (missing: whatHappened, impact, rootCause)", extensions: { code: "BAD_USER_INPUT", field: "whatHappened" } },
    ]);
    expect(describeError(report)).toBe("What happened: is required before the report can be shared (missing: what happened, impact, root cause)");
    const listed = new ApiError([{ message: "Invalid input", extensions: { code: "BAD_USER_INPUT", fields: [{ field: "input.plannedStart", reasons: ["plannedStart must be a date"] }] } }]);
    expect(describeError(listed)).toBe("Please fix: planned start (planned start must be a date).");
  });

  it("tells the user to reload on CONFLICT", () => {
    expect(describeError(new ApiError([{ message: "stale", extensions: { code: "CONFLICT", expectedVersion: 3, actualVersion: 4 } }]))).toMatch(/reload/i);
  });

  it("says the API is unreachable when fetch itself fails", () => {
    expect(describeError(new TypeError("fetch failed"))).toMatch(/cannot be reached/);
  });
});

describe("linking incidents by number", () => {
  // Answers as the API does: INC-000007 exists, other well-formed numbers don't, the rest are malformed.
  const find = async (number: string) => {
    if (number === "INC-000007") return "id-7";
    if (/^(INC-)?\d+$/i.test(number)) throw new ApiError([{ message: `Incident ${number} does not exist.`, extensions: { code: "NOT_FOUND" } }]);
    throw new ApiError([{ message: `number: "${number}" is not an incident number`, extensions: { code: "BAD_USER_INPUT", field: "number" } }]);
  };

  it("names every wrong entry with its reason, not just the first failure", async () => {
    await expect(resolveIncidentNumbers("INC-000007, INC-999999, garbage", find)).rejects.toThrow(
      "Nothing was linked. Check these entries: INC-999999 (no such incident), garbage (not an incident number; use the form INC-000123).",
    );
    await expect(resolveIncidentNumbers("garbage", find)).rejects.toThrow("Check this entry: garbage (not an incident number");
  });

  it("returns the ids when every entry is found, once each", async () => {
    await expect(resolveIncidentNumbers(" INC-000007,\nINC-000007 ", find)).resolves.toEqual(["id-7"]);
    await expect(resolveIncidentNumbers(" , ", find)).rejects.toThrow(/Enter one or more incident numbers/);
  });

  it("passes on an error that is not about an entry", async () => {
    await expect(resolveIncidentNumbers("INC-000007", async () => { throw new TypeError("fetch failed"); })).rejects.toThrow("fetch failed");
  });
});

describe("config and formatting", () => {
  it("defaults the API URL and derives the WebSocket URL", () => {
    expect(apiUrlFromEnv({})).toBe("http://127.0.0.1:4000");
    expect(apiUrlFromEnv({ NEXT_PUBLIC_QUELL_API_URL: "https://quell.example.org/" })).toBe("https://quell.example.org");
    expect(websocketUrl("https://quell.example.org")).toBe("wss://quell.example.org/graphql");
  });

  it("formats durations and relative times", () => {
    expect(duration("2026-01-01T10:00:00Z", "2026-01-01T11:12:00Z")).toBe("1 h 12 min");
    expect(duration(null, "2026-01-01T11:12:00Z")).toBeNull();
    expect(relativeTime("2026-01-01T10:00:00Z", new Date("2026-01-01T10:05:00Z"))).toBe("5 min ago");
    expect(reportFilename("INC-000123")).toBe("INC-000123-lessons-learned.md");
    expect([minutes(42.4), minutes(312), minutes(3 * 1440 + 250), minutes(null)]).toEqual(["42 min", "5 h 12 min", "3 d 4 h", "—"]);
  });

  it("titles each tab by its page, so several open tabs can be told apart", () => {
    expect(pageTitle("/")).toBe("Triage queue · Quell");
    expect(pageTitle("/incidents/INC-000207")).toBe("INC-000207 · Quell");
    expect(pageTitle("/problems/candidates")).toBe("Problem candidates · Quell");
    expect(pageTitle("/changes/CHG-000013")).toBe("CHG-000013 · Quell");
    expect(pageTitle("/changes/calendar")).toBe("Change calendar · Quell");
    expect(pageTitle("/nowhere")).toBe("Quell");
  });

  it("shows a similar-incident match as a score, never as a percentage above 100", () => {
    // The fused score plus the recency bonus reaches 1.2 for a recent near-duplicate.
    expect(matchScore(1.1995)).toBe("score 1.20");
    expect(matchScore(0.4)).toBe("score 0.40");
    expect(matchScore(null)).toBe("—");
    expect([similarDecision("accepted"), similarDecision("dismissed"), similarDecision("pending")]).toEqual(["Marked helpful", "Marked not similar", ""]);
  });
});

describe("generated GraphQL types", () => {
  // Additive schema changes must not fail everyone's test run, so staleness of generated.ts is
  // checked by `npm run web:check`; what is checked here is that no schema change broke the web app.
  it("has every web operation valid against api/schema.graphql", async () => {
    // @ts-expect-error plain ESM script without type declarations
    const { generate, paths } = (await import("../scripts/codegen.mjs")) as {
      generate(schema: string, ops: Array<{ name: string; source: string }>): string;
      paths: { schema: string; operations: string; output: string };
    };
    const ops = readdirSync(paths.operations)
      .filter((f) => f.endsWith(".graphql"))
      .sort()
      .map((f) => ({ name: f, source: readFileSync(path.join(paths.operations, f), "utf8") }));
    expect(generate(readFileSync(paths.schema, "utf8"), ops)).toContain("export const QueueDocument");
  });

  it("rejects an operation that asks for a field the schema does not have", async () => {
    // @ts-expect-error plain ESM script without type declarations
    const { generate } = (await import("../scripts/codegen.mjs")) as { generate(schema: string, ops: Array<{ name: string; source: string }>): string };
    expect(() => generate("type Query { a: Int }", [{ name: "x.graphql", source: "query X { b }" }])).toThrow(/Cannot query field "b"/);
  });
});

describe("model holdout figures", () => {
  const shown = (metrics: Record<string, unknown>) => holdoutFigures(metrics).map((f) => `${f.name} ${f.value}${f.previous ? ` (${f.previous})` : ""}`);

  it("names the similar-incident metrics as people do, MRR as a decimal and RR@k as shares, MRR first", () => {
    expect(shown({ holdout: { queries: 120, rr_at_1: 0.537, rr_at_5: 0.805, rr_at_10: 0.878, rr_at_20: 0.902, mrr: 0.125 } }).slice(0, 4)).toEqual([
      "MRR 0.125",
      "RR@1 53.7%",
      "RR@10 87.8%",
      "RR@5 80.5%",
    ]);
  });

  it("shows ECE as a decimal beside the active model's figure, and shares as percentages", () => {
    expect(shown({ holdout: { ece: 0.042, accuracy: 0.81, macro_f1: 0.7, n_holdout: 400 }, active_on_same_holdout: { ece: 0.05, accuracy: 0.8 } })).toEqual([
      "Accuracy 81.0% (80.0%)",
      "Macro-F1 70.0%",
      "ECE 0.042 (0.050)",
      "Holdout size 400",
    ]);
  });
});
