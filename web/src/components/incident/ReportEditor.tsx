"use client";

import { useState, type FormEvent } from "react";
import { ErrorText } from "@/components/Notices";
import { ReportMarkdownDocument, WriteReportDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { exactTime, reportFilename } from "@/lib/format";
import { useAction, useIncident } from "./context";
import { useDraft } from "./useDraft";

const SECTIONS = [
  { key: "whatHappened", label: "What happened" },
  { key: "impact", label: "Business impact" },
  { key: "rootCause", label: "Root cause" },
  { key: "wentWell", label: "What went well" },
  { key: "toImprove", label: "What to improve" },
] as const;

// Written from recovery until closing; a closed incident's report is read-only (reopen to revise it).
const REVIEW_STAGES = ["recovered", "reviewed"];

/** The lessons-learned report: written at review, published before closing, exported as Markdown. */
export function ReportEditor() {
  const { incident, refresh, canEdit } = useIncident();
  const report = incident.report;
  const source = {
    whatHappened: report?.whatHappened ?? "",
    impact: report?.impact ?? "",
    rootCause: report?.rootCause ?? "",
    wentWell: report?.wentWell ?? "",
    toImprove: report?.toImprove ?? "",
    actionItems: (report?.actionItems ?? []).join("\n"),
  };
  const form = useDraft(source, report?.version ?? 0);
  const action = useAction();
  const [status, setStatus] = useState<string | null>(null);

  if (!report && (!canEdit || !REVIEW_STAGES.includes(incident.stage))) {
    return (
      <section className="card" aria-labelledby="report-title">
        <h2 id="report-title">Lessons-learned report</h2>
        <p className="muted">
          {canEdit ? "The report is written once the incident is recovered; moving it to Reviewed starts a draft." : "No report has been written yet."}
        </p>
      </section>
    );
  }

  const save = (publish: boolean) =>
    action.run(async () => {
      const d = form.draft;
      const { writeReport } = await gql(WriteReportDocument, {
        input: {
          incidentId: incident.id,
          version: report ? form.baseVersion : 0,
          publish,
          whatHappened: d.whatHappened,
          impact: d.impact,
          rootCause: d.rootCause,
          wentWell: d.wentWell,
          toImprove: d.toImprove,
          actionItems: d.actionItems
            .split("\n")
            .map((s) => s.trim())
            .filter(Boolean),
        },
      });
      form.reset();
      await refresh();
      setStatus(writeReport.publishedAt ? `Published ${exactTime(writeReport.publishedAt)}.` : "Draft saved.");
    });

  const download = () =>
    action.run(async () => {
      const { incident: withMd } = await gql(ReportMarkdownDocument, { id: incident.id });
      if (!withMd.reportMarkdown) throw new Error("There is no report to download yet.");
      const url = URL.createObjectURL(new Blob([withMd.reportMarkdown], { type: "text/markdown;charset=utf-8" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = reportFilename(withMd.key);
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(false);
  };

  return (
    <section className="card" aria-labelledby="report-title">
      <h2 id="report-title">Lessons-learned report</h2>
      <p className="muted">
        {report?.publishedAt ? `Published ${exactTime(report.publishedAt)}.` : report ? "Draft, not yet shared. Closing needs a published report." : "Not started."}
      </p>
      {!canEdit ? (
        <>
          <dl className="report-read">
            {SECTIONS.map((s) => (
              <div key={s.key}>
                <dt>{s.label}</dt>
                <dd>{report?.[s.key] || <span className="muted">Not written yet.</span>}</dd>
              </div>
            ))}
            <div>
              <dt>Action items</dt>
              <dd>{report?.actionItems.length ? report.actionItems.join("; ") : <span className="muted">None.</span>}</dd>
            </div>
          </dl>
          <div className="actions">
            <button type="button" disabled={action.busy || !report} onClick={() => void download()}>
              Download Markdown
            </button>
          </div>
          <ErrorText message={action.error} />
        </>
      ) : (
        <form onSubmit={submit}>
          {SECTIONS.map((s) => (
            <div className="field" key={s.key}>
              <label htmlFor={`report-${s.key}`}>{s.label}</label>
              <textarea id={`report-${s.key}`} rows={3} value={form.draft[s.key]} onChange={(e) => form.set(s.key, e.target.value)} />
            </div>
          ))}
          <div className="field">
            <label htmlFor="report-actions">Action items</label>
            <textarea
              id="report-actions"
              rows={3}
              value={form.draft.actionItems}
              onChange={(e) => form.set("actionItems", e.target.value)}
              aria-describedby="report-actions-help"
            />
            <p id="report-actions-help" className="help">
              One per line. Each becomes a follow-up task; open ones block closing.
            </p>
          </div>
          <div className="actions">
            <button type="submit" disabled={action.busy}>
              Save draft
            </button>
            <button type="button" className="primary" disabled={action.busy} onClick={() => void save(true)}>
              {report?.publishedAt ? "Save and republish" : "Publish"}
            </button>
            <button type="button" disabled={action.busy || !report} onClick={() => void download()}>
              Download Markdown
            </button>
            <span role="status" className="muted">
              {status}
            </span>
          </div>
          <ErrorText message={action.error} />
        </form>
      )}
    </section>
  );
}
