import type { Incident, IncidentTransition } from "./incident.entity";
import { describeMinutes } from "../../platform/duration";
import type { IncidentReport } from "./report.entity";
import type { FollowUpTask } from "./task.entity";
import { CLOSURE_LABEL, actionItemTaskTitle, formatIncidentNumber } from "./incident.rules";
import { markdownBlock, markdownInline } from "./markdown.escape";

export interface ReportContext {
  incident: Incident;
  report: IncidentReport;
  transitions: IncidentTransition[];
  tasks: FollowUpTask[];
  serviceName: string | null;
  names: Map<string, string>;
}

/** `body` is Markdown this file built from escaped parts. */
const section = (title: string, body: string) => `## ${title}\n\n${body.trim() || "_Not written yet._"}\n`;

/** A report is read by people and pasted into wikis: minutes in UTC ("2026-11-30 09:57 UTC"), not an ISO stamp with milliseconds. */
const reportTime = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;

function duration(from: Date, to: Date): string {
  return describeMinutes(Math.round((to.getTime() - from.getTime()) / 60_000));
}

/**
 * The lessons-learned report as Markdown; the timeline comes from the recorded stage changes.
 * Every piece of text people wrote (titles, notes, names, report fields) is escaped, so the
 * export holds no HTML, no links and no sections but its own.
 */
export function renderReportMarkdown(ctx: ReportContext): string {
  const { incident, report, transitions, tasks } = ctx;
  const who = (id: string | null) => (id ? markdownInline(ctx.names.get(id) ?? "unknown") : "system");
  const lines: string[] = [];
  lines.push(`# ${formatIncidentNumber(incident.number)}: ${markdownInline(incident.title)}`, "");
  lines.push(`| | |`, `|---|---|`);
  lines.push(`| Priority | P${incident.priority} |`);
  lines.push(`| Severity | ${incident.severity ?? "not set"} |`);
  lines.push(`| Service | ${ctx.serviceName ? markdownInline(ctx.serviceName) : "not set"} |`);
  lines.push(`| Major incident | ${incident.isMajor ? "yes" : "no"} |`);
  if (incident.recoveredAt) lines.push(`| Time to recover | ${duration(incident.identifiedAt, incident.recoveredAt)} |`);
  if (incident.closureCode) lines.push(`| Closure | ${CLOSURE_LABEL[incident.closureCode]} |`);
  lines.push(`| Report status | ${report.publishedAt ? `shared ${reportTime(report.publishedAt)}` : "draft"} |`, "");
  lines.push(section("What happened", markdownBlock(report.whatHappened)));
  lines.push(section("Impact", markdownBlock(report.impact)));
  const timeline = transitions
    .slice()
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map((t) => `- ${reportTime(t.at)}: ${t.fromStage ? `${t.fromStage} → ` : ""}**${t.toStage}** (${who(t.actorId)})${t.reason ? `: ${markdownInline(t.reason)}` : ""}`)
    .join("\n");
  lines.push(section("Timeline", timeline));
  lines.push(section("Root cause", markdownBlock(report.rootCause)));
  if (incident.resolution) lines.push(section("Resolution", markdownBlock(incident.resolution)));
  lines.push(section("What went well", markdownBlock(report.wentWell)));
  lines.push(section("What to improve", markdownBlock(report.toImprove)));
  // Action items are followed up as tasks; an item shows once, with its task's state.
  const taskTitles = new Set(tasks.map((t) => t.title));
  const actions = [
    ...report.actionItems.filter((item) => !taskTitles.has(actionItemTaskTitle(item))).map((item) => `- [ ] ${markdownInline(item)}`),
    ...tasks.map((t) => `- [${t.completedAt ? "x" : " "}] ${markdownInline(t.title)} (owner: ${who(t.ownerId)}, due ${t.dueAt.toISOString().slice(0, 10)})`),
  ].join("\n");
  lines.push(section("Action items", actions));
  return lines.join("\n");
}
