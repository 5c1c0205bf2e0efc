import { GraphQLError } from "graphql";

/** Stable codes clients branch on; the message is for people. */
export enum ErrorCode {
  BadUserInput = "BAD_USER_INPUT",
  NotFound = "NOT_FOUND",
  Conflict = "CONFLICT",
  Forbidden = "FORBIDDEN",
  Unauthenticated = "UNAUTHENTICATED",
  InvalidTransition = "INVALID_TRANSITION",
  PreconditionFailed = "PRECONDITION_FAILED",
  RateLimited = "RATE_LIMITED",
  InsufficientData = "INSUFFICIENT_DATA",
  Internal = "INTERNAL_SERVER_ERROR",
}

const REQUEST_ENDING_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.RateLimited]: 429,
};

/** The one error class domain code throws; the GraphQL layer turns it into `extensions.code`. */
export class QuellError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    // Apollo uses extensions.http.status when a context error (a bad token, too many requests) ends the request.
    const status = REQUEST_ENDING_STATUS[code];
    const http = status ? { http: { status } } : {};
    super(message, { extensions: { code, ...details, ...http } });
    this.name = "QuellError";
  }
}

export const notFound = (entity: string, key: string | number) =>
  new QuellError(ErrorCode.NotFound, `${entity} ${key} does not exist.`, { entity, key: String(key) });

export const badInput = (field: string, reason: string) =>
  new QuellError(ErrorCode.BadUserInput, `${field}: ${reason}`, { field, reason });

export const conflict = (entity: string, id: string, expectedVersion: number, actualVersion: number) =>
  new QuellError(
    ErrorCode.Conflict,
    `${entity} ${id} was changed by someone else (you sent version ${expectedVersion}, it is now ${actualVersion}). Reload it and apply your change again.`,
    { entity, id, expectedVersion, actualVersion },
  );
