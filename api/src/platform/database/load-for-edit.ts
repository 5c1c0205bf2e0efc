import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import { badInput, conflict, notFound } from "../errors";

/** Loads a record to edit, locked, checking its version; null when creating (no id). */
export async function loadForEdit<T extends ObjectLiteral & { id: string; version: number }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  label: string,
  id: string | undefined,
  version: number | undefined | null,
): Promise<T | null> {
  if (!id) return null;
  if (version === undefined || version === null) throw badInput("version", "give the version you read when editing");
  const row = await manager.findOne(entity, { where: { id } as never, lock: { mode: "pessimistic_write" } });
  if (!row) throw notFound(label, id);
  if (row.version !== version) throw conflict(label, id, version, row.version);
  return row;
}
