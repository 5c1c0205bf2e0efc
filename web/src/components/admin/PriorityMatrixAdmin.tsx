"use client";

import { useEffect, useState } from "react";
import { ErrorText } from "@/components/Notices";
import { AdminPriorityMatrixDocument, AdminSetPriorityMatrixDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { useQuery } from "@/lib/hooks";
import { adminError } from "./adminErrors";

const LEVELS = [1, 2, 3] as const;
const key = (impact: number, urgency: number) => `${impact}x${urgency}`;

/** The impact × urgency → priority matrix; saved whole (new incidents take their priority from it). */
export function PriorityMatrixAdmin() {
  const matrix = useQuery(AdminPriorityMatrixDocument, {});
  const [cells, setCells] = useState<Record<string, number>>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (matrix.data) setCells(Object.fromEntries(matrix.data.priorityMatrix.map((c) => [key(c.impact, c.urgency), c.priority])));
  }, [matrix.data]);

  const save = async () => {
    setError(null);
    setSaved(false);
    try {
      await gql(AdminSetPriorityMatrixDocument, { cells: LEVELS.flatMap((impact) => LEVELS.map((urgency) => ({ impact, urgency, priority: cells[key(impact, urgency)] ?? 3 }))) });
      setSaved(true);
    } catch (err) {
      setError(adminError(err));
    }
    await matrix.reload();
  };

  return (
    <div className="card">
      <ErrorText message={error ?? (matrix.error ? adminError(matrix.error) : null)} />
      {/* Editable only once loaded: a choice made earlier would be overwritten by the loaded matrix. */}
      {Object.keys(cells).length === 0 ? (
        <p className="muted">Loading…</p>
      ) : (
        <table className="queue matrix">
          <caption>Priority (1 = highest) by impact and urgency</caption>
          <thead>
            <tr>
              <td />
              {LEVELS.map((u) => (
                <th scope="col" key={u}>
                  Urgency {u}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {LEVELS.map((impact) => (
              <tr key={impact}>
                <th scope="row">Impact {impact}</th>
                {LEVELS.map((urgency) => (
                  <td key={urgency}>
                    <label className="sr-only" htmlFor={`cell-${impact}-${urgency}`}>
                      Priority for impact {impact} and urgency {urgency}
                    </label>
                    <select
                      id={`cell-${impact}-${urgency}`}
                      value={cells[key(impact, urgency)] ?? ""}
                      onChange={(e) => setCells({ ...cells, [key(impact, urgency)]: Number(e.target.value) })}
                    >
                      {[1, 2, 3, 4, 5].map((p) => (
                        <option key={p} value={p}>
                          P{p}
                        </option>
                      ))}
                    </select>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={() => void save()}>
          Save matrix
        </button>
        {saved && <span role="status">Saved: new incidents use this matrix.</span>}
      </div>
    </div>
  );
}
