import type { DataSource, EntityManager } from "typeorm";

/** After-commit hooks: events must only be published for changes that were committed. */
export interface UnitOfWork {
  manager: EntityManager;
  afterCommit(fn: () => void): void;
}

/**
 * Runs `fn` in a transaction. Given an `outer` unit of work, `fn` joins it instead: one use case
 * can call another's (a suggestion decision changes the incident) and both commit or roll back
 * together, their after-commit hooks running once the outer transaction has committed.
 */
export async function inTransaction<T>(dataSource: DataSource, fn: (work: UnitOfWork) => Promise<T>, outer?: UnitOfWork): Promise<T> {
  if (outer) return fn(outer);
  const hooks: Array<() => void> = [];
  const result = await dataSource.transaction((manager) => fn({ manager, afterCommit: (hook) => hooks.push(hook) }));
  for (const hook of hooks) hook();
  return result;
}
