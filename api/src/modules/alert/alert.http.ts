import { createHash } from "node:crypto";
import express, { type ErrorRequestHandler, type Request, type Response } from "express";
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

function bearer(req: Request): string | null {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1] : null;
}

/** Writes a JSON answer directly: express's res.json adds an ETag hash and freshness check no webhook sender reads. */
function answer(res: Response, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function refuse(res: Response, status: number, code: string, message: string, retryAfterSeconds?: number): void {
  if (retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(retryAfterSeconds));
  answer(res, status, { status: "refused", code, message });
}

/**
 * POST /hooks/alertmanager, /hooks/pagerduty (also /hooks/pagerduty/v2/enqueue) and /hooks/generic.
 * Answers 202 with the event id once the event is stored; 400 with the reason when the payload is
 * malformed (nothing is stored); 401 for a bad token; 413 when too large; 429 with Retry-After.
 */
export function alertHooksRouter(ingestion: AlertIngestion, opts: { bodyLimitBytes: number }): express.Router {
  const router = express.Router();
  const body = express.raw({ type: () => true, limit: opts.bodyLimitBytes });

  const handle = async (req: Request, res: Response) => {
    const source = req.params.source as AlertSource;
    if (!Object.values(AlertSource).includes(source)) return refuse(res, 404, "NOT_FOUND", `No such hook; use one of: ${Object.values(AlertSource).join(", ")}.`);
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
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
      const alerts = parseEvent(source, parsed, integration.fieldMapping, receivedAt);
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
  };

  router.post(["/hooks/:source", "/hooks/:source/v2/enqueue"], body, (req, res) => void handle(req, res));
  const tooLarge: ErrorRequestHandler = (err, _req, res, next) => {
    if ((err as { type?: string }).type === "entity.too.large") return refuse(res, 413, "PAYLOAD_TOO_LARGE", `The body is larger than ${opts.bodyLimitBytes} bytes.`);
    const status = (err as { status?: number }).status;
    if (typeof status === "number" && status >= 400 && status < 500) return refuse(res, status, "BAD_REQUEST", "The request could not be read.");
    next(err);
  };
  router.use("/hooks", tooLarge);
  return router;
}
