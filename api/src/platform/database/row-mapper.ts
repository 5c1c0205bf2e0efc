import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";

const TIMESTAMP_TYPES = new Set<unknown>(["timestamp with time zone", "timestamptz", "timestamp", "date", Date]);

/**
 * Turns a raw row (column names as stored, straight from the driver or from `to_jsonb(row)`) into an
 * entity without TypeORM's hydration: one property per column, timestamps as Dates (jsonb carries
 * them as text). For hot read paths that fetch rows with plain SQL; relations are not loaded. Columns
 * missing from the row are left unset.
 */
export function rowMapper<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>): (row: Record<string, unknown>) => T {
  const metadata = dataSource.getMetadata(entity);
  const columns = metadata.columns.map((c) => ({ property: c.propertyName, column: c.databaseName, timestamp: TIMESTAMP_TYPES.has(c.type) }));
  const prototype = (metadata.target as { prototype: object }).prototype;
  return (row) => {
    const entityRow = Object.create(prototype) as Record<string, unknown>;
    for (const { property, column, timestamp } of columns) {
      const value = row[column];
      // A row of a few columns (a lean page) leaves the others unset rather than holding undefined.
      if (value === undefined) continue;
      entityRow[property] = timestamp && typeof value === "string" ? new Date(value) : value;
    }
    return entityRow as T;
  };
}
