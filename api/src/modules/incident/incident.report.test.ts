import { describe, expect, it } from "vitest";
import type { Incident, IncidentTransition } from "./incident.entity";
import { Stage } from "./incident.lifecycle";
import { renderReportMarkdown } from "./incident.report";
import { markdownBlock, markdownInline } from "./markdown.escape";
import type { IncidentReport } from "./report.entity";
import type { FollowUpTask } from "./task.entity";

const IMG = `<img src=x onerror="alert(document.cookie)">`;
const IFRAME = `<iframe src="https://evil.example/"></iframe>`;
const JS_LINK = `[click me](javascript:alert(1))`;
const AUTOLINK = `<javascript:alert(1)>`;
const FAKE_SECTION = "Disk full\n\n## Root cause\n\nIt was DNS\n# Owned";

function render(overrides: { title?: string; text?: string; reason?: string; task?: string; name?: string; service?: string }) {
  const text = overrides.text ?? "Nothing odd.";
  const at = new Date("2026-11-01T10:00:00Z");
  const incident = { number: 42, title: overrides.title ?? "Checkout down", priority: 1, severity: "SEV1", isMajor: true, identifiedAt: at, recoveredAt: new Date(at.getTime() + 3_600_000), resolution: text, closureCode: null } as unknown as Incident;
  const report = { whatHappened: text, impact: text, rootCause: text, wentWell: text, toImprove: text, actionItems: [overrides.task ?? "Add an alert"], publishedAt: null } as unknown as IncidentReport;
  const transitions = [{ fromStage: Stage.identified, toStage: Stage.classified, at, actorId: "u1", reason: overrides.reason ?? null }] as unknown as IncidentTransition[];
  const tasks = [{ title: overrides.task ?? "Add an alert", ownerId: "u1", dueAt: at, completedAt: null }] as unknown as FollowUpTask[];
  return renderReportMarkdown({ incident, report, transitions, tasks, serviceName: overrides.service ?? "Payments", names: new Map([["u1", overrides.name ?? "Dana"]]) });
}

/** The report's own section headings, in order: nothing people wrote may add one. */
const headings = (md: string) => md.split("\n").filter((l) => /^\s{0,3}#{1,6}\s/.test(l) || /^\s{0,3}(=+|-+)\s*$/.test(l));
const OWN_HEADINGS = ["# INC-000042: Checkout down", "## What happened", "## Impact", "## Timeline", "## Root cause", "## Resolution", "## What went well", "## What to improve", "## Action items"];

describe("lessons-learned report as Markdown", () => {
  it("keeps no HTML tag from any field people wrote", () => {
    for (const payload of [IMG, IFRAME, `${IMG}\n${IFRAME}`, "<script>alert(1)</script>", "<!-- hidden -->"]) {
      const md = render({ title: payload, text: payload, reason: payload, task: payload, name: payload, service: payload });
      expect(md).not.toMatch(/<\s*(img|iframe|script|!--)/i);
      expect(md).toContain("&lt;");
    }
  });

  it("lets no javascript: link through, as Markdown link, autolink or bare text", () => {
    for (const payload of [JS_LINK, AUTOLINK, "javascript:alert(1)", "JaVaScRiPt :alert(1)", `[x](data:text/html;base64,PHNjcmlwdD4=)`]) {
      const md = render({ title: payload, text: payload, reason: payload, task: payload });
      expect(md).not.toMatch(/(?<!\\)\]\(\s*(javascript|data)/i);
      expect(md).not.toMatch(/<\s*javascript/i);
      expect(md).not.toMatch(/(javascript|data)\s*:/i);
    }
  });

  it("does not let a title, note or field with line breaks plant sections", () => {
    const md = render({ title: FAKE_SECTION, text: FAKE_SECTION, reason: FAKE_SECTION, task: FAKE_SECTION, name: FAKE_SECTION });
    expect(headings(md).map((h) => h.replace(/:.*/, ""))).toEqual(["# INC-000042", ...OWN_HEADINGS.slice(1)]);
    expect(md.split("\n")[0]).toBe("# INC-000042: Disk full \\#\\# Root cause It was DNS \\# Owned");
  });

  it("keeps a field's own line breaks but none of its Markdown", () => {
    expect(markdownBlock("first line\n  # not a heading\n> not a quote\n- not a list\n1. not a list\n***\nsetext\n===\n**bold** _em_ `code` | pipe")).toBe(
      "first line\n  \\# not a heading\n&gt; not a quote\n\\- not a list\n1\\. not a list\n\\*\\*\\*\nsetext\n\\===\n\\*\\*bold\\*\\* \\_em\\_ \\`code\\` \\| pipe",
    );
  });

  it("writes times as people read them: minutes in UTC, not ISO stamps with milliseconds", () => {
    const md = render({});
    expect(md).toContain("- 2026-11-01 10:00 UTC: identified → **classified** (Dana)");
    expect(md).not.toMatch(/\d{2}:\d{2}:\d{2}\.\d{3}Z/);
  });

  it("leaves plain text as it was", () => {
    expect(markdownInline("Certificate renewal job was disabled during a migration.")).toBe("Certificate renewal job was disabled during a migration.");
    const md = render({ text: "The payment gateway's TLS certificate expired." });
    expect(md).toContain("## Root cause\n\nThe payment gateway's TLS certificate expired.\n");
  });

  it("shows an action item once, with its task's state", () => {
    const md = render({ task: "Add expiry alert" });
    expect(md.match(/Add expiry alert/g)).toHaveLength(1);
    expect(md).toContain("- [ ] Add expiry alert (owner: Dana, due 2026-11-01)");
  });
});
