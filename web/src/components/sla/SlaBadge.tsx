import type { SlaSummaryFragment } from "@/graphql/generated";
import { minutes } from "@/lib/format";

/** "2 h 10 min left", "paused", "breached 20 min ago": the state in words, colour only repeats it. */
export function slaText(sla: SlaSummaryFragment): string {
  if (sla.breached) return sla.timeLeftMs !== null && sla.timeLeftMs < 0 ? `Breached ${minutes(-sla.timeLeftMs / 60_000)} ago` : "Breached";
  if (sla.paused) return "SLA paused";
  if (sla.timeLeftMs === null) return "SLA met";
  return `${minutes(sla.timeLeftMs / 60_000)} left`;
}

export function SlaBadge({ sla }: { sla: SlaSummaryFragment | null | undefined }) {
  if (!sla) return <span className="muted">No SLA</span>;
  const state = sla.breached ? "breached" : sla.paused ? "paused" : sla.warning ? "warning" : "ok";
  return (
    <span className={`badge sla sla-${state}`} title={sla.warning && !sla.breached ? "Past the warning share of its target" : undefined}>
      {slaText(sla)}
    </span>
  );
}
