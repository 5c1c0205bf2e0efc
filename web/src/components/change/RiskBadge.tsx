"use client";

import { useId } from "react";
import type { RiskLevel } from "@/graphql/generated";
import { RISK_LABEL } from "@/lib/changes";

export interface RiskReasonView {
  ruleKey: string;
  message: string;
  weight: number;
}

/** The risk level in words; its reasons appear on hover and on keyboard focus (and are read as its description). */
export function RiskBadge({ level, score, reasons }: { level: RiskLevel | null; score: number | null; reasons: RiskReasonView[] }) {
  const id = useId();
  if (!level) return <span className="badge risk none">Risk not assessed</span>;
  return (
    <span className="risk-wrap">
      <button type="button" className={`badge risk risk-${level}`} aria-describedby={id}>
        {RISK_LABEL[level]} ({score})
      </button>
      <span role="tooltip" id={id} className="risk-tip">
        {reasons.length === 0 ? "No rule added risk." : reasons.map((r) => `+${r.weight} ${r.message}`).join("; ")}
      </span>
    </span>
  );
}
