import http from "node:http";
import { randomUUID } from "node:crypto";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type ErrorRequestHandler } from "express";
import { getOperationAST, Kind, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { principalFromBearer } from "../auth/auth.service";
import { assertAllowed, policyFor } from "../auth/policy";
import { ErrorCode, QuellError } from "../errors";
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
  if (config.trustProxy) app.set("trust proxy", /^\d+$/.test(config.trustProxy) ? Number(config.trustProxy) : config.trustProxy);
  const server = http.createServer(app);
  const rateLimiter = new RateLimiter(config.rateLimitPerMinute);

  async function contextFor(authorization: string | undefined, clientAddress?: string): Promise<QuellContext> {
    const requestId = randomUUID();
    const principal = await principalFromBearer(services.dataSource, services.issuer, authorization);
    if (principal) rateLimiter.check(principal.tokenId ?? principal.userId);
    return { principal, authorization, clientAddress, dataSource: services.dataSource, loaders: createLoaders(services.dataSource), requestId, log: logger.child({ requestId }), services };
  }

  /**
   * A subscription outlives the check made when it started: before each event, authenticate its
   * credential again and apply the operation's rule to the caller as they are now. Revoked, expired
   * or deactivated closes the socket with 4401, a role that lost the right with 4403.
   */
  async function recheckSubscriber(context: QuellContext, rootField: string | undefined): Promise<QuellError | undefined> {
    try {
      const principal = await principalFromBearer(services.dataSource, services.issuer, context.authorization);
      assertAllowed({ principal }, (rootField && policyFor(rootField)) || []);
      context.principal = principal;
      return undefined;
    } catch (err) {
      if (err instanceof QuellError) return err;
      throw err;
    }
  }

  const wsServer = new WebSocketServer({ server, path: "/graphql", maxPayload: config.bodyLimitBytes });
  const wsCleanup = useServer(
    {
      schema,
      context: (ctx) => {
        const params = ctx.connectionParams ?? {};
        const auth = (params.authorization ?? params.Authorization) as string | undefined;
        return contextFor(auth, ctx.extra.request.socket.remoteAddress);
      },
      onNext: async (ctx, _id, _payload, args) => {
        // Anonymous operations never got past the first check (nothing public is a subscription): leave their refusal as it is.
        if (!(args.contextValue as QuellContext).principal) return undefined;
        const rootField = getOperationAST(args.document, args.operationName)?.selectionSet.selections.find((s) => s.kind === Kind.FIELD)?.name.value;
        const refused = await recheckSubscriber(args.contextValue as QuellContext, rootField);
        if (!refused) return undefined;
        const unauthenticated = refused.code === ErrorCode.Unauthenticated;
        ctx.extra.socket.close(unauthenticated ? 4401 : 4403, unauthenticated ? "Unauthorized" : "Forbidden");
        return { errors: [{ message: refused.message, extensions: { code: refused.code } }] };
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
  app.get("/readyz", async (_req, res) => {
    try {
      await services.dataSource.query("SELECT 1");
      res.json({ status: "ready", database: "ok" });
    } catch (err) {
      logger.warn({ err }, "readiness check failed");
      res.status(503).json({ status: "unavailable", database: "unreachable" });
    }
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
      context: ({ req }) => contextFor(req.headers.authorization, req.ip),
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

