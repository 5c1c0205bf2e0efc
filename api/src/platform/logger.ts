import pino from "pino";

/** Structured JSON logs; one root logger, children per component. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info"),
  base: { service: "quell" },
  redact: ["req.headers.authorization", "*.password", "*.token"],
});

export type Logger = pino.Logger;
