"use client";

import { exactTime, duration } from "@/lib/format";
import { useIncident } from "./context";

/** When each stage was reached, and the measures the review cares about. */
export function StageTimes() {
  const { incident: i } = useIncident();
  const stamps: Array<[string, string | null]> = [
    ["Identified", i.identifiedAt],
    ["Classified", i.classifiedAt],
    ["Assessed", i.assessedAt],
    ["Contained", i.containedAt],
    ["Eradicated", i.eradicatedAt],
    ["Recovered", i.recoveredAt],
    ["Reviewed", i.reviewedAt],
    ["Closed", i.closedAt],
  ];
  const measures: Array<[string, string | null]> = [
    ["Time to assess", duration(i.identifiedAt, i.assessedAt)],
    ["Time to contain", duration(i.identifiedAt, i.containedAt)],
    ["Time to recover", duration(i.identifiedAt, i.recoveredAt)],
  ];
  return (
    <section className="card" aria-labelledby="times-title">
      <h2 id="times-title">Times</h2>
      <dl className="times">
        {measures
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        {stamps
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>
                <time dateTime={v as string}>{exactTime(v as string)}</time>
              </dd>
            </div>
          ))}
      </dl>
    </section>
  );
}
