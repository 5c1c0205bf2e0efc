import { Arg, Ctx, Query, Resolver } from "type-graphql";
import { Allow, ANY_ROLE } from "../../platform/auth/policy";
import type { QuellContext } from "../../platform/graphql/context";
import { incidentMetrics } from "./metrics.service";
import { IncidentMetrics, MetricsGroupBy, MetricsWindow } from "./metrics.types";

@Resolver()
export class MetricsResolver {
  @Allow(...ANY_ROLE)
  // Aggregates over every incident in the window.
  @Query(() => IncidentMetrics, { complexity: 300, description: "MTTA, MTTR and stage durations (minutes), reopen rate and counts for incidents identified in the window." })
  incidentMetrics(
    @Arg("window", () => MetricsWindow) window: MetricsWindow,
    @Arg("groupBy", () => MetricsGroupBy, { defaultValue: MetricsGroupBy.none }) groupBy: MetricsGroupBy,
    @Ctx() ctx: QuellContext,
  ): Promise<IncidentMetrics> {
    return incidentMetrics(ctx.dataSource, window, groupBy);
  }
}
