"use client";

import { useState, type FormEvent } from "react";
import { ErrorText } from "@/components/Notices";
import { DeleteSlaPolicyDocument, SaveSlaCalendarDocument, SaveSlaPolicyDocument, SlaAdminDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { minutes } from "@/lib/format";
import { useQuery } from "@/lib/hooks";
import { useAdminAction } from "./useAdminAction";
import { AdminTable } from "./AdminTable";

const WEEKDAY = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** SLA policies per priority, and the business-hours calendars (with holidays) they count time on. */
export function SlaAdmin() {
  const admin = useQuery(SlaAdminDocument, {});
  const { error, act } = useAdminAction(admin.reload);
  const calendars = admin.data?.slaCalendars ?? [];
  const [policy, setPolicy] = useState({ name: "", priority: 1, response: 15, resolution: 240, warn: 75, calendarId: "" });
  const [calendar, setCalendar] = useState({ name: "", timeZone: "Europe/Berlin", start: "09:00", end: "17:00", country: "", holidays: "" });

  const savePolicy = (e: FormEvent) => {
    e.preventDefault();
    const existing = admin.data?.slaPolicies.find((p) => p.priority === policy.priority);
    return act(() =>
      gql(SaveSlaPolicyDocument, {
        input: {
          ...(existing ? { id: existing.id, version: existing.version } : {}),
          name: policy.name,
          priority: policy.priority,
          responseTargetMinutes: policy.response,
          resolutionTargetMinutes: policy.resolution,
          warnAtShare: policy.warn / 100,
          calendarId: policy.calendarId || null,
        },
      }),
    );
  };

  const saveCalendar = (e: FormEvent) => {
    e.preventDefault();
    const existing = calendars.find((c) => c.name === calendar.name);
    const holidays = calendar.holidays
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => ({ date: line.slice(0, 10), name: line.slice(10).trim() || "Holiday" }));
    return act(() =>
      gql(SaveSlaCalendarDocument, {
        input: {
          ...(existing ? { id: existing.id, version: existing.version } : {}),
          name: calendar.name,
          timeZone: calendar.timeZone,
          weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: calendar.start, end: calendar.end })),
          holidays,
          holidayCountry: calendar.country || null,
        },
      }),
    );
  };

  return (
    <div>
      <ErrorText message={error ?? null} />
      <AdminTable caption="SLA policies (targets in business time of their calendar)" columns={["Priority", "Name", "Response", "Resolution", "Warn at", "Calendar", "Actions"]} empty="No policies yet: incidents have no SLA clocks." isEmpty={admin.data?.slaPolicies.length === 0}>
        {admin.data?.slaPolicies.map((p) => (
          <tr key={p.id}>
            <th scope="row">P{p.priority}</th>
            <td>{p.name}</td>
            <td>{minutes(p.responseTargetMinutes)}</td>
            <td>{minutes(p.resolutionTargetMinutes)}</td>
            <td>{Math.round(p.warnAtShare * 100)}%</td>
            <td>{calendars.find((c) => c.id === p.calendarId)?.name ?? "24×7"}</td>
            <td>
              <button type="button" onClick={() => void act(() => gql(DeleteSlaPolicyDocument, { id: p.id, version: p.version }))}>
                Delete P{p.priority} policy
              </button>
            </td>
          </tr>
        ))}
      </AdminTable>
      <form className="card" onSubmit={(e) => void savePolicy(e)} aria-labelledby="sla-policy-form">
        <h3 id="sla-policy-form">Set the policy of a priority</h3>
        <label htmlFor="sla-p-priority">Priority</label>
        <select id="sla-p-priority" value={policy.priority} onChange={(e) => setPolicy({ ...policy, priority: Number(e.target.value) })}>
          {[1, 2, 3, 4, 5].map((p) => (
            <option key={p} value={p}>
              P{p}
            </option>
          ))}
        </select>
        <label htmlFor="sla-p-name">Name</label>
        <input id="sla-p-name" required value={policy.name} onChange={(e) => setPolicy({ ...policy, name: e.target.value })} />
        <label htmlFor="sla-p-response">Response target (minutes)</label>
        <input id="sla-p-response" type="number" min={1} required value={policy.response} onChange={(e) => setPolicy({ ...policy, response: Number(e.target.value) })} />
        <label htmlFor="sla-p-resolution">Resolution target (minutes)</label>
        <input id="sla-p-resolution" type="number" min={1} required value={policy.resolution} onChange={(e) => setPolicy({ ...policy, resolution: Number(e.target.value) })} />
        <label htmlFor="sla-p-warn">Warn at (% of target)</label>
        <input id="sla-p-warn" type="number" min={5} max={99} required value={policy.warn} onChange={(e) => setPolicy({ ...policy, warn: Number(e.target.value) })} />
        <label htmlFor="sla-p-calendar">Calendar</label>
        <select id="sla-p-calendar" value={policy.calendarId} onChange={(e) => setPolicy({ ...policy, calendarId: e.target.value })}>
          <option value="">Around the clock (24×7)</option>
          {calendars.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <div className="actions">
          <button type="submit" className="primary">
            Save policy
          </button>
        </div>
      </form>

      <h3>Business-hours calendars</h3>
      <ul className="plain">
        {calendars.map((c) => (
          <li key={c.id} className="card">
            <strong>{c.name}</strong> · {c.timeZone} ·{" "}
            {c.weeklyHours.map((w) => `${WEEKDAY[w.weekday]} ${w.start}–${w.end}`).join(", ")}
            {c.holidayCountry && <> · public holidays of {c.holidayCountry}</>}
            {c.holidays.length > 0 && <> · closed on {c.holidays.map((h) => `${h.date} (${h.name})`).join(", ")}</>}
          </li>
        ))}
      </ul>
      <form className="card" onSubmit={(e) => void saveCalendar(e)} aria-labelledby="sla-cal-form">
        <h3 id="sla-cal-form">Add or replace a calendar (Monday to Friday)</h3>
        <label htmlFor="sla-c-name">Name (an existing name is replaced)</label>
        <input id="sla-c-name" required value={calendar.name} onChange={(e) => setCalendar({ ...calendar, name: e.target.value })} />
        <label htmlFor="sla-c-zone">Time zone (IANA)</label>
        <input id="sla-c-zone" required value={calendar.timeZone} onChange={(e) => setCalendar({ ...calendar, timeZone: e.target.value })} />
        <label htmlFor="sla-c-start">Opens</label>
        <input id="sla-c-start" type="time" required value={calendar.start} onChange={(e) => setCalendar({ ...calendar, start: e.target.value })} />
        <label htmlFor="sla-c-end">Closes</label>
        <input id="sla-c-end" type="time" required value={calendar.end} onChange={(e) => setCalendar({ ...calendar, end: e.target.value })} />
        <label htmlFor="sla-c-country">Public holidays of country (two letters, optional)</label>
        <input id="sla-c-country" maxLength={2} value={calendar.country} onChange={(e) => setCalendar({ ...calendar, country: e.target.value.toUpperCase() })} />
        <label htmlFor="sla-c-holidays">Other closed days, one per line (yyyy-mm-dd name)</label>
        <textarea id="sla-c-holidays" rows={3} value={calendar.holidays} onChange={(e) => setCalendar({ ...calendar, holidays: e.target.value })} />
        <div className="actions">
          <button type="submit" className="primary">
            Save calendar
          </button>
        </div>
      </form>
    </div>
  );
}
