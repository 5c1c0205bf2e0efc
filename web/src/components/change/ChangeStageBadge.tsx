import type { ChangeStage, ChangeType } from "@/graphql/generated";
import { CHANGE_STAGE_LABEL, CHANGE_TYPE_LABEL } from "@/lib/changes";

export function ChangeStageBadge({ stage }: { stage: ChangeStage }) {
  return <span className={`badge change-stage cs-${stage}`}>{CHANGE_STAGE_LABEL[stage]}</span>;
}

export function ChangeTypeBadge({ type }: { type: ChangeType }) {
  return <span className={`badge change-type ct-${type}`}>{CHANGE_TYPE_LABEL[type]}</span>;
}
