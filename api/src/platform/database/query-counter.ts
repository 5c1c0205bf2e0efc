import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger as TypeOrmLogger, QueryRunner } from "typeorm";
import { logger } from "../logger";

/** Counts SQL statements per scope (a request, a test) so N+1 regressions are measurable. */
export const queryCountScope = new AsyncLocalStorage<{ statements: number; sql: string[] }>();

export class CountingLogger implements TypeOrmLogger {
  private readonly sqlLog = logger.child({ component: "sql" });
  logQuery(query: string, _parameters?: unknown[], _queryRunner?: QueryRunner) {
    const scope = queryCountScope.getStore();
    if (scope) {
      scope.statements += 1;
      scope.sql.push(query);
    }
  }
  logQueryError(error: string | Error, query: string, parameters?: unknown[]) {
    // Full detail goes to the log; clients only ever see a masked error.
    this.sqlLog.error({ err: error, query, parameters }, "query failed");
  }
  logQuerySlow(time: number, query: string) {
    this.sqlLog.warn({ ms: time, query }, "slow query");
  }
  logSchemaBuild(message: string) {
    this.sqlLog.debug(message);
  }
  logMigration(message: string) {
    this.sqlLog.info(message);
  }
  log(level: "log" | "info" | "warn", message: unknown) {
    if (level === "warn") this.sqlLog.warn(String(message));
    else this.sqlLog.debug(String(message));
  }
}

export async function countQueries<T>(fn: () => Promise<T>): Promise<{ result: T; statements: number; sql: string[] }> {
  const scope = { statements: 0, sql: [] as string[] };
  const result = await queryCountScope.run(scope, fn);
  return { result, ...scope };
}
