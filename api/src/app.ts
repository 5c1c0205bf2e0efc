import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { Redis } from "ioredis";
import type { DataSource } from "typeorm";
import { limitArgon2Concurrency, TokenIssuer } from "./platform/auth/auth.service";
import { LoginThrottle } from "./platform/auth/login-throttle";
import { forgetCachedPrincipals, onPrincipalsForgotten } from "./platform/auth/principal-cache";
import type { Clock } from "./platform/clock";
import type { QuellConfig } from "./platform/config";
import { closeDatabase, openDatabase } from "./platform/database/data-source";
import { buildQuellSchema } from "./platform/graphql/schema";
import { createServices, type Services } from "./platform/graphql/services";
import { startHttpServer, type HttpServer } from "./platform/http/server";
import { logger } from "./platform/logger";
import { QuellPubSub } from "./platform/pubsub";
import { METRICS_CSV_EXPORT } from "./modules/metrics/metrics.csv";
import { alertHooksFastPath, alertHooksRouter } from "./modules/alert/alert.http";

const PRINCIPALS_FORGOTTEN_TOPIC = "auth.principals-forgotten";

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
  limitArgon2Concurrency(config.argon2Concurrency);
  const throttleRedis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1 }) : undefined;
  throttleRedis?.on("error", () => undefined); // the throttle falls back to in-process counts; pub/sub logs outages
  const loginThrottle = new LoginThrottle({
    perAccount: config.loginFailuresPerAccount,
    perAddress: config.loginFailuresPerAddress,
    windowSeconds: config.loginWindowSeconds,
    keyPrefix: config.loginThrottlePrefix,
    redis: throttleRedis,
  });
  const services = createServices({ dataSource, pubsub, issuer, config, loginThrottle, clock: options.clock, redis: throttleRedis });
  // A revocation here empties the other replicas' principal caches too (and theirs ours).
  const stopPublishing = onPrincipalsForgotten(() => pubsub.publish(PRINCIPALS_FORGOTTEN_TOPIC, {}));
  const stopListening = new AbortController();
  void (async () => {
    for await (const _ of pubsub.subscribe(PRINCIPALS_FORGOTTEN_TOPIC, stopListening.signal)) forgetCachedPrincipals(false);
  })().catch(() => undefined);
  return {
    config,
    dataSource,
    services,
    async close() {
      stopPublishing();
      stopListening.abort();
      throttleRedis?.disconnect();
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
  // Alert webhooks are plain HTTP beside GraphQL (monitoring systems speak JSON over POST).
  const hookOptions = { bodyLimitBytes: config.alertBodyLimitBytes };
  const hooks = alertHooksRouter(base.services.alertIngestion, hookOptions);
  const http = await startHttpServer(config, schema, base.services, [METRICS_CSV_EXPORT], (app) => app.use(hooks), alertHooksFastPath(base.services.alertIngestion, hookOptions));
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
