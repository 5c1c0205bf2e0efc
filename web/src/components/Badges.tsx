import type { Severity, Stage } from "@/graphql/generated";
import { SEVERITY_LABEL, STAGE_LABEL, priorityLabel } from "@/lib/format";

// Every badge carries its meaning in text; colour only repeats it.

export function StageBadge({ stage }: { stage: Stage }) {
  return <span className={`badge stage stage-${stage}`}>{STAGE_LABEL[stage]}</span>;
}

export function PriorityBadge({ priority }: { priority: number }) {
  return (
    <span className={`badge priority p${priority}`} title={`Priority ${priority} of 5 (1 is highest)`}>
      {priorityLabel(priority)}
    </span>
  );
}

export function SeverityBadge({ severity }: { severity: Severity | null }) {
  if (!severity) return <span className="badge severity none">No severity</span>;
  return <span className={`badge severity ${severity.toLowerCase()}`}>{SEVERITY_LABEL[severity]}</span>;
}

export function MajorBadge() {
  return <span className="badge major">Major incident</span>;
}
