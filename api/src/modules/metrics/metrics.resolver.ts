import { Arg, Ctx, Query, Resolver } from "type-graphql";
import { Allow, ANY_ROLE } from "../../platform/auth/policy";
import type { QuellContext } from "../../platform/graphql/context";
import { incidentMetrics, runMetrics } from "./metrics.service";
import { MetricsInput, MetricsResult } from "./metrics.query.types";
import { IncidentMetrics, MetricsGroupBy, MetricsWindow } from "./metrics.types";

/** Who reads metrics: everyone signed in (as incidentMetrics always allowed); the CSV endpoint applies the same rule. */
export const METRICS_READERS = ANY_ROLE;

@Resolver()
export class MetricsResolver {
  @Allow(...METRICS_READERS)
  @Query(() => MetricsResult, {
    complexity: 300,
    description:
      "Measures over a range, split by up to two groupings and a calendar bucket, as rows a chart or spreadsheet uses as they are. " +
      "Each measure's definition is in the MetricsMeasure enum. The same arguments give CSV at GET /api/metrics.csv.",
  })
  metrics(@Arg("input", () => MetricsInput) input: MetricsInput, @Ctx() ctx: QuellContext): Promise<MetricsResult> {
    return runMetrics(ctx.dataSource, input);
  }

  @Allow(...METRICS_READERS)
  // Aggregates over every incident in the window.
  @Query(() => IncidentMetrics, {
    complexity: 300,
    description: "MTTA, MTTR and stage durations (minutes), reopen rate and counts for incidents identified in the window.",
    deprecationReason: "Use `metrics` (measures mttaMean, timeToRecoverMedian, reopenRate, incidentsCreated …), which also buckets by day/week/month and exports CSV.",
  })
  incidentMetrics(
    @Arg("window", () => MetricsWindow) window: MetricsWindow,
    @Arg("groupBy", () => MetricsGroupBy, { defaultValue: MetricsGroupBy.none }) groupBy: MetricsGroupBy,
    @Ctx() ctx: QuellContext,
  ): Promise<IncidentMetrics> {
    return incidentMetrics(ctx.dataSource, window, groupBy);
  }
}
