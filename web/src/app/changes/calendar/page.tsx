"use client";

import { DateTime } from "luxon";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useMemo, useRef, useState } from "react";
import { Calendar, luxonLocalizer, Views, type View } from "react-big-calendar";
import { ErrorText } from "@/components/Notices";
import { ChangeCalendarDocument } from "@/graphql/generated";
import { CHANGE_STAGE_LABEL } from "@/lib/changes";
import { describeError } from "@/lib/errors";
import { useQuery } from "@/lib/hooks";

const localizer = luxonLocalizer(DateTime, { firstDayOfWeek: 1 });

interface CalendarEvent {
  id: string;
  title: string;
  start: Date;
  end: Date;
  key?: string;
  conflict?: string;
  freeze?: boolean;
}

/**
 * react-big-calendar's week view carries half a table's roles (column headers outside any row,
 * a row without cells), which screen readers announce as a broken table and axe flags as
 * serious. Its month view is a proper table. In the week view we drop those roles, so it reads
 * as day headings and event buttons; the list of conflicts below repeats what matters.
 */
function useWeekViewRoleRepair(container: React.RefObject<HTMLDivElement | null>): void {
  useEffect(() => {
    const root = container.current;
    if (!root) return;
    const repair = () => {
      for (const el of root.querySelectorAll(".rbc-time-view [role=columnheader], .rbc-time-view [role=row], .rbc-time-view [role=rowgroup]")) {
        el.removeAttribute("role");
        el.removeAttribute("aria-sort");
      }
    };
    repair();
    const observer = new MutationObserver(repair);
    observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["role"] });
    return () => observer.disconnect();
  }, [container]);
}

/** The visible range of a view around a date, padded to whole weeks (a month view shows its edge weeks). */
function rangeOf(date: Date, view: View): { from: Date; to: Date } {
  const d = DateTime.fromJSDate(date);
  if (view === Views.MONTH) return { from: d.startOf("month").startOf("week").toJSDate(), to: d.endOf("month").endOf("week").plus({ milliseconds: 1 }).toJSDate() };
  return { from: d.startOf("week").toJSDate(), to: d.endOf("week").plus({ milliseconds: 1 }).toJSDate() };
}

export default function ChangeCalendarPage() {
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <ChangeCalendarView />
    </Suspense>
  );
}

function ChangeCalendarView() {
  const router = useRouter();
  // ?date=2026-06-08 opens the calendar on that day's week (links from a change's page, tests).
  const initial = useSearchParams().get("date");
  const [date, setDate] = useState(() => (initial && !Number.isNaN(Date.parse(initial)) ? new Date(initial) : new Date()));
  const [view, setView] = useState<View>(Views.WEEK);
  const range = rangeOf(date, view);
  const cal = useQuery(ChangeCalendarDocument, { from: range.from.toISOString(), to: range.to.toISOString() });

  const { events, freezes } = useMemo(() => {
    const data = cal.data?.changeCalendar;
    if (!data) return { events: [] as CalendarEvent[], freezes: [] as CalendarEvent[] };
    const conflictOf = new Map<string, string>();
    for (const c of data.conflicts) if (!conflictOf.has(c.changeId)) conflictOf.set(c.changeId, c.message);
    const events: CalendarEvent[] = data.changes
      .filter((c) => c.plannedStart && c.plannedEnd)
      .map((c) => ({
        id: c.id,
        key: c.key,
        start: new Date(c.plannedStart!),
        end: new Date(c.plannedEnd!),
        conflict: conflictOf.get(c.id),
        title: `${conflictOf.has(c.id) ? "⚠ Conflict: " : ""}${c.key} ${c.title} (${CHANGE_STAGE_LABEL[c.stage]})`,
      }));
    const freezes: CalendarEvent[] = data.freezes.map((f, i) => ({ id: `freeze-${f.freezeWindow.id}-${i}`, title: `Freeze: ${f.freezeWindow.name}`, start: new Date(f.start), end: new Date(f.end), freeze: true }));
    return { events, freezes };
  }, [cal.data]);

  const calendarRef = useRef<HTMLDivElement>(null);
  useWeekViewRoleRepair(calendarRef);
  const conflicted = events.filter((e) => e.conflict);
  return (
    <section aria-labelledby="calendar-title">
      <div className="page-head">
        <h1 id="calendar-title">Change calendar</h1>
        <Link href="/changes">List of changes</Link>
      </div>
      <div className="calendar-legend" aria-label="Legend">
        <span>
          <span className="swatch freeze" aria-hidden="true" /> Freeze window (shaded)
        </span>
        <span>
          <span className="swatch conflict" aria-hidden="true" /> Conflict (red border, “⚠ Conflict” in its title)
        </span>
      </div>
      <ErrorText message={cal.error ? describeError(cal.error) : null} />
      <div className="calendar-wrap" ref={calendarRef}>
        <Calendar<CalendarEvent>
          localizer={localizer}
          date={date}
          view={view}
          views={[Views.WEEK, Views.MONTH]}
          onNavigate={setDate}
          onView={setView}
          // Month view has no background lane, so freezes show there as shaded events.
          events={view === Views.MONTH ? [...freezes, ...events] : events}
          backgroundEvents={view === Views.MONTH ? [] : freezes}
          startAccessor="start"
          endAccessor="end"
          tooltipAccessor={(e) => (e.conflict ? `${e.title}. ${e.conflict}` : e.title)}
          eventPropGetter={(e) => ({ className: e.freeze ? "freeze-bg" : e.conflict ? "change-conflict" : "" })}
          onSelectEvent={(e) => e.key && router.push(`/changes/${e.key}`)}
          scrollToTime={new Date(1970, 0, 1, 7)}
        />
      </div>
      <h2 className="spaced">Conflicts in this range</h2>
      {conflicted.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="conflicts-list">
          {conflicted.map((e) => (
            <li key={e.id}>
              <Link href={`/changes/${e.key}`}>{e.key}</Link>: {e.conflict}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
