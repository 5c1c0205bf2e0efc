import http from "node:http";
import { randomUUID } from "node:crypto";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type ErrorRequestHandler } from "express";
import type { GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { principalFromBearer } from "../auth/auth.service";
import type { QuellConfig } from "../config";
import type { QuellContext } from "../graphql/context";
import { formatError } from "../graphql/errors";
import { complexityLimitPlugin, depthLimitRule } from "../graphql/limits";
import { createLoaders } from "../graphql/loaders";
import type { Services } from "../graphql/services";
import { logger } from "../logger";
import { queryCountScope } from "../database/query-counter";
import { graphiqlPage } from "./graphiql";
import { RateLimiter } from "./rate-limit";

const NUL_MESSAGE = "Text may not contain the NUL character (\\u0000); PostgreSQL cannot store it.";

/** PostgreSQL rejects U+0000 in text; refuse it up front with a clear error instead of a masked 500. */
function refuseNulCharacters(_key: string, value: unknown): unknown {
  if (typeof value === "string" && value.includes("\u0000")) throw new Error(NUL_MESSAGE);
  return value;
}

export interface HttpServer {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/** The API's HTTP face: GraphQL over POST/GET and WebSocket, the IDE, and health probes. */
export async function startHttpServer(config: QuellConfig, schema: GraphQLSchema, services: Services): Promise<HttpServer> {
  const app = express();
  app.disable("x-powered-by");
  const server = http.createServer(app);
  const rateLimiter = new RateLimiter(config.rateLimitPerMinute);

  async function contextFor(authorization: string | undefined): Promise<QuellContext> {
    const requestId = randomUUID();
    const principal = await principalFromBearer(services.dataSource, services.issuer, authorization);
    if (principal) rateLimiter.check(principal.tokenId ?? principal.userId);
    return { principal, dataSource: services.dataSource, loaders: createLoaders(services.dataSource), requestId, log: logger.child({ requestId }), services };
  }

  const wsServer = new WebSocketServer({ server, path: "/graphql", maxPayload: config.bodyLimitBytes });
  const wsCleanup = useServer(
    {
      schema,
      context: (ctx) => {
        const params = ctx.connectionParams ?? {};
        const auth = (params.authorization ?? params.Authorization) as string | undefined;
        return contextFor(auth);
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<QuellContext>({
    schema,
    formatError,
    validationRules: [depthLimitRule(config.maxQueryDepth)],
    introspection: true,
    // Shutdown is ours (closeOnSignals): Apollo would otherwise stop itself and re-raise SIGTERM.
    stopOnTerminationSignals: false,
    // Stack traces name server files; the log has them, clients never do.
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      complexityLimitPlugin(schema, config.maxQueryComplexity),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
      {
        async requestDidStart() {
          const startedAt = performance.now();
          return {
            async willSendResponse({ response, contextValue, operationName, errors }) {
              const scope = queryCountScope.getStore();
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
      res.type("html").send(graphiqlPage());
      return;
    }
    next();
  });
  app.use(
    "/graphql",
    // Every SQL statement of a request is counted in its own scope (see CountingLogger).
    (_req, _res, next) => queryCountScope.run({ statements: 0, sql: [] }, next),
    express.json({ limit: config.bodyLimitBytes, reviver: refuseNulCharacters }),
    expressMiddleware(apollo, {
      context: ({ req }) => contextFor(req.headers.authorization),
    }),
  );
  const tooLarge: ErrorRequestHandler = (err, _req, res, next) => {
    if ((err as { type?: string }).type === "entity.too.large") {
      res.status(413).json({ errors: [{ message: `Request body is larger than ${config.bodyLimitBytes} bytes.`, extensions: { code: "PAYLOAD_TOO_LARGE" } }] });
      return;
    }
    if ((err as { type?: string }).type === "entity.parse.failed") {
      const nul = (err as Error).message === NUL_MESSAGE;
      res.status(400).json({ errors: [{ message: nul ? NUL_MESSAGE : "Request body is not valid JSON.", extensions: { code: nul ? "BAD_USER_INPUT" : "BAD_REQUEST" } }] });
      return;
    }
    next(err);
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

