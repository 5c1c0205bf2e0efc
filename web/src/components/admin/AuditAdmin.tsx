"use client";

import { useState } from "react";
import { ErrorText } from "@/components/Notices";
import { AdminAuditDocument } from "@/graphql/generated";
import { exactTime } from "@/lib/format";
import { useQuery } from "@/lib/hooks";
import { adminError } from "./adminErrors";

/** The audit trail, newest first, with the hash chain's verification status. */
export function AuditAdmin() {
  const [beforeSeq, setBeforeSeq] = useState<string | null>(null);
  const audit = useQuery(AdminAuditDocument, { beforeSeq });
  const verdict = audit.data?.verifyAuditLog;
  const records = audit.data?.auditLog ?? [];
  return (
    <div>
      <ErrorText message={audit.error ? adminError(audit.error) : null} />
      {verdict && (
        <p role="status" className={verdict.ok ? "card verified" : "error"}>
          {verdict.ok
            ? `Hash chain verified: all ${verdict.checked} records are intact.`
            : `Hash chain BROKEN at record ${verdict.brokenAtSeq}: ${verdict.reason} (${verdict.checked} records verified before it).`}
        </p>
      )}
      <div className="table-wrap">
        <table className="queue">
          <caption className="sr-only">Audit records</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Record</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.seq}>
                <td>{r.seq}</td>
                <td>{exactTime(r.at)}</td>
                <td>{r.actorLabel}</td>
                <td>
                  <code>{r.action}</code>
                </td>
                <td>
                  {r.entityType} <span className="muted">{r.entityId.slice(0, 8)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="actions">
        {beforeSeq && (
          <button type="button" onClick={() => setBeforeSeq(null)}>
            Newest
          </button>
        )}
        {records.length === 50 && (
          <button type="button" onClick={() => setBeforeSeq(records[records.length - 1]!.seq)}>
            Older records
          </button>
        )}
      </div>
    </div>
  );
}
