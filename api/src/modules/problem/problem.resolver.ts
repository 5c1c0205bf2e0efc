import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { Allow, ANY_ROLE, assertAllowed } from "../../platform/auth/policy";
import { Role } from "../../platform/auth/roles";
import { badInput } from "../../platform/errors";
import type { QuellContext } from "../../platform/graphql/context";
import { Service } from "../catalog/catalog.entity";
import { IncidentConnection } from "../incident/incident.resolver";
import { User } from "../user/user.entity";
import { Problem, ProblemTransition } from "./problem.entity";
import { PROBLEM_CHANGED, ProblemChange, type ProblemChangedPayload } from "./problem.events";
import {
  AddProblemNoteInput,
  AddProblemTaskInput,
  CompleteProblemTaskInput,
  CreateProblemFromIncidentsInput,
  CreateProblemInput,
  LinkIncidentsInput,
  ProblemFilter,
  RecordRootCauseInput,
  SetProblemPriorityInput,
  SetWorkaroundInput,
  TransitionProblemInput,
  UpdateProblemInput,
} from "./problem.inputs";
import { ProblemStage, TERMINAL_PROBLEM_STAGES, nextProblemStages } from "./problem.lifecycle";
import { problemLoaders } from "./problem.loaders";
import { incidentsPerWeek, linkedIncidents, listProblems, searchKnownErrors, type Page } from "./problem.query";
import { formatProblemNumber, isKnownError, parseProblemNumber } from "./problem.rules";
import { ProblemConnection, WeeklyIncidentCount } from "./problem.types";
import { ProblemTask, ProblemTimelineEntry } from "./problem-work.entity";

/** Problem managers and admins own problems; agents may link incidents; everyone signed in reads. */
const PROBLEM_OWNERS = [Role.problem_manager, Role.admin];
const INCIDENT_LINKERS = [Role.agent, Role.problem_manager, Role.admin];

@Resolver(() => Problem)
export class ProblemResolver {
  @Allow(...ANY_ROLE)
  @Query(() => ProblemConnection, { description: "Problems, newest first, as a Relay connection (keyset cursors)." })
  problems(
    @Ctx() ctx: QuellContext,
    @Arg("filter", () => ProblemFilter, { nullable: true }) filter?: ProblemFilter,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ): Promise<Page<Problem>> {
    return listProblems(ctx.dataSource, { filter, first, after });
  }

  @Allow(...ANY_ROLE)
  @Query(() => Problem, { description: "One problem by id or by number (PRB-000123 or 123)." })
  async problem(
    @Ctx() ctx: QuellContext,
    @Arg("id", () => ID, { nullable: true }) id?: string,
    @Arg("number", () => String, { nullable: true }) number?: string,
  ): Promise<Problem> {
    if (id) return ctx.services.problems.getById(id);
    if (number) {
      const parsed = parseProblemNumber(number);
      if (parsed === null) throw badInput("number", "use the form PRB-000123 or 123");
      return ctx.services.problems.getByNumber(parsed);
    }
    throw badInput("id", "give either id or number");
  }

  @Allow(...ANY_ROLE)
  @Query(() => [Problem], { description: "The known-error database: problems from known_error on with a workaround, best text match first." })
  knownErrors(
    @Ctx() ctx: QuellContext,
    @Arg("search", () => String, { nullable: true }) search?: string,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first?: number,
  ): Promise<Problem[]> {
    if (search && search.length > 500) throw badInput("search", "at most 500 characters");
    return searchKnownErrors(ctx.dataSource, search, first ?? 20);
  }

  @Allow(...PROBLEM_OWNERS)
  @Mutation(() => Problem)
  createProblem(@Arg("input", () => CreateProblemInput) input: CreateProblemInput, @Ctx() ctx: QuellContext): Promise<Problem> {
    return ctx.services.problems.create(ctx.principal!, input);
  }

  @Allow(...PROBLEM_OWNERS)
  @Mutation(() => Problem, { description: "A problem for these incidents, all linked: title from the first, their worst impact and urgency, their services." })
  createProblemFromIncidents(@Arg("input", () => CreateProblemFromIncidentsInput) input: CreateProblemFromIncidentsInput, @Ctx() ctx: QuellContext): Promise<Problem> {
    return ctx.services.problems.createFromIncidents(ctx.principal!, input);
  }

  @Allow(...PROBLEM_OWNERS)
  @Mutation(() => Problem)
  updateProblem(@Arg("input", () => UpdateProblemInput) input: UpdateProblemInput, @Ctx() ctx: QuellContext): Promise<Problem> {
    return ctx.services.problems.update(ctx.principal!, input);
  }

  @Allow(...PROBLEM_OWNERS)
  @Mutation(() => Problem, { description: "Sets the priority by hand with a reason; priority null lets it follow the incidents again." })
  setProblemPriority(@Arg("input", () => SetProblemPriorityInput) input: SetProblemPriorityInput, @Ctx() ctx: QuellContext): Promise<Problem> {
    return ctx.services.problems.setPriority(ctx.principal!, input);
  }

  @Allow(...PROBLEM_OWNERS)
  @Mutation(() => Problem, { description: "Moves to another stage; a move the lifecycle forbids gets INVALID_TRANSITION naming the allowed ones." })
  transitionProblem(@Arg("input", () => TransitionProblemInput) input: TransitionProblemInput, @Ctx() ctx: QuellContext): Promise<Problem> {
    return ctx.services.problems.transition(ctx.principal!, input);
  }

  @Allow(...PROBLEM_OWNERS)
  @Mutation(() => Problem, { description: "Root cause, contributing factors and the 5-whys chain." })
  recordRootCause(@Arg("input", () => RecordRootCauseInput) input: RecordRootCauseInput, @Ctx() ctx: QuellContext): Promise<Problem> {
    return ctx.services.problems.recordRootCause(ctx.principal!, input);
  }

  @Allow(...PROBLEM_OWNERS)
  @Mutation(() => Problem, { description: "Records the workaround, with its author and time." })
  setWorkaround(@Arg("input", () => SetWorkaroundInput) input: SetWorkaroundInput, @Ctx() ctx: QuellContext): Promise<Problem> {
    return ctx.services.problems.setWorkaround(ctx.principal!, input);
  }

  @Allow(...INCIDENT_LINKERS)
  @Mutation(() => Problem, { description: "Links incidents in bulk; one already linked to another problem gets CONFLICT." })
  linkIncidentsToProblem(@Arg("input", () => LinkIncidentsInput) input: LinkIncidentsInput, @Ctx() ctx: QuellContext): Promise<Problem> {
    return ctx.services.problems.linkIncidents(ctx.principal!, input);
  }

  @Allow(...PROBLEM_OWNERS)
  @Mutation(() => Problem)
  unlinkIncidentsFromProblem(@Arg("input", () => LinkIncidentsInput) input: LinkIncidentsInput, @Ctx() ctx: QuellContext): Promise<Problem> {
    return ctx.services.problems.unlinkIncidents(ctx.principal!, input);
  }

  @Allow(...PROBLEM_OWNERS)
  @Mutation(() => ProblemTimelineEntry)
  addProblemNote(@Arg("input", () => AddProblemNoteInput) input: AddProblemNoteInput, @Ctx() ctx: QuellContext): Promise<ProblemTimelineEntry> {
    return ctx.services.problemWork.addNote(ctx.principal!, input);
  }

  @Allow(...PROBLEM_OWNERS)
  @Mutation(() => ProblemTask)
  addProblemTask(@Arg("input", () => AddProblemTaskInput) input: AddProblemTaskInput, @Ctx() ctx: QuellContext): Promise<ProblemTask> {
    return ctx.services.problemWork.addTask(ctx.principal!, input);
  }

  @Allow(...PROBLEM_OWNERS)
  @Mutation(() => ProblemTask)
  completeProblemTask(@Arg("input", () => CompleteProblemTaskInput) input: CompleteProblemTaskInput, @Ctx() ctx: QuellContext): Promise<ProblemTask> {
    return ctx.services.problemWork.completeTask(ctx.principal!, input);
  }

  @Allow(...ANY_ROLE)
  @Subscription(() => ProblemChange, {
    description: "Every change to problems (or to one problem), pushed over graphql-ws.",
    subscribe: ({ context, args }) => {
      assertAllowed(context as QuellContext, ANY_ROLE);
      return (context as QuellContext).services.pubsub.subscribeWhere(PROBLEM_CHANGED, "problemId", args.problemId as string | undefined);
    },
  })
  problemChanged(@Root() payload: ProblemChangedPayload, @Arg("problemId", () => ID, { nullable: true }) _problemId?: string): ProblemChange {
    return payload;
  }

  @FieldResolver(() => String, { description: "PRB-000123" })
  key(@Root() problem: Problem): string {
    return formatProblemNumber(problem.number);
  }

  @FieldResolver(() => Boolean, { description: "At known_error or later, with a workaround: in the known-error database." })
  isKnownError(@Root() problem: Problem): boolean {
    return isKnownError(problem);
  }

  @FieldResolver(() => [ProblemStage], { description: "Stages this problem may move to now (guards may still refuse)." })
  allowedTransitions(@Root() problem: Problem): ProblemStage[] {
    return TERMINAL_PROBLEM_STAGES.includes(problem.stage) ? [] : nextProblemStages(problem.stage);
  }

  @FieldResolver(() => User, { nullable: true })
  owner(@Root() problem: Problem, @Ctx() ctx: QuellContext) {
    return problem.ownerId ? ctx.loaders.user.load(problem.ownerId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  workaroundBy(@Root() problem: Problem, @Ctx() ctx: QuellContext) {
    return problem.workaroundById ? ctx.loaders.user.load(problem.workaroundById) : null;
  }

  @FieldResolver(() => [Service], { description: "Affected services." })
  services(@Root() problem: Problem, @Ctx() ctx: QuellContext): Promise<Service[]> {
    return problemLoaders(ctx).services.load(problem.id);
  }

  @FieldResolver(() => Int, { description: "How many incidents are linked." })
  async linkedIncidentCount(@Root() problem: Problem, @Ctx() ctx: QuellContext): Promise<number> {
    return (await problemLoaders(ctx).incidentCounts.load(problem.id)).total;
  }

  @FieldResolver(() => Int, { description: "How many linked incidents are still open." })
  async openIncidentCount(@Root() problem: Problem, @Ctx() ctx: QuellContext): Promise<number> {
    return (await problemLoaders(ctx).incidentCounts.load(problem.id)).open;
  }

  @FieldResolver(() => IncidentConnection, { description: "The linked incidents, newest first." })
  incidents(
    @Root() problem: Problem,
    @Ctx() ctx: QuellContext,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ) {
    return linkedIncidents(ctx.dataSource, problem.id, { first, after });
  }

  @FieldResolver(() => [WeeklyIncidentCount], { description: "Linked incidents per week, first to last week with any (gaps are 0)." })
  incidentsPerWeek(@Root() problem: Problem, @Ctx() ctx: QuellContext): Promise<WeeklyIncidentCount[]> {
    return incidentsPerWeek(ctx.dataSource, problem.id);
  }

  @FieldResolver(() => [ProblemTransition], { description: "Every stage change with its time, author and reason." })
  transitions(@Root() problem: Problem, @Ctx() ctx: QuellContext): Promise<ProblemTransition[]> {
    return ctx.dataSource.getRepository(ProblemTransition).find({ where: { problemId: problem.id }, order: { at: "ASC" } });
  }

  @FieldResolver(() => [ProblemTimelineEntry], { description: "Oldest first." })
  timeline(@Root() problem: Problem, @Ctx() ctx: QuellContext): Promise<ProblemTimelineEntry[]> {
    return ctx.dataSource.getRepository(ProblemTimelineEntry).find({ where: { problemId: problem.id }, order: { createdAt: "ASC", id: "ASC" } });
  }

  @FieldResolver(() => [ProblemTask])
  tasks(@Root() problem: Problem, @Ctx() ctx: QuellContext): Promise<ProblemTask[]> {
    return ctx.dataSource.getRepository(ProblemTask).find({ where: { problemId: problem.id }, order: { dueAt: "ASC" } });
  }
}
