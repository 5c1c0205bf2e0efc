import http from "node:http";
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type ErrorRequestHandler } from "express";
import { getOperationAST, Kind, type ExecutionArgs, type GraphQLSchema } from "graphql";
import { WebSocketServer } from "ws";
import { principalFromBearer } from "../auth/auth.service";
import { assertAllowed, policyFor } from "../auth/policy";
import { ErrorCode, QuellError } from "../errors";
import type { QuellConfig } from "../config";
import type { QuellContext } from "../graphql/context";
import { formatError } from "../graphql/errors";
import { unstorableTextReason } from "../graphql/input-hygiene";
import { createLoaders } from "../graphql/loaders";
import { JitExecutor } from "../graphql/jit";
import { callerKey, GraphQLPipeline } from "../graphql/pipeline";
import type { Services } from "../graphql/services";
import { logger } from "../logger";
import { queryCountScope } from "../database/query-counter";
import { graphqlDuration, graphqlErrors, metricsRegistry, registerRuntimeGauges } from "../observability/metrics";
import { graphiqlPage } from "./graphiql";
import { serveGraphQLExport, type GraphQLExport } from "./graphql-export";
import { RateLimiter } from "./rate-limit";
import { serveGraphQLOverWebSocket } from "./ws";

class UnstorableTextError extends Error {}

/** Constant-time comparison, so the metrics token can't be guessed byte by byte from response times. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Operation names come from clients: past this many distinct ones, new names are counted as "other" (bounded label cardinality). */
const MAX_OPERATION_LABELS = 200;
const operationLabels = new Set<string>();
function operationLabel(name: string | null | undefined): string {
  const label = name && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) ? name : "anonymous";
  if (operationLabels.has(label)) return label;
  if (operationLabels.size >= MAX_OPERATION_LABELS) return "other";
  operationLabels.add(label);
  return label;
}

/** Text PostgreSQL cannot store (NUL, lone surrogates) is refused while the body is parsed, with a clear error. */
function refuseUnstorableText(_key: string, value: unknown): unknown {
  const reason = typeof value === "string" ? unstorableTextReason(value) : undefined;
  if (reason) throw new UnstorableTextError(reason);
  return value;
}

export interface HttpServer {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/** The API's HTTP face: GraphQL over POST/GET and WebSocket, the IDE, and health probes. */
/**
 * `exports` are GraphQL operations served as downloads; `mount` adds routes the composition root brings (a module's plain-HTTP endpoints).
 * `ahead` sees every request before express and answers the ones it takes (returning true): for a hot endpoint whose
 * per-request cost is mostly express's routing; it returns false for the rest, which express answers.
 */
export async function startHttpServer(
  config: QuellConfig,
  schema: GraphQLSchema,
  services: Services,
  exports: readonly GraphQLExport[] = [],
  mount?: (app: express.Express) => void,
  ahead?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean,
): Promise<HttpServer> {
  const app = express();
  app.disable("x-powered-by");
  if (config.trustProxy) app.set("trust proxy", /^\d+$/.test(config.trustProxy) ? Number(config.trustProxy) : config.trustProxy);
  const server = http.createServer(ahead ? (req, res) => void (ahead(req, res) || app(req, res)) : app);
  const rateLimiter = new RateLimiter(config.rateLimitPerMinute);
  registerRuntimeGauges(services.dataSource, services.jobs);

  async function contextFor(authorization: string | undefined, clientAddress?: string): Promise<QuellContext> {
    const requestId = randomUUID();
    const principal = await principalFromBearer(services.dataSource, services.issuer, authorization, config.sessionCacheMs);
    if (principal) rateLimiter.check(principal.tokenId ?? principal.userId);
    return { principal, authorization, clientAddress, dataSource: services.dataSource, loaders: createLoaders(services.dataSource, services), requestId, log: logger.child({ requestId }), services };
  }

  /**
   * A subscription outlives the check made when it started: before each event, authenticate its
   * credential again and apply the operation's rule to the caller as they are now. Revoked, expired
   * or deactivated throws UNAUTHENTICATED (the socket closes with 4401), a role that lost the right FORBIDDEN (4403).
   */
  async function recheckSubscriber(args: ExecutionArgs): Promise<void> {
    const context = args.contextValue as QuellContext;
    // Anonymous operations never got past the first check (nothing public is a subscription).
    if (!context.principal) return;
    const rootField = getOperationAST(args.document, args.operationName)?.selectionSet.selections.find((s) => s.kind === Kind.FIELD)?.name.value;
    const principal = await principalFromBearer(services.dataSource, services.issuer, context.authorization);
    assertAllowed({ principal }, (rootField && policyFor(rootField)) || []);
    context.principal = principal;
  }

  // One pipeline (limits, cost, in-flight cap, error masking) for both transports.
  const pipeline = new GraphQLPipeline(schema, config);
  const wsServer = new WebSocketServer({ server, path: "/graphql", maxPayload: config.bodyLimitBytes });
  const wsCleanup = serveGraphQLOverWebSocket(wsServer, {
    pipeline,
    contextFor,
    recheck: recheckSubscriber,
    recheckIntervalMs: config.subscriptionRecheckMs,
    authenticate: (authorization) => principalFromBearer(services.dataSource, services.issuer, authorization, config.sessionCacheMs),
    log: logger.child({ component: "graphql-ws" }),
  });

  const apolloLog = logger.child({ component: "apollo" });
  const apollo = new ApolloServer<QuellContext>({
    // Queries run compiled (graphql-jit, see JitExecutor); parsing, validation, plugins and error
    // formatting below are Apollo's as before.
    gateway: new JitExecutor(schema).gateway(),
    formatError,
    parseOptions: pipeline.parseOptions,
    validationRules: pipeline.validationRules,
    // Apollo's own messages go to the structured log, never to the console.
    logger: { debug: (m) => apolloLog.debug(m), info: (m) => apolloLog.info(m), warn: (m) => apolloLog.warn(m), error: (m) => apolloLog.error(m) },
    allowBatchedHttpRequests: false,
    introspection: true,
    // Shutdown is ours (closeOnSignals): Apollo would otherwise stop itself and re-raise SIGTERM.
    stopOnTerminationSignals: false,
    // Stack traces name server files; the log has them, clients never do.
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      // Apollo installs cache-control by default: it wraps every field's resolver to compute a
      // cache hint no one reads (the API sends no cacheable responses), about 9% of a queue page's CPU.
      ApolloServerPluginCacheControlDisabled(),
      pipeline.apolloPlugin((context) => callerKey((context as QuellContext).principal, (context as QuellContext).clientAddress)),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
      {
        async requestDidStart() {
          const startedAt = performance.now();
          return {
            async willSendResponse({ response, contextValue, operationName, errors }) {
              const scope = queryCountScope.getStore();
              graphqlDuration.observe({ operation: operationLabel(operationName) }, (performance.now() - startedAt) / 1000);
              for (const e of errors ?? []) graphqlErrors.inc({ code: String(e.extensions?.code ?? "INTERNAL_SERVER_ERROR") });
              if (config.exposeSqlCount && scope) response.http.headers.set("x-sql-statements", String(scope.statements));
              // One structured line per operation: who, what, how long, how many statements, which error codes.
              (contextValue as QuellContext | undefined)?.log.info(
                {
                  operation: operationName ?? "anonymous",
                  actor: (contextValue as QuellContext | undefined)?.principal?.label ?? null,
                  ms: Math.round(performance.now() - startedAt),
                  sqlStatements: scope?.statements,
                  errorCodes: errors?.map((e) => e.extensions?.code ?? "INTERNAL_SERVER_ERROR"),
                },
                "graphql request",
              );
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  // Prometheus scrapes with the configured bearer token; without one configured the endpoint does not exist.
  app.get("/metrics", async (req, res) => {
    if (!config.metricsToken) {
      res.status(404).json({ error: "Metrics are off: set QUELL_METRICS_TOKEN to turn them on." });
      return;
    }
    if (!sameSecret(req.headers.authorization ?? "", `Bearer ${config.metricsToken}`)) {
      res.status(401).set("www-authenticate", "Bearer").json({ error: "Send the metrics token: Authorization: Bearer <QUELL_METRICS_TOKEN>." });
      return;
    }
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  // Ready when what it depends on answers: the database, and Redis (the job queue) when it is configured.
  app.get("/readyz", async (_req, res) => {
    const check = (probe: () => Promise<unknown>, what: string) =>
      probe().then(
        () => "ok" as const,
        (err: unknown) => {
          logger.warn({ err: err instanceof Error ? err.message : err, dependency: what }, "readiness check failed");
          return "unreachable" as const;
        },
      );
    const [database, redis] = await Promise.all([
      check(() => services.dataSource.query("SELECT 1"), "database"),
      config.redisUrl ? check(() => services.jobs.ping(), "redis") : Promise.resolve(undefined),
    ]);
    const ready = database === "ok" && redis !== "unreachable";
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "unavailable", database, ...(redis ? { redis } : {}) });
  });
  app.get(["/", "/graphiql"], (req, res, next) => {
    if (req.path === "/" || req.accepts(["html", "json"]) === "html") {
      res.type("html").send(graphiqlPage({ query: req.query.query, variables: req.query.variables }));
      return;
    }
    next();
  });
  for (const exp of exports) app.get(exp.path, serveGraphQLExport(schema, exp, (req) => contextFor(req.headers.authorization, req.ip)));
  mount?.(app);
  app.use(
    "/graphql",
    // Every SQL statement of a request is counted in its own scope (see CountingLogger).
    (_req, _res, next) => queryCountScope.run({ statements: 0, sql: [] }, next),
    express.json({ limit: config.bodyLimitBytes, reviver: refuseUnstorableText }),
    expressMiddleware(apollo, {
      context: ({ req }) => contextFor(req.headers.authorization, req.ip),
    }),
  );
  const tooLarge: ErrorRequestHandler = (err, _req, res, next) => {
    if ((err as { type?: string }).type === "entity.too.large") {
      res.status(413).json({ errors: [{ message: `Request body is larger than ${config.bodyLimitBytes} bytes.`, extensions: { code: "PAYLOAD_TOO_LARGE" } }] });
      return;
    }
    if (err instanceof UnstorableTextError) {
      res.status(400).json({ errors: [{ message: err.message, extensions: { code: "BAD_USER_INPUT" } }] });
      return;
    }
    if ((err as { type?: string }).type === "entity.parse.failed") {
      res.status(400).json({ errors: [{ message: "Request body is not valid JSON.", extensions: { code: "BAD_REQUEST" } }] });
      return;
    }
    // Anything else the body parser refuses (wrong charset, bad encoding) is the client's request too.
    const status = (err as { status?: number }).status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      res.status(status).json({ errors: [{ message: "The request could not be read.", extensions: { code: "BAD_REQUEST" } }] });
      return;
    }
    logger.error({ err }, "unhandled error in HTTP request");
    res.status(500).json({ errors: [{ message: "Something went wrong on our side; it has been logged.", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
  };
  app.use(tooLarge);

  await new Promise<void>((resolve) => server.listen(config.httpPort, config.httpHost, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.httpPort;
  const url = `http://${config.httpHost}:${port}`;
  logger.info({ url }, "API listening");
  return {
    url,
    server,
    async close() {
      await apollo.stop();
      wsServer.close();
    },
  };
}

