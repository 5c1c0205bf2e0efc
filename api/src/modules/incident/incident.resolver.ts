import DataLoader from "dataloader";
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from "type-graphql";
import type { GraphQLResolveInfo } from "graphql";
import { Allow, ANY_ROLE, INCIDENT_WRITERS_LIST, assertAllowed } from "../../platform/auth/policy";
import { Role } from "../../platform/auth/roles";
import { badInput } from "../../platform/errors";
import { Connection } from "../../platform/graphql/connection";
import { selectionAt } from "../../platform/graphql/selection";
import type { QuellContext } from "../../platform/graphql/context";
import { Service } from "../catalog/catalog.entity";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";
import { Incident, IncidentTransition } from "./incident.entity";
import { INCIDENT_CHANGED, IncidentChange, type IncidentChangedPayload } from "./incident.events";
import {
  AddTaskInput,
  AddTimelineNoteInput,
  AssignIncidentInput,
  CompleteTaskInput,
  CreateIncidentInput,
  IncidentFilter,
  IncidentSort,
  SetIncidentPendingInput,
  MarkDuplicateInput,
  ReopenIncidentInput,
  SetPriorityCellInput,
  TransitionIncidentInput,
  UpdateIncidentInput,
  WriteReportInput,
} from "./incident.inputs";
import { Stage, TERMINAL, allowedTransitions, type TransitionSubject } from "./incident.lifecycle";
import { transitionSubjects } from "./incident.facts";
import { listIncidents, pageRelation, type IncidentPage } from "./incident.query";
import { renderReportMarkdown } from "./incident.report";
import { formatIncidentNumber, parseIncidentNumber, readOnlyReason } from "./incident.rules";
import { PriorityRule } from "./priority-rule.entity";
import { IncidentReport } from "./report.entity";
import { FollowUpTask } from "./task.entity";
import { TimelineEntry } from "./timeline.entity";

/** One batched lookup per request of what the lifecycle guards need, for every incident on a page. */
const subjectLoaders = new WeakMap<object, DataLoader<Incident, TransitionSubject, string>>();
function transitionSubjectLoader(ctx: QuellContext): DataLoader<Incident, TransitionSubject, string> {
  let loader = subjectLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(
      async (incidents) => {
        const subjects = await transitionSubjects(ctx.dataSource.manager, incidents);
        return incidents.map((i) => subjects.get(i.id)!);
      },
      { cacheKeyFn: (i) => `${i.id}:${i.version}` },
    );
    subjectLoaders.set(ctx, loader);
  }
  return loader;
}

@ObjectType({ simpleResolvers: true })
export class IncidentConnection extends Connection(Incident) {}

@Resolver(() => Incident)
export class IncidentResolver {
  @Allow(...ANY_ROLE)
  @Query(() => IncidentConnection, { description: "Incidents, filtered and sorted, as a Relay connection (keyset cursors)." })
  incidents(
    @Ctx() ctx: QuellContext,
    @Arg("filter", () => IncidentFilter, { nullable: true }) filter?: IncidentFilter,
    @Arg("sort", () => IncidentSort, { nullable: true }) sort?: IncidentSort,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Info() info?: GraphQLResolveInfo,
  ): Promise<IncidentPage> {
    return listIncidents(ctx.dataSource, { filter, sort, first, after }, ctx.loaders, info && selectionAt(info, ["edges", "node"]));
  }

  @Allow(...ANY_ROLE)
  @Query(() => Incident, { description: "One incident by id or by number (INC-000123 or 123)." })
  async incident(
    @Ctx() ctx: QuellContext,
    @Arg("id", () => ID, { nullable: true }) id?: string,
    @Arg("number", () => String, { nullable: true }) number?: string,
  ): Promise<Incident> {
    if (id) return ctx.services.incidents.getById(id);
    if (number) {
      const parsed = parseIncidentNumber(number);
      if (parsed === null) throw badInput("number", `${JSON.stringify(number)} is not an incident number; use the form INC-000123 or 123`);
      return ctx.services.incidents.getByNumber(parsed);
    }
    throw badInput("id", "give either id or number");
  }

  @Allow(...ANY_ROLE)
  @Query(() => [PriorityRule], { description: "The impact × urgency → priority matrix in force." })
  priorityMatrix(@Ctx() ctx: QuellContext): Promise<PriorityRule[]> {
    return ctx.services.incidents.priorityMatrix() as Promise<PriorityRule[]>;
  }

  @Allow(Role.admin)
  @Mutation(() => [PriorityRule], { description: "Replaces the matrix; all nine cells are required." })
  setPriorityMatrix(@Arg("cells", () => [SetPriorityCellInput]) cells: SetPriorityCellInput[], @Ctx() ctx: QuellContext): Promise<PriorityRule[]> {
    return ctx.services.incidents.setPriorityMatrix(ctx.principal!, cells) as Promise<PriorityRule[]>;
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => Incident)
  createIncident(@Arg("input", () => CreateIncidentInput) input: CreateIncidentInput, @Ctx() ctx: QuellContext): Promise<Incident> {
    return ctx.services.incidents.create(ctx.principal!, input);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => Incident)
  updateIncident(@Arg("input", () => UpdateIncidentInput) input: UpdateIncidentInput, @Ctx() ctx: QuellContext): Promise<Incident> {
    return ctx.services.incidents.update(ctx.principal!, input);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => Incident, { description: "Moves to another stage; a move the lifecycle forbids gets INVALID_TRANSITION naming the allowed ones." })
  transitionIncident(@Arg("input", () => TransitionIncidentInput) input: TransitionIncidentInput, @Ctx() ctx: QuellContext): Promise<Incident> {
    return ctx.services.incidents.transition(ctx.principal!, input);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => Incident)
  assignIncident(@Arg("input", () => AssignIncidentInput) input: AssignIncidentInput, @Ctx() ctx: QuellContext): Promise<Incident> {
    return ctx.services.incidents.assign(ctx.principal!, input);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => TimelineEntry)
  addTimelineNote(@Arg("input", () => AddTimelineNoteInput) input: AddTimelineNoteInput, @Ctx() ctx: QuellContext): Promise<TimelineEntry> {
    return ctx.services.incidents.addNote(ctx.principal!, input);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => FollowUpTask)
  addTask(@Arg("input", () => AddTaskInput) input: AddTaskInput, @Ctx() ctx: QuellContext): Promise<FollowUpTask> {
    return ctx.services.incidents.addTask(ctx.principal!, input);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => FollowUpTask)
  completeTask(@Arg("input", () => CompleteTaskInput) input: CompleteTaskInput, @Ctx() ctx: QuellContext): Promise<FollowUpTask> {
    return ctx.services.incidents.completeTask(ctx.principal!, input);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => IncidentReport, { description: "Writes or edits the lessons-learned report; `publish: true` shares it." })
  writeReport(@Arg("input", () => WriteReportInput) input: WriteReportInput, @Ctx() ctx: QuellContext): Promise<IncidentReport> {
    return ctx.services.incidents.writeReport(ctx.principal!, input);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => Incident)
  reopenIncident(@Arg("input", () => ReopenIncidentInput) input: ReopenIncidentInput, @Ctx() ctx: QuellContext): Promise<Incident> {
    return ctx.services.incidents.reopen(ctx.principal!, input);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => Incident, { description: "Puts the incident on hold (awaiting the requester or a vendor; SLA clocks pause) or, with reason null, back to work." })
  setIncidentPending(@Arg("input", () => SetIncidentPendingInput) input: SetIncidentPendingInput, @Ctx() ctx: QuellContext): Promise<Incident> {
    return ctx.services.incidents.setPending(ctx.principal!, input);
  }

  @Allow(...INCIDENT_WRITERS_LIST)
  @Mutation(() => Incident, { description: "Cancels the incident as a duplicate of another, linking the two." })
  markDuplicate(@Arg("input", () => MarkDuplicateInput) input: MarkDuplicateInput, @Ctx() ctx: QuellContext): Promise<Incident> {
    return ctx.services.incidents.markDuplicate(ctx.principal!, input);
  }

  @Allow(...ANY_ROLE)
  @Subscription(() => IncidentChange, {
    description: "Every change to incidents (or to one incident), pushed over graphql-ws.",
    subscribe: ({ context, args }) => {
      assertAllowed(context as QuellContext, ANY_ROLE);
      return (context as QuellContext).services.pubsub.subscribeWhere(INCIDENT_CHANGED, "incidentId", args.incidentId as string | undefined);
    },
  })
  incidentChanged(@Root() payload: IncidentChangedPayload, @Arg("incidentId", () => ID, { nullable: true }) _incidentId?: string): IncidentChange {
    return payload;
  }

  @FieldResolver(() => String, { description: "INC-000123" })
  key(@Root() incident: Incident): string {
    return formatIncidentNumber(incident.number);
  }

  @FieldResolver(() => Service, { nullable: true })
  service(@Root() incident: Incident, @Ctx() ctx: QuellContext) {
    const onPage = pageRelation(incident, "service");
    if (onPage !== undefined) return onPage;
    return incident.serviceId ? ctx.loaders.service.load(incident.serviceId) : null;
  }

  @FieldResolver(() => Team, { nullable: true })
  team(@Root() incident: Incident, @Ctx() ctx: QuellContext) {
    const onPage = pageRelation(incident, "team");
    if (onPage !== undefined) return onPage;
    return incident.teamId ? ctx.loaders.team.load(incident.teamId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  assignee(@Root() incident: Incident, @Ctx() ctx: QuellContext) {
    const onPage = pageRelation(incident, "assignee");
    if (onPage !== undefined) return onPage;
    return incident.assigneeId ? ctx.loaders.user.load(incident.assigneeId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  reporter(@Root() incident: Incident, @Ctx() ctx: QuellContext) {
    return incident.reporterId ? ctx.loaders.user.load(incident.reporterId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  commander(@Root() incident: Incident, @Ctx() ctx: QuellContext) {
    return incident.commanderId ? ctx.loaders.user.load(incident.commanderId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  communicationsLead(@Root() incident: Incident, @Ctx() ctx: QuellContext) {
    return incident.communicationsLeadId ? ctx.loaders.user.load(incident.communicationsLeadId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  scribe(@Root() incident: Incident, @Ctx() ctx: QuellContext) {
    return incident.scribeId ? ctx.loaders.user.load(incident.scribeId) : null;
  }

  @FieldResolver(() => Incident, { nullable: true })
  duplicateOf(@Root() incident: Incident, @Ctx() ctx: QuellContext) {
    return incident.duplicateOfId ? ctx.loaders.incident.load(incident.duplicateOfId) : null;
  }

  @FieldResolver(() => [Stage], { description: "Stages this incident can move to now: only moves whose guards pass (open tasks, shared report, priority) are listed." })
  async allowedTransitions(@Root() incident: Incident, @Ctx() ctx: QuellContext): Promise<Stage[]> {
    if (TERMINAL.includes(incident.stage)) return [];
    return allowedTransitions(incident.stage, await transitionSubjectLoader(ctx).load(incident));
  }

  @FieldResolver(() => String, { nullable: true, description: "Why details, assignment, report and tasks can't be edited now (closed: reopen first; cancelled: never); null while they can." })
  readOnlyReason(@Root() incident: Incident): string | null {
    return readOnlyReason(incident);
  }

  @FieldResolver(() => TimelineEntry, { nullable: true, complexity: 2 })
  latestTimelineEntry(@Root() incident: Incident, @Ctx() ctx: QuellContext) {
    const onPage = pageRelation(incident, "latestTimelineEntry");
    return onPage !== undefined ? onPage : ctx.loaders.latestTimelineEntry.load(incident.id);
  }

  // One query per incident (not batched): priced so a page of timelines costs what it does.
  @FieldResolver(() => [TimelineEntry], { description: "Oldest first.", complexity: 10 })
  timeline(@Root() incident: Incident, @Ctx() ctx: QuellContext): Promise<TimelineEntry[]> {
    return ctx.dataSource.getRepository(TimelineEntry).find({ where: { incidentId: incident.id }, order: { createdAt: "ASC", id: "ASC" } });
  }

  @FieldResolver(() => [IncidentTransition], { description: "Every stage change with its time and author.", complexity: 10 })
  transitions(@Root() incident: Incident, @Ctx() ctx: QuellContext): Promise<IncidentTransition[]> {
    return ctx.dataSource.getRepository(IncidentTransition).find({ where: { incidentId: incident.id }, order: { at: "ASC" } });
  }

  @FieldResolver(() => [FollowUpTask], { complexity: 10 })
  tasks(@Root() incident: Incident, @Ctx() ctx: QuellContext): Promise<FollowUpTask[]> {
    return ctx.dataSource.getRepository(FollowUpTask).find({ where: { incidentId: incident.id }, order: { dueAt: "ASC" } });
  }

  @FieldResolver(() => IncidentReport, { nullable: true, complexity: 10 })
  report(@Root() incident: Incident, @Ctx() ctx: QuellContext): Promise<IncidentReport | null> {
    return ctx.dataSource.getRepository(IncidentReport).findOne({ where: { incidentId: incident.id } });
  }

  // Four queries and a render per incident.
  @FieldResolver(() => String, { nullable: true, description: "The lessons-learned report as Markdown, to export or share.", complexity: 50 })
  async reportMarkdown(@Root() incident: Incident, @Ctx() ctx: QuellContext): Promise<string | null> {
    const report = await ctx.dataSource.getRepository(IncidentReport).findOne({ where: { incidentId: incident.id } });
    if (!report) return null;
    const [transitions, tasks, service] = await Promise.all([
      this.transitions(incident, ctx),
      this.tasks(incident, ctx),
      incident.serviceId ? ctx.loaders.service.load(incident.serviceId) : null,
    ]);
    const userIds = [...new Set([...transitions.map((t) => t.actorId), ...tasks.map((t) => t.ownerId)].filter((v): v is string => !!v))];
    const users = await ctx.loaders.user.loadMany(userIds);
    const names = new Map(users.filter((u): u is User => !!u && !(u instanceof Error)).map((u) => [u.id, u.name]));
    return renderReportMarkdown({ incident, report, transitions, tasks, serviceName: service?.name ?? null, names });
  }
}
