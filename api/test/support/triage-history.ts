import type { QuellRuntime } from "../../src/app";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { Severity } from "../../src/modules/incident/incident.entity";
import { ModelTrainer } from "../../src/modules/model/model.training";

/** Three clearly different kinds of trouble, so a model trained on a few dozen incidents learns them. */
export const TOPICS = [
  { severity: Severity.SEV1, category: "database", words: ["database", "postgres", "primary", "replication", "deadlock", "connection", "pool", "query", "timeout", "disk"] },
  { severity: Severity.SEV2, category: "network", words: ["network", "dns", "latency", "packet", "loss", "router", "firewall", "vpn", "switch", "bgp"] },
  { severity: Severity.SEV3, category: "access", words: ["login", "password", "sso", "account", "locked", "mfa", "token", "permission", "reset", "ldap"] },
] as const;

function sentence(words: readonly string[], i: number, n: number): string {
  const out: string[] = [];
  for (let k = 0; k < n; k++) out.push(words[(i * 7 + k * 3) % words.length]);
  return out.join(" ");
}

/**
 * Labelled history: `perTopic` incidents per topic, spread over the past days, each topic owned by
 * one of `teamIds`. Their outbox rows are marked sent so the test's workers start from a quiet queue.
 */
export async function seedHistory(runtime: QuellRuntime, teamIds: string[], perTopic = 20): Promise<void> {
  const { incidents } = runtime.services;
  for (let i = 0; i < perTopic; i++) {
    for (const [t, topic] of TOPICS.entries()) {
      const created = await incidents.create(SYSTEM_ACTOR, {
        title: `${topic.words[i % 10]} ${sentence(topic.words, i, 3)} problem`,
        description: `Users report ${sentence(topic.words, i + t, 8)}.`,
        category: topic.category,
        severity: topic.severity,
        teamId: teamIds[t % teamIds.length],
        impact: 2,
        urgency: 2,
      });
      const day = perTopic * 3 - (i * 3 + t);
      // History is resolved work: closed, so activating a model doesn't re-triage it as an open backlog.
      await runtime.dataSource.query(
        `UPDATE incident SET created_at = now() - ($2::int * interval '1 hour'), resolution = $3, stage = 'closed',
           recovered_at = now() - ($2::int * interval '1 hour') + interval '30 minutes', closed_at = now() - ($2::int * interval '1 hour') + interval '40 minutes'
         WHERE id = $1`,
        [created.id, day, `Fixed the ${topic.words[i % 10]}`],
      );
    }
  }
  await runtime.dataSource.query(`UPDATE outbox SET dispatched_at = now() WHERE dispatched_at IS NULL`);
}

/** Seeds `perTopic` incidents per topic (seedHistory) and trains every model on them once, as the CLI's `ml train` does. */
export async function seedHistoryAndTrain(runtime: QuellRuntime, teamIds: string[], perTopic = 20): Promise<void> {
  await seedHistory(runtime, teamIds, perTopic);
  const run = await runtime.services.models.createRun("cli", null);
  await new ModelTrainer(runtime.dataSource, runtime.services.models).run(run.id);
}
