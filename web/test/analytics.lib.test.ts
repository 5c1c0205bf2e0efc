import { describe, expect, it } from "vitest";
import { defaultFilters, filtersToSearch, graphiqlHref, metricsInput, parseFilters, toCsv } from "../src/lib/analytics";

const NOW = Date.UTC(2026, 10, 29, 15, 30);

describe("analytics filters in the URL", () => {
  it("defaults to the 26 weeks up to and including today, on UTC midnights", () => {
    expect(defaultFilters(NOW)).toMatchObject({ from: "2026-06-01", to: "2026-11-30" });
  });

  it("reads back what it writes, leaving defaults out, and ignores what is not a day or a priority", () => {
    const chosen = { ...defaultFilters(NOW), from: "2026-01-05", service: "6f1c6a3e-8d1e-4a55-9a53-0f6c3c1e2b11", priority: "2" };
    const search = filtersToSearch(chosen, NOW);
    expect(search).toBe("from=2026-01-05&service=6f1c6a3e-8d1e-4a55-9a53-0f6c3c1e2b11&priority=2");
    const params = new URLSearchParams(search);
    expect(parseFilters((n) => params.get(n), NOW)).toEqual(chosen);
    const junk = new URLSearchParams("from=yesterday&to=2026-13-99&priority=9");
    expect(parseFilters((n) => junk.get(n), NOW)).toEqual(defaultFilters(NOW));
  });

  it("turns the filters into a metrics input", () => {
    const f = { ...defaultFilters(NOW), team: "t-1", priority: "1" };
    expect(metricsInput(f, { measures: ["mttrMean"], bucket: "week" })).toEqual({
      measures: ["mttrMean"],
      bucket: "week",
      from: "2026-06-01T00:00:00.000Z",
      to: "2026-11-30T00:00:00.000Z",
      filter: { teams: ["t-1"], priorities: [1] },
    });
  });
});

describe("chart exports", () => {
  it("quotes CSV cells that need it and leaves missing values empty", () => {
    expect(toCsv(["service", "incidents"], [["Payments, EU", 3], ['The "core"', null]])).toBe('service,incidents\n"Payments, EU",3\n"The ""core""",\n');
  });

  it("links the GraphQL IDE with the query and its input written in", () => {
    const input = { measures: ["mttaMean" as const, "mttrMean" as const], bucket: "week" as const, from: "2026-06-01T00:00:00.000Z", to: "2026-11-30T00:00:00.000Z", filter: { priorities: [1] } };
    const href = new URL(graphiqlHref("http://api:4000", "Q", "{ records }", input));
    expect(href.pathname).toBe("/graphiql");
    expect(href.searchParams.get("query")).toBe(
      'query Q {\n  metrics(input: { measures: [mttaMean, mttrMean], bucket: week, from: "2026-06-01T00:00:00.000Z", to: "2026-11-30T00:00:00.000Z", filter: { priorities: [1] } }) { records }\n}\n',
    );
  });
});
