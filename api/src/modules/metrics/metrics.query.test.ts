import { describe, expect, it } from "vitest";
import { MEASURES } from "../../measures";
import { bucketStarts, plannedSource, type MetricsRequest } from "./metrics.query";
import { MetricsBucket, MetricsGrouping } from "./metrics.registry";

const iso = (ds: Date[]) => ds.map((d) => d.toISOString().slice(0, 10));
const measure = (id: string) => MEASURES.find((m) => m.id === id)!;
const request = (over: Partial<MetricsRequest>): MetricsRequest => ({
  measures: [],
  groupBy: MetricsGrouping.none,
  thenBy: MetricsGrouping.none,
  bucket: MetricsBucket.week,
  from: new Date("2026-01-05T00:00:00Z"),
  to: new Date("2026-02-02T00:00:00Z"),
  filter: {},
  ...over,
});

describe("metrics buckets", () => {
  it("starts weeks on the Monday on or before the range, in UTC", () => {
    expect(iso(bucketStarts(MetricsBucket.week, new Date("2026-01-07T13:00:00Z"), new Date("2026-01-20T00:00:00Z")))).toEqual(["2026-01-05", "2026-01-12", "2026-01-19"]);
  });
  it("starts months on the first, across a year end", () => {
    expect(iso(bucketStarts(MetricsBucket.month, new Date("2025-11-15T00:00:00Z"), new Date("2026-02-01T00:00:00Z")))).toEqual(["2025-11-01", "2025-12-01", "2026-01-01"]);
  });
});

describe("where a measure is read from", () => {
  it("uses the daily rollup for a mean over whole UTC days", () => {
    expect(plannedSource(request({ groupBy: MetricsGrouping.service }), measure("mttrMean")).source.id).toBe("incident.daily");
  });
  it("reads the incidents for a median, a range off midnight, no bucket, or a grouping the rollup lacks", () => {
    expect(plannedSource(request({}), measure("mttrMedian")).source.id).toBe("incident.identified");
    expect(plannedSource(request({ from: new Date("2026-01-05T00:00:01Z") }), measure("mttrMean")).source.id).toBe("incident.identified");
    expect(plannedSource(request({ bucket: null }), measure("mttrMean")).source.id).toBe("incident.identified");
    expect(plannedSource(request({ groupBy: MetricsGrouping.assignee }), measure("mttrMean")).source.id).toBe("incident.identified");
    expect(plannedSource(request({ filter: { categories: ["db"] } }), measure("incidentsCreated")).source.id).toBe("incident.identified");
  });
});
