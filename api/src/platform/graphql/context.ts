import type { DataSource } from "typeorm";
import type { Principal } from "../auth/roles";
import type { Logger } from "../logger";
import type { Loaders } from "./loaders";
import type { Services } from "./services";

export interface QuellContext {
  principal?: Principal;
  /** The Authorization value the principal came from; a subscription re-checks it on every event. */
  authorization?: string;
  /** The caller's network address (login throttling, audit, and the in-flight cap for anonymous callers). */
  clientAddress?: string;
  dataSource: DataSource;
  loaders: Loaders;
  requestId: string;
  log: Logger;
  services: Services;
}
