import type { ProblemStage } from "@/graphql/generated";
import { PROBLEM_STAGE_LABEL } from "@/lib/problems";

// The meaning is in the text; the colour only repeats it.
export function ProblemStageBadge({ stage }: { stage: ProblemStage }) {
  return <span className={`badge pstage pstage-${stage}`}>{PROBLEM_STAGE_LABEL[stage]}</span>;
}

export function KnownErrorBadge() {
  return <span className="badge known-error">Known error</span>;
}

/** The stage, and the known-error badge when the stage does not already say so (resolved and closed known errors). */
export function ProblemStateBadges({ stage, isKnownError }: { stage: ProblemStage; isKnownError: boolean }) {
  return (
    <>
      <ProblemStageBadge stage={stage} />
      {isKnownError && stage !== "known_error" && (
        <>
          {" "}
          <KnownErrorBadge />
        </>
      )}
    </>
  );
}
