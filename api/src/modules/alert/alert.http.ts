import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { finished } from "node:stream";
import express, { type ErrorRequestHandler } from "express";
import getRawBody from "raw-body";
import { unstorableTextReason } from "../../platform/graphql/input-hygiene";
import { logger } from "../../platform/logger";
import { AlertSource } from "./alert.entity";
import { IngestError, type AlertIngestion } from "./alert.ingest";
import { parseEvent, parsePagerDuty, PayloadError } from "./alert.sources";

const log = logger.child({ component: "alert-hooks" });

/** `\u` in the bytes: the only way JSON text can carry a NUL or a lone surrogate (UTF-8 decoding makes neither). */
const UNICODE_ESCAPE = Buffer.from("\\u");

function parseJson(raw: Buffer): unknown {
  try {
    // Most payloads have no \u escape and skip the per-value reviver (several times slower than a plain parse).
    if (!raw.includes(UNICODE_ESCAPE)) return JSON.parse(raw.toString("utf8"));
    return JSON.parse(raw.toString("utf8"), (_key, value: unknown) => {
      const reason = typeof value === "string" ? unstorableTextReason(value) : undefined;
      if (reason) throw new PayloadError(reason);
      return value;
    });
  } catch (error) {
    if (error instanceof PayloadError) throw error;
    throw new PayloadError("the body is not valid JSON");
  }
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1] : null;
}

/** Writes a JSON answer directly: express's res.json adds an ETag hash and freshness check no webhook sender reads. */
function answer(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, code: string, message: string, retryAfterSeconds?: number): void {
  if (retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(retryAfterSeconds));
  answer(res, status, { status: "refused", code, message });
}

const SOURCES = new Set<string>(Object.values(AlertSource));

/** The hook's work once the body is read: who, may they, parse, store, answer 202 once stored (or refuse). */
async function ingest(ingestion: AlertIngestion, source: string, raw: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!SOURCES.has(source)) return refuse(res, 404, "NOT_FOUND", `No such hook; use one of: ${[...SOURCES].join(", ")}.`);
  const receivedAt = new Date();
  try {
    let token = bearer(req);
    let parsed: unknown;
    if (!token && source === AlertSource.pagerduty && raw.length) {
      // PagerDuty senders put the integration key in the body.
      parsed = parseJson(raw);
      token = parsePagerDuty(parsed, receivedAt).routingKey;
    }
    const integration = await ingestion.authenticate(token);
    if (integration.source !== source) throw new IngestError(400, "BAD_REQUEST", `This token belongs to a ${integration.source} integration; send to /hooks/${integration.source}.`);
    await ingestion.admit(integration.id);
    if (!raw.length) throw new PayloadError("the body is empty");
    parsed ??= parseJson(raw);
    const alerts = parseEvent(source as AlertSource, parsed, integration.fieldMapping, receivedAt);
    const headerKey = req.headers["idempotency-key"];
    const idempotencyKey = typeof headerKey === "string" && headerKey.trim() ? `h:${headerKey.trim()}` : `b:${createHash("sha256").update(raw).digest("hex")}`;
    const { eventId, duplicate } = await ingestion.store(integration, alerts, idempotencyKey);
    answer(res, 202, {
      status: "accepted",
      eventId,
      duplicate,
      alerts: alerts.length,
      // What PagerDuty's own endpoint answers, so its clients read it as success.
      ...(source === AlertSource.pagerduty ? { message: "Event processed", dedup_key: alerts[0].dedupKey } : {}),
    });
  } catch (error) {
    if (error instanceof PayloadError) return refuse(res, 400, "BAD_REQUEST", `Malformed ${source} payload: ${error.message}.`);
    if (error instanceof IngestError) return refuse(res, error.status, error.code, error.message, error.retryAfterSeconds);
    log.error({ err: error instanceof Error ? error.message : error }, "alert ingestion failed");
    return refuse(res, 503, "UNAVAILABLE", "The event could not be stored; retry later.", 5);
  }
}

/** A body the reader refused: too large (413), or unreadable (aborted, shorter than its length): 4xx. */
function refuseUnread(res: ServerResponse, err: unknown, bodyLimitBytes: number): boolean {
  if ((err as { type?: string }).type === "entity.too.large") {
    refuse(res, 413, "PAYLOAD_TOO_LARGE", `The body is larger than ${bodyLimitBytes} bytes.`);
    return true;
  }
  const status = (err as { status?: number }).status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    refuse(res, status, "BAD_REQUEST", "The request could not be read.");
    return true;
  }
  return false;
}

/** /hooks/<source> or /hooks/<source>/v2/enqueue, as the express route matches them (any case, optional trailing slash). */
const HOOK_PATH = /^\/hooks\/([^/?]+)(?:\/v2\/enqueue)?\/?(?:\?|$)/i;

/**
 * The hooks answered straight from node:http, before express: the common delivery (a POST with an
 * uncompressed body to a known source) skips express's routing and request decoration, a tenth
 * of the API's CPU per alert (bench:alerts profile). Returns false for anything else, which the
 * express router below answers the same way (and also inflates gzip/deflate bodies).
 */
export function alertHooksFastPath(ingestion: AlertIngestion, opts: { bodyLimitBytes: number }): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== "POST" || !req.url?.startsWith("/hooks/")) return false;
    const source = HOOK_PATH.exec(req.url)?.[1];
    const encoding = req.headers["content-encoding"];
    if (!source || !SOURCES.has(source) || (encoding && encoding.toLowerCase() !== "identity")) return false;
    getRawBody(req, { limit: opts.bodyLimitBytes, length: req.headers["content-length"] }).then(
      (raw) => ingest(ingestion, source, raw, req, res),
      (err: unknown) => {
        // Read off the rest of the body first (as express's body parser does), then answer.
        finished(req, () => {
          if (refuseUnread(res, err, opts.bodyLimitBytes)) return;
          log.error({ err: err instanceof Error ? err.message : err }, "alert hook body could not be read");
          refuse(res, 500, "INTERNAL_SERVER_ERROR", "The request could not be read.");
        });
        req.resume();
      },
    );
    return true;
  };
}

/**
 * POST /hooks/alertmanager, /hooks/pagerduty (also /hooks/pagerduty/v2/enqueue) and /hooks/generic.
 * Answers 202 with the event id once the event is stored; 400 with the reason when the payload is
 * malformed (nothing is stored); 401 for a bad token; 413 when too large; 429 with Retry-After.
 */
export function alertHooksRouter(ingestion: AlertIngestion, opts: { bodyLimitBytes: number }): express.Router {
  const router = express.Router();
  const body = express.raw({ type: () => true, limit: opts.bodyLimitBytes });
  router.post(["/hooks/:source", "/hooks/:source/v2/enqueue"], body, (req, res) => void ingest(ingestion, req.params.source as string, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), req, res));
  const tooLarge: ErrorRequestHandler = (err, _req, res, next) => {
    if (!refuseUnread(res, err, opts.bodyLimitBytes)) next(err);
  };
  router.use("/hooks", tooLarge);
  return router;
}
