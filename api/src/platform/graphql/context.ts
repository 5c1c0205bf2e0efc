import type { DataSource } from "typeorm";
import type { Principal } from "../auth/roles";
import type { Logger } from "../logger";
import type { Loaders } from "./loaders";
import type { Services } from "./services";

export interface QuellContext {
  principal?: Principal;
  dataSource: DataSource;
  loaders: Loaders;
  requestId: string;
  log: Logger;
  services: Services;
  /** The client's network address (the in-flight cap counts anonymous callers by it). */
  clientAddress?: string;
}
