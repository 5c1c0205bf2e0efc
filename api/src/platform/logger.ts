import pino from "pino";

/** The CLI's stdout is its result (JSON for scripts), so there the logs go to stderr. */
const isCli = /[\\/]cli[\\/]quell\.(js|ts)$/.test(require.main?.filename ?? "");

/** Structured JSON logs; one root logger, children per component. */
export const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info"),
    base: { service: "quell" },
    redact: ["req.headers.authorization", "*.password", "*.token"],
  },
  isCli || process.env.QUELL_LOG_STDERR === "1" ? pino.destination(2) : pino.destination(1),
);

export type Logger = pino.Logger;
