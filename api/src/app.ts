import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import { TokenIssuer } from "./platform/auth/auth.service";
import type { Clock } from "./platform/clock";
import type { QuellConfig } from "./platform/config";
import { closeDatabase, openDatabase } from "./platform/database/data-source";
import { buildQuellSchema } from "./platform/graphql/schema";
import { createServices, type Services } from "./platform/graphql/services";
import { startHttpServer, type HttpServer } from "./platform/http/server";
import { logger } from "./platform/logger";
import { QuellPubSub } from "./platform/pubsub";

export interface QuellRuntime {
  config: QuellConfig;
  dataSource: DataSource;
  services: Services;
  close(): Promise<void>;
}

/** Database (migrated), pub/sub and domain services: what both the API and the workers need. */
export async function startRuntime(config: QuellConfig, options: { clock?: Clock } = {}): Promise<QuellRuntime> {
  const dataSource = await openDatabase(config);
  const pubsub = config.redisUrl
    ? new QuellPubSub({ publisher: new Redis(config.redisUrl, { lazyConnect: false }), subscriber: new Redis(config.redisUrl) })
    : new QuellPubSub();
  const issuer = new TokenIssuer(config.jwtSecret, config.jwtTtlSeconds);
  const services = createServices({ dataSource, pubsub, issuer, config, clock: options.clock });
  return {
    config,
    dataSource,
    services,
    async close() {
      await services.jobs.close();
      await pubsub.close();
      await closeDatabase(dataSource);
    },
  };
}

export interface QuellApi extends QuellRuntime {
  http: HttpServer;
  schema: GraphQLSchema;
}

export async function startApi(config: QuellConfig, runtime?: QuellRuntime): Promise<QuellApi> {
  const base = runtime ?? (await startRuntime(config));
  const schema = await buildQuellSchema(base.services.pubsub);
  const http = await startHttpServer(config, schema, base.services);
  return {
    ...base,
    http,
    schema,
    async close() {
      await http.close();
      await base.close();
      logger.info("API stopped");
    },
  };
}
