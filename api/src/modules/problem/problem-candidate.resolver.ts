import { Arg, Ctx, FieldResolver, Float, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from "type-graphql";
import { Allow, ANY_ROLE, assertAllowed } from "../../platform/auth/policy";
import { Role } from "../../platform/auth/roles";
import { badInput } from "../../platform/errors";
import { Connection, encodeCursor } from "../../platform/graphql/connection";
import type { QuellContext } from "../../platform/graphql/context";
import { Incident } from "../incident/incident.entity";
import { CandidateStatus, ProblemCandidate } from "./problem-candidate.entity";
import { CandidateChange, PROBLEM_CANDIDATE_CHANGED, type CandidateChangedPayload } from "./problem-candidate.events";
import { AcceptProblemCandidateInput, DismissProblemCandidateInput, MergeProblemCandidateInput } from "./problem-candidate.inputs";
import { Problem } from "./problem.entity";

/** Problem managers and admins decide candidates; everyone signed in reads them. */
const CANDIDATE_DECIDERS = [Role.problem_manager, Role.admin];
const MAX_PAGE = 200;

@ObjectType()
export class ProblemCandidateConnection extends Connection(ProblemCandidate) {}

@Resolver(() => ProblemCandidate)
export class ProblemCandidateResolver {
  @Allow(...ANY_ROLE)
  @Query(() => ProblemCandidateConnection, { description: "Recurring incidents grouped by the model, most recent activity first (open ones by default)." })
  async problemCandidates(
    @Ctx() ctx: QuellContext,
    @Arg("status", () => [CandidateStatus], { nullable: true, defaultValue: [CandidateStatus.open] }) status: CandidateStatus[] | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ): Promise<ProblemCandidateConnection> {
    // An explicit null means "the default", as leaving the argument out does.
    const statuses = status ?? [CandidateStatus.open];
    const pageSize = first ?? 50;
    if (pageSize < 1 || pageSize > MAX_PAGE) throw badInput("first", `must be 1-${MAX_PAGE}`);
    if (statuses.length === 0) throw badInput("status", "name at least one status");
    const page = await ctx.services.recurrence.list(statuses, pageSize, after);
    return {
      edges: page.rows.map((node) => ({ node, cursor: encodeCursor(node.lastAt.toISOString(), node.id) })),
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: !!after,
        startCursor: page.rows.length ? encodeCursor(page.rows[0].lastAt.toISOString(), page.rows[0].id) : null,
        endCursor: page.rows.length ? encodeCursor(page.rows[page.rows.length - 1].lastAt.toISOString(), page.rows[page.rows.length - 1].id) : null,
      },
      totalCount: page.totalCount,
    };
  }

  @Allow(...CANDIDATE_DECIDERS)
  @Mutation(() => Problem, { description: "Creates a problem from the candidate with its incidents linked (those still without a problem)." })
  acceptProblemCandidate(@Arg("input", () => AcceptProblemCandidateInput) input: AcceptProblemCandidateInput, @Ctx() ctx: QuellContext): Promise<Problem> {
    return ctx.services.recurrence.accept(ctx.principal!, input);
  }

  @Allow(...CANDIDATE_DECIDERS)
  @Mutation(() => Problem, { description: "Links the candidate's incidents to an existing problem." })
  mergeProblemCandidate(@Arg("input", () => MergeProblemCandidateInput) input: MergeProblemCandidateInput, @Ctx() ctx: QuellContext): Promise<Problem> {
    return ctx.services.recurrence.merge(ctx.principal!, input);
  }

  @Allow(...CANDIDATE_DECIDERS)
  @Mutation(() => ProblemCandidate, { description: "Not a problem: it stays dismissed until incidents newer than this decision join the group." })
  dismissProblemCandidate(@Arg("input", () => DismissProblemCandidateInput) input: DismissProblemCandidateInput, @Ctx() ctx: QuellContext): Promise<ProblemCandidate> {
    return ctx.services.recurrence.dismiss(ctx.principal!, input);
  }

  @Allow(...ANY_ROLE)
  @Subscription(() => CandidateChange, {
    description: "New candidates (kind created, also when a dismissed one comes back), changes, decisions, and candidates that went.",
    subscribe: ({ context }) => {
      assertAllowed(context as QuellContext, ANY_ROLE);
      return (context as QuellContext).services.pubsub.subscribe(PROBLEM_CANDIDATE_CHANGED);
    },
  })
  problemCandidateChanged(@Root() payload: CandidateChangedPayload): CandidateChange {
    return payload;
  }

  @FieldResolver(() => [Incident], { description: "Its incidents, oldest first (one batched query per request)." })
  async incidents(@Root() candidate: ProblemCandidate, @Ctx() ctx: QuellContext): Promise<Incident[]> {
    const found = await ctx.loaders.incident.loadMany(candidate.incidentIds);
    return found.filter((i): i is Incident => !!i && !(i instanceof Error));
  }

  @FieldResolver(() => Float, { description: "Days from its first to its last incident." })
  spanDays(@Root() candidate: ProblemCandidate): number {
    return (candidate.lastAt.getTime() - candidate.firstAt.getTime()) / 86_400_000;
  }
}
