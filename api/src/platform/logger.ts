import pino from "pino";

/** The CLI's stdout is its result (JSON for scripts), so there the logs go to stderr. */
const isCli = /[\\/]cli[\\/]quell\.(js|ts)$/.test(require.main?.filename ?? "");

/** Keys whose values are never written to a log, at any depth, in any letter case. */
const SECRET_KEY = /pass(word|wd|phrase)?$|secret|token|authori[sz]ation|cookie|api[-_]?key|credential/i;
export const REDACTED = "[Redacted]";

/** `password: "hunter2"`, `"token":"…"`, `authorization=Bearer …` inside free text (error messages echo variables). */
const SECRET_IN_TEXT = /((?:pass(?:word|wd|phrase)?|secret|token|authori[sz]ation|api[-_]?key)["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|Bearer\s+[^\s,;}"']+|[^\s,;}"']+)/gi;

/** Password hashes, and PostgreSQL's dump of a row that broke a constraint (it holds whatever was typed). */
const HASH_OR_ROW = /\$argon2(?:id|i|d)\$(?:v=\d+\$)?[^\s$]+\$[^\s$]+\$[^\s,)]+|(?<=Failing row contains \().*(?=\)\.?$)/g;

export function scrubSecretsInText(text: string): string {
  return text.replace(SECRET_IN_TEXT, `$1"${REDACTED}"`).replace(HASH_OR_ROW, REDACTED);
}

/**
 * A copy of `value` with secrets replaced: values under secret-looking keys, and secrets quoted
 * inside strings. Errors keep their message (scrubbed) and stack; cycles are cut.
 */
export function redactSecrets(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return scrubSecretsInText(value);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[Circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, seen));
  const out: Record<string, unknown> = {};
  if (value instanceof Error) {
    out.type = value.constructor.name;
    out.message = scrubSecretsInText(value.message);
    if (value.stack) out.stack = scrubSecretsInText(value.stack);
  }
  for (const [key, v] of Object.entries(value)) {
    // SQL parameters can hold anything a user typed; the statement itself is enough to debug.
    out[key] = SECRET_KEY.test(key) || key === "parameters" ? REDACTED : redactSecrets(v, seen);
  }
  return out;
}

/** A log line's object, redacted; `err` is left to its serializer, which keeps the error's type and redacts it there. */
function redactLogObject(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    out[key] = key === "err" && value instanceof Error ? value : SECRET_KEY.test(key) ? REDACTED : redactSecrets(value);
  }
  return out;
}

/**
 * Every line passes through here: several streams can be attached (tests capture the log with
 * `logStreams.add`), and `formatters.log` redacts secrets from whatever object is logged.
 */
export const logStreams = pino.multistream([
  { level: "trace", stream: isCli || process.env.QUELL_LOG_STDERR === "1" ? pino.destination(2) : pino.destination(1) },
]);

/** Structured JSON logs; one root logger, children per component. */
export const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info"),
    base: { service: "quell" },
    formatters: { log: redactLogObject },
    serializers: { err: (err: Error) => redactSecrets(pino.stdSerializers.err(err)) },
    // Messages are free text too (`log.info("… password=…")`).
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === "string" ? scrubSecretsInText(a) : a)) as Parameters<typeof method>);
      },
    },
  },
  logStreams,
);

export type Logger = pino.Logger;
