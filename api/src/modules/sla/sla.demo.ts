import { In, type EntityManager } from "typeorm";
import { Incident } from "../incident/incident.entity";
import { Stage } from "../incident/incident.lifecycle";
import { SlaCalendar, SlaClockKind, SlaPolicy } from "./sla.entity";
import { nextCheckAt, recordDue, stopClock } from "./sla.rules";
import { CalendarCache, openClocks, slaSortKeys } from "./sla.service";

/** Stages whose clocks still run in the demo (resolved and closed incidents predate the policies). */
const RUNNING_STAGES = [Stage.identified, Stage.classified, Stage.assessed, Stage.contained, Stage.eradicated];

/**
 * The demo's service levels: an office-hours calendar with Germany's public holidays, a policy per
 * priority (P1 and P2 around the clock, P3 and P4 in office hours), and clocks on the open
 * incidents counted from when each was opened, so the queue's SLA badges and sort show real states.
 */
export async function seedDemoSla(manager: EntityManager, ctx: { now: Date }): Promise<number> {
  const calendar = await manager.save(
    manager.create(SlaCalendar, {
      name: "Berlin office hours",
      timeZone: "Europe/Berlin",
      weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "08:00", end: "18:00" })),
      holidays: [{ date: `${ctx.now.getUTCFullYear()}-12-24`, name: "Christmas Eve (office closed)" }],
      holidayCountry: "DE",
    }),
  );
  const policies: Array<[number, string, number, number, string | null]> = [
    [1, "Critical: around the clock", 15, 240, null],
    [2, "High: around the clock", 30, 480, null],
    [3, "Normal: office hours", 240, 1440, calendar.id],
    [4, "Low: office hours", 480, 4320, calendar.id],
  ];
  for (const [priority, name, response, resolution, calendarId] of policies) {
    await manager.save(manager.create(SlaPolicy, { name, priority, responseTargetMinutes: response, resolutionTargetMinutes: resolution, warnAtShare: 0.75, calendarId }));
  }
  const open = await manager.find(Incident, { where: { stage: In(RUNNING_STAGES) }, select: { id: true, priority: true, createdAt: true, acknowledgedAt: true } });
  const calendars = new CalendarCache(manager);
  let clocked = 0;
  for (const incident of open) {
    const clocks = await openClocks(manager, incident, incident.createdAt);
    if (!clocks.length) continue;
    for (const c of clocks) {
      const cal = await calendars.get(c.calendarId);
      if (c.kind === SlaClockKind.response && incident.acknowledgedAt) stopClock(c, cal, incident.acknowledgedAt);
      recordDue(c, ctx.now);
      c.nextCheckAt = nextCheckAt(c);
    }
    await manager.save(clocks);
    const keys = slaSortKeys(clocks);
    await manager.query(`UPDATE incident SET sla_due_at = $2, sla_paused_left_seconds = $3 WHERE id = $1`, [incident.id, keys.slaDueAt, keys.slaPausedLeftSeconds]);
    clocked++;
  }
  return clocked;
}
