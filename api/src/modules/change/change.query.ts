import { Brackets, type DataSource } from "typeorm";
import { badInput } from "../../platform/errors";
import { decodeCursor, encodeCursor, isSafeInteger } from "../../platform/graphql/connection";
import { FreezeWindow } from "./change-config.entity";
import { ChangeAnalysis, windowOf } from "./change.analysis";
import { findChangeConflicts, findFreezeConflicts, freezeOccurrences, type ChangeSlot, type TimeWindow } from "./change.conflicts";
import { Change } from "./change.entity";
import type { ChangeFilter } from "./change.inputs";
import { CHANGE_LIVE_STAGES } from "./change.lifecycle";
import { formatChangeNumber } from "./change.rules";

export const MAX_CHANGE_PAGE = 200;
/** A calendar page covers at most this many days (a month view with its edge weeks fits). */
export const MAX_CALENDAR_DAYS = 62;

export interface ChangePage {
  edges: Array<{ cursor: string; node: Change }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/** Newest first by number, with keyset cursors (stable while changes are raised). */
export async function listChanges(dataSource: DataSource, args: { filter?: ChangeFilter; first?: number; after?: string }): Promise<ChangePage> {
  const first = args.first ?? 50;
  if (first < 1 || first > MAX_CHANGE_PAGE) throw badInput("first", `must be between 1 and ${MAX_CHANGE_PAGE}`);
  const f = args.filter;
  const qb = dataSource.getRepository(Change).createQueryBuilder("c");
  if (f?.type?.length) qb.andWhere("c.type IN (:...types)", { types: f.type });
  if (f?.stage?.length) qb.andWhere("c.stage IN (:...stages)", { stages: f.stage });
  if (f?.serviceId) qb.andWhere("EXISTS (SELECT 1 FROM change_service cs WHERE cs.change_id = c.id AND cs.service_id = :serviceId)", { serviceId: f.serviceId });
  if (f?.windowFrom || f?.windowTo) {
    if (!f.windowFrom || !f.windowTo) throw badInput(f.windowFrom ? "windowTo" : "windowFrom", "give both ends of the range");
    qb.andWhere("c.planned_start < :windowTo AND c.planned_end > :windowFrom", { windowFrom: f.windowFrom, windowTo: f.windowTo });
  }
  if (f?.search?.trim()) {
    // Same expression as IDX_change_search, so the GIN index serves it.
    qb.andWhere(`to_tsvector('english', c.title || ' ' || c.description) @@ websearch_to_tsquery('english', :search)`, { search: f.search.trim() });
  }
  const totalCount = await qb.clone().getCount();
  if (args.after) {
    const [number] = decodeCursor(args.after, "after", isSafeInteger);
    qb.andWhere(new Brackets((w) => w.where("c.number < :cursor", { cursor: Number(number) })));
  }
  const rows = await qb.orderBy("c.number", "DESC").limit(first + 1).getMany();
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.number, node.id), node }));
  return {
    edges,
    totalCount,
    pageInfo: { hasNextPage: rows.length > first, hasPreviousPage: !!args.after, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

export interface CalendarData {
  changes: Change[];
  freezes: Array<{ freezeWindow: FreezeWindow; start: Date; end: Date }>;
  conflicts: Array<{ changeId: string; otherChangeId: string | null; freezeWindowId: string | null; message: string }>;
}

/** Changes with a window in the range, freeze occurrences in it, and which of the live changes conflict. */
export async function changeCalendar(dataSource: DataSource, range: TimeWindow): Promise<CalendarData> {
  if (range.end.getTime() <= range.start.getTime()) throw badInput("to", "must be after from");
  if (range.end.getTime() - range.start.getTime() > MAX_CALENDAR_DAYS * 86_400_000) throw badInput("to", `a calendar spans at most ${MAX_CALENDAR_DAYS} days`);
  const manager = dataSource.manager;
  const changes = await manager
    .createQueryBuilder(Change, "c")
    .where("c.planned_start < :to AND c.planned_end > :from", { from: range.start, to: range.end })
    .orderBy("c.planned_start", "ASC")
    .getMany();
  const analysis = new ChangeAnalysis(manager);
  const [freezeRows, services, graph] = await Promise.all([manager.find(FreezeWindow), analysis.serviceIdsOf(changes.map((c) => c.id)), analysis.graph()]);
  const freezes = freezeRows.flatMap((fw) => freezeOccurrences(fw, range).map((o) => ({ freezeWindow: fw, start: o.start, end: o.end })));
  const live = changes.filter((c) => CHANGE_LIVE_STAGES.includes(c.stage));
  const slots: ChangeSlot[] = live.map((c) => ({ id: c.id, label: `${formatChangeNumber(c.number)} (${c.title})`, window: windowOf(c)!, serviceIds: services.get(c.id)! }));
  const names = await analysis.serviceNames(slots.flatMap((s) => s.serviceIds));
  const conflicts = slots.flatMap((slot) =>
    [...findChangeConflicts(slot, slots, graph, names), ...findFreezeConflicts(slot, freezeRows, names)].map((c) => ({
      changeId: slot.id,
      otherChangeId: c.changeId,
      freezeWindowId: c.freezeWindowId,
      message: c.message,
    })),
  );
  return { changes, freezes, conflicts };
}

/** Changes in assessing that this approver may still decide on (not theirs, not yet decided this round). */
export async function approvalsInbox(dataSource: DataSource, approverId: string): Promise<Change[]> {
  return dataSource
    .getRepository(Change)
    .createQueryBuilder("c")
    .where("c.stage = 'assessing'")
    .andWhere("c.type IN (:...types)", { types: ["normal", "emergency"] })
    .andWhere("c.requester_id IS DISTINCT FROM :me AND c.owner_id IS DISTINCT FROM :me", { me: approverId })
    .andWhere("NOT EXISTS (SELECT 1 FROM change_approval a WHERE a.change_id = c.id AND a.round = c.approval_round AND a.approver_id = :me)", { me: approverId })
    .orderBy("c.planned_start", "ASC", "NULLS LAST")
    .getMany();
}

