import { Arg, Ctx, Field, Int, ObjectType, Query, Resolver } from "type-graphql";
import { Allow } from "../../platform/auth/policy";
import { Role } from "../../platform/auth/roles";
import { badInput } from "../../platform/errors";
import type { QuellContext } from "../../platform/graphql/context";
import { AuditRecord } from "./audit.entity";
import { auditPage, verifyAuditChain } from "./audit.service";

@ObjectType()
class AuditVerification {
  @Field(() => Boolean) ok!: boolean;
  @Field(() => Int, { description: "Records verified (all of them when ok)." }) checked!: number;
  @Field(() => Int, { nullable: true, description: "Hash chains (streams) verified, when ok." }) streams!: number | null;
  @Field(() => String, { nullable: true, description: "When ok: sha256 over every stream's head. Kept elsewhere, it lets a later check prove no stream was rewritten or cut since." }) headsDigest!: string | null;
  @Field(() => String, { nullable: true, description: "The first record whose link is broken (null when what broke is a stream's head, with no record to name)." }) brokenAtSeq!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
}

@Resolver()
export class AuditResolver {
  @Allow(Role.admin)
  @Query(() => [AuditRecord], { description: "The audit trail, newest first; page with `beforeSeq`. A record shows once no older transaction is still running, so paging never passes one that could still appear." })
  async auditLog(
    @Ctx() ctx: QuellContext,
    @Arg("entityType", () => String, { nullable: true }) entityType?: string,
    @Arg("entityId", () => String, { nullable: true }) entityId?: string,
    @Arg("beforeSeq", () => String, { nullable: true }) beforeSeq?: string,
    @Arg("first", () => Int, { defaultValue: 50 }) first = 50,
  ): Promise<AuditRecord[]> {
    if (first < 1 || first > 500) throw badInput("first", "must be between 1 and 500");
    if (beforeSeq !== undefined && beforeSeq !== null && !/^\d+$/.test(beforeSeq)) throw badInput("beforeSeq", "must be a record number");
    return auditPage(ctx.dataSource.manager, { entityType, entityId, beforeSeq, first });
  }

  @Allow(Role.admin)
  // Reads and hashes the whole chain: expensive by design, so it counts against the in-flight cap.
  @Query(() => AuditVerification, { description: "Recomputes every hash chain (stream) of the trail against its head and names the first broken link.", complexity: 2_000 })
  async verifyAuditLog(@Ctx() ctx: QuellContext): Promise<AuditVerification> {
    const verdict = await verifyAuditChain(ctx.dataSource);
    return verdict.ok
      ? { ok: true, checked: verdict.checked, streams: verdict.streams, headsDigest: verdict.headsDigest, brokenAtSeq: null, reason: null }
      : { ok: false, checked: verdict.checked, streams: null, headsDigest: null, brokenAtSeq: verdict.brokenAtSeq, reason: verdict.reason };
  }
}
