import type { IncomingMessage } from "node:http";
import { execute, GraphQLError, subscribe, type ExecutionArgs, type ExecutionResult } from "graphql";
import { CloseCode, handleProtocols, makeServer } from "graphql-ws";
import type { WebSocket, WebSocketServer } from "ws";
import { ErrorCode, QuellError } from "../errors";
import type { QuellContext } from "../graphql/context";
import { callerKey, type GraphQLPipeline } from "../graphql/pipeline";
import type { Logger } from "../logger";

/** How long to wait for a pong before dropping a silent client (as graphql-ws's own `useServer`). */
const KEEP_ALIVE_MS = 12_000;

/** Close frames carry at most 123 bytes of reason. */
function closeReason(message: string): string {
  return Buffer.byteLength(message) <= 123 ? message : `${Buffer.from(message).subarray(0, 119).toString("utf8").replace(/\uFFFD$/, "")}…`;
}

/**
 * The close code for an error that ends a connection: 4401 when the caller is not (or no longer)
 * signed in, 4403 when they may not do this any more, 4500 for our own failures.
 */
export function closeCodeFor(error: unknown): number {
  if (error instanceof QuellError && error.code === ErrorCode.Unauthenticated) return CloseCode.Unauthorized;
  if (error instanceof QuellError && error.code === ErrorCode.Forbidden) return CloseCode.Forbidden;
  return CloseCode.InternalServerError;
}

interface WsOptions {
  pipeline: GraphQLPipeline;
  /** Builds a request context; throws UNAUTHENTICATED for a bad token, RATE_LIMITED when over the limit. */
  contextFor(authorization: string | undefined, clientAddress: string | undefined): Promise<QuellContext>;
  /** Re-authorises a subscription's caller before each event; throws UNAUTHENTICATED or FORBIDDEN when they lost access. */
  recheck?(args: ExecutionArgs): Promise<void>;
  /** How often idle subscriptions are re-checked too, so a revoked or expired session closes without waiting for an event. */
  recheckIntervalMs?: number;
  /** Checks the connection's credential once, at `connection_init`. */
  authenticate(authorization: string | undefined): Promise<unknown>;
  log: Logger;
}

function authorizationOf(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === "string" ? value : undefined;
}

/**
 * GraphQL over WebSocket (graphql-transport-ws) through the same pipeline as HTTP: same limits,
 * same cost, same in-flight cap, same error masking. graphql-ws's `makeServer` speaks the
 * protocol; this binds it to `ws` (instead of its `useServer`, which prints stack traces with
 * console.error and closes every failure with 4500) so that failures are logged as structured
 * lines and the close code says what happened.
 */
export function serveGraphQLOverWebSocket(wsServer: WebSocketServer, options: WsOptions): { dispose(): Promise<void> } {
  const { pipeline, log } = options;
  // What onSubscribe prepared for an operation: its in-flight slot and its socket.
  const prepared = new WeakMap<ExecutionArgs, { release: () => void; socket: WebSocket }>();

  function closeFor(socket: WebSocket, error: unknown): void {
    const code = closeCodeFor(error);
    if (code === CloseCode.InternalServerError) log.error({ err: error }, "GraphQL over WebSocket failed; closing the connection");
    socket.close(code, closeReason(code === CloseCode.InternalServerError ? "Internal server error" : (error as Error).message));
  }

  /** Subscription streams that lose their caller's rights (a revoked session, a changed role) close the socket. */
  // Running subscriptions per socket, re-checked on a timer as well as before each event.
  const live = new Map<WebSocket, Set<ExecutionArgs>>();
  const recheckTimer =
    options.recheck && options.recheckIntervalMs
      ? setInterval(() => {
          for (const [socket, running] of live) {
            for (const args of running) {
              options.recheck!(args).catch((err: unknown) => {
                if (socket.readyState === socket.OPEN) closeFor(socket, err);
              });
            }
          }
        }, options.recheckIntervalMs)
      : undefined;
  recheckTimer?.unref();

  async function* closingOnLostAccess(events: AsyncIterable<unknown>, socket: WebSocket, args: ExecutionArgs) {
    const running = live.get(socket) ?? new Set<ExecutionArgs>();
    live.set(socket, running.add(args));
    try {
      for await (const event of events) {
        await options.recheck?.(args);
        yield event;
      }
    } catch (err) {
      if (closeCodeFor(err) === CloseCode.InternalServerError) throw err;
      closeFor(socket, err);
    } finally {
      running.delete(args);
      if (running.size === 0) live.delete(socket);
    }
  }

  const server = makeServer<Record<string, unknown> | undefined, { socket: WebSocket; request: IncomingMessage }>({
    schema: pipeline.schema,
    onConnect: async (ctx) => {
      await options.authenticate(authorizationOf(ctx.connectionParams));
      return true;
    },
    onSubscribe: async (ctx, _id, payload) => {
      const document = pipeline.parse(payload.query);
      if (Array.isArray(document)) return document;
      const invalid = pipeline.validate(document);
      if (invalid.length) return invalid;
      let contextValue: QuellContext;
      try {
        contextValue = await options.contextFor(authorizationOf(ctx.connectionParams), ctx.extra.request.socket.remoteAddress);
      } catch (err) {
        // A token that stopped working ends the connection; being over the rate limit ends only this operation.
        if (err instanceof QuellError && closeCodeFor(err) === CloseCode.InternalServerError) return [err];
        throw err;
      }
      let release: () => void;
      try {
        release = pipeline.admit(document, payload.operationName, payload.variables, callerKey(contextValue.principal, contextValue.clientAddress));
      } catch (err) {
        if (err instanceof GraphQLError) return [err];
        throw err;
      }
      const args: ExecutionArgs = { schema: pipeline.schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      prepared.set(args, { release, socket: ctx.extra.socket });
      return args;
    },
    execute: async (args) => {
      const startedAt = performance.now();
      let result: ExecutionResult;
      try {
        result = await execute(args);
      } finally {
        prepared.get(args)?.release();
      }
      // The same line per operation as over HTTP.
      const context = args.contextValue as QuellContext;
      context.log.info(
        {
          operation: args.operationName ?? "anonymous",
          actor: context.principal?.label ?? null,
          ms: Math.round(performance.now() - startedAt),
          errorCodes: result.errors?.map((e) => e.extensions?.code ?? "INTERNAL_SERVER_ERROR"),
          transport: "ws",
        },
        "graphql request",
      );
      return result;
    },
    subscribe: async (args) => {
      try {
        const result = await subscribe(args);
        const socket = prepared.get(args)?.socket;
        return socket && Symbol.asyncIterator in result ? (closingOnLostAccess(result, socket, args) as typeof result) : result;
      } finally {
        // A subscription holds no slot while it waits for events.
        prepared.get(args)?.release();
      }
    },
    onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map((e) => pipeline.format(e)) } : undefined),
    onError: (_ctx, _id, _payload, errors) => errors.map((e) => pipeline.format(e)),
  });

  wsServer.options.handleProtocols = handleProtocols;
  wsServer.on("error", (err) => log.error({ err }, "WebSocket server error"));
  wsServer.on("connection", (socket, request) => {
    // Oversized frames and broken clients: ws closes the socket itself; one structured line is enough.
    socket.on("error", (err) => log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, "WebSocket client error"));
    // A stream parked waiting for its next event may not reach its finally; forget the socket's subscriptions with it.
    socket.on("close", () => live.delete(socket));
    let pongWait: NodeJS.Timeout | null = null;
    const keepAlive = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), KEEP_ALIVE_MS);
      socket.once("pong", () => {
        if (pongWait) clearTimeout(pongWait);
        pongWait = null;
      });
      socket.ping();
    }, KEEP_ALIVE_MS);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (err) => (err ? reject(err) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on("message", async (data) => {
            try {
              await handle(String(data));
            } catch (err) {
              closeFor(socket, err);
            }
          }),
      },
      { socket, request },
    );
    socket.once("close", (code, reason) => {
      if (pongWait) clearTimeout(pongWait);
      clearInterval(keepAlive);
      void Promise.resolve(closed(code, String(reason))).catch((err: unknown) => log.warn({ err }, "WebSocket close handler failed"));
    });
  });

  return {
    async dispose() {
      if (recheckTimer) clearInterval(recheckTimer);
      for (const client of wsServer.clients) client.close(1001, "Going away");
      wsServer.removeAllListeners();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
