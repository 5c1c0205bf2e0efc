import type { DataSource, EntityManager } from "typeorm";

/** After-commit hooks: events must only be published for changes that were committed. */
export interface UnitOfWork {
  manager: EntityManager;
  afterCommit(fn: () => void): void;
}

export async function inTransaction<T>(dataSource: DataSource, fn: (work: UnitOfWork) => Promise<T>): Promise<T> {
  const hooks: Array<() => void> = [];
  const result = await dataSource.transaction((manager) => fn({ manager, afterCommit: (hook) => hooks.push(hook) }));
  for (const hook of hooks) hook();
  return result;
}
