import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { ArgumentValidationError } from "type-graphql";
import { QueryFailedError } from "typeorm";
import type { ValidationError } from "class-validator";
import { ErrorCode, QuellError } from "../errors";
import { logger, scrubSecretsInText } from "../logger";

/** Quoted input longer than this is shortened in messages: a client never gets megabytes of its own input back. */
const MAX_QUOTED_CHARS = 80;
const MAX_MESSAGE_CHARS = 1_000;

/** Shortens quoted values (graphql echoes variable values in its messages) and hides secrets in them. */
export function boundedMessage(message: string): string {
  const shortened = scrubSecretsInText(message).replace(/"((?:[^"\\]|\\.)*)"/g, (quoted, inner: string) =>
    inner.length > MAX_QUOTED_CHARS ? `"${inner.slice(0, MAX_QUOTED_CHARS)}…" (${inner.length} characters)` : quoted,
  );
  return shortened.length > MAX_MESSAGE_CHARS ? `${shortened.slice(0, MAX_MESSAGE_CHARS)}… (message shortened)` : shortened;
}

interface FieldProblem {
  field: string;
  reasons: string[];
}

function flatten(errors: ValidationError[], prefix = ""): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, reasons: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Codes that are safe to show as they are: they describe the request, not the server. */
const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.Internal),
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "BAD_REQUEST",
]);

/** PostgreSQL's unique_violation (23505), as TypeORM wraps it. */
function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === "23505";
}

/**
 * The one place errors are shaped for clients. Our own errors and GraphQL's request errors
 * pass through; validation errors name each field; anything else (SQL, bugs) is logged in
 * full and reaches the client as INTERNAL_SERVER_ERROR with an id to quote to support.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof ArgumentValidationError) {
    const fields = flatten(original.extensions.validationErrors as ValidationError[]);
    const message = `Invalid input: ${fields.map((f) => `${f.field}: ${f.reasons.join("; ")}`).join(" | ")}`;
    return { message, path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.BadUserInput, fields } };
  }
  if (original instanceof QuellError) {
    const { http: _http, ...extensions } = original.extensions;
    return { message: boundedMessage(original.message), path: formatted.path, locations: formatted.locations, extensions };
  }
  if (isUniqueViolation(original)) {
    // A check-then-insert that lost a race to a concurrent write of the same unique value: the caller's conflict, not our fault.
    logger.info({ path: formatted.path }, "unique value taken by a concurrent write");
    return {
      message: "A record with this unique value was saved at the same moment; reload and try again with another value.",
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.Conflict },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === "string" && CLIENT_CODES.has(code)) {
    // `http` tells Apollo the status; it is not for clients (graphql-ws would pass it on).
    const { http: _http, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, message: boundedMessage(formatted.message), extensions };
  }
  const errorId = Math.random().toString(36).slice(2, 10);
  logger.error({ err: original, errorId, path: formatted.path }, "unexpected error in GraphQL request");
  return {
    message: `Something went wrong on our side (error id ${errorId}); it has been logged.`,
    path: formatted.path,
    extensions: { code: ErrorCode.Internal, errorId },
  };
}
