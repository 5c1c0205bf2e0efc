import { EventEmitter } from "node:events";
import type { PGlite } from "@electric-sql/pglite";

/**
 * A `pg`-shaped pool over one PGlite instance for TypeORM's postgres driver.
 *
 * PGlite is a single connection, so a TypeORM query runner must own it for as long as it
 * holds it: otherwise two concurrent transactions interleave their statements on one
 * session (typeorm-pglite's pool does exactly that). This pool hands out the one
 * connection to a single holder at a time, like a pg pool of size 1.
 */
let sharedInstance: Promise<PGlite> | undefined;
let sharedFactory: (() => Promise<PGlite>) | undefined;

export function configurePglite(factory: () => Promise<PGlite>): void {
  sharedFactory = factory;
  sharedInstance = undefined;
}

export async function pgliteInstance(): Promise<PGlite> {
  if (!sharedFactory) throw new Error("PGlite is not configured");
  sharedInstance ??= sharedFactory();
  return sharedInstance;
}

export async function closePglite(): Promise<void> {
  if (!sharedInstance) return;
  const instance = await sharedInstance;
  sharedInstance = undefined;
  if (!instance.closed) await instance.close();
}

function commandOf(sql: string): string {
  const match = /^\s*(\w+)/.exec(sql);
  return match ? match[1].toUpperCase() : "";
}

class PgliteConnection extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  async query(sql: string, params?: unknown[], callback?: (err: unknown, result?: unknown) => void) {
    try {
      let result: { rows: unknown[]; affectedRows?: number; fields: unknown[] };
      if (params && params.length > 0) {
        result = await this.db.query(sql, params);
      } else {
        // exec runs multi-statement strings (migrations); TypeORM wants the last result.
        const results = await this.db.exec(sql);
        result = results[results.length - 1] ?? { rows: [], fields: [] };
      }
      const shaped = {
        rows: result.rows,
        rowCount: result.affectedRows ?? result.rows.length,
        command: commandOf(sql),
        fields: result.fields,
      };
      callback?.(null, shaped);
      return shaped;
    } catch (error) {
      callback?.(error);
      throw error;
    }
  }
}

export class PglitePool extends EventEmitter {
  private queue: Array<() => void> = [];
  private busy = false;

  connect(callback: (err: unknown, connection?: PgliteConnection, release?: (err?: unknown) => void) => void) {
    const grant = () => {
      pgliteInstance().then(
        (db) => {
          let released = false;
          const release = () => {
            if (released) return;
            released = true;
            const next = this.queue.shift();
            if (next) next();
            else this.busy = false;
          };
          callback(null, new PgliteConnection(db), release);
        },
        (error) => {
          const next = this.queue.shift();
          if (next) next();
          else this.busy = false;
          callback(error);
        },
      );
    };
    if (this.busy) this.queue.push(grant);
    else {
      this.busy = true;
      grant();
    }
  }

  end(callback?: (err?: unknown) => void) {
    closePglite().then(() => callback?.(), (error) => callback?.(error));
  }
}

/** What TypeORM's `driver` option expects: a module with a `Pool` class. */
export const pgliteDriverModule = { Pool: PglitePool };
