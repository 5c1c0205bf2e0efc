/** One GraphQL error as the API sends it: `extensions.code` plus details for some codes. */
export interface ApiErrorShape {
  message: string;
  extensions?: {
    code?: string;
    fields?: Array<{ field: string; reasons: string[] }>;
    allowed?: string[];
    expectedVersion?: number;
    actualVersion?: number;
    [key: string]: unknown;
  };
}

/** A failed request: the first error's code decides how the page reacts. */
export class ApiError extends Error {
  readonly code: string;
  readonly errors: ApiErrorShape[];

  constructor(errors: ApiErrorShape[], fallbackCode = "INTERNAL_SERVER_ERROR") {
    super(errors.map((e) => e.message).join("\n") || "The request failed.");
    this.name = "ApiError";
    this.errors = errors;
    this.code = errors[0]?.extensions?.code ?? fallbackCode;
  }

  get first(): ApiErrorShape | undefined {
    return this.errors[0];
  }

  /** Field name → reasons, for BAD_USER_INPUT. */
  get fieldProblems(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const e of this.errors) for (const f of e.extensions?.fields ?? []) out[f.field.replace(/^input\./, "")] = f.reasons;
    return out;
  }
}

export const isConflict = (err: unknown): err is ApiError => err instanceof ApiError && err.code === "CONFLICT";
export const isUnauthenticated = (err: unknown): err is ApiError => err instanceof ApiError && err.code === "UNAUTHENTICATED";

/** A sentence a person can act on, for any error a request can throw. */
export function describeError(err: unknown, context: { attemptedStage?: string } = {}): string {
  if (!(err instanceof ApiError)) {
    if (err instanceof TypeError) return "The Quell API cannot be reached. Check your connection and try again.";
    return err instanceof Error ? err.message : String(err);
  }
  const first = err.first;
  switch (err.code) {
    case "CONFLICT":
      return "Someone else changed this incident after you opened it. Reload to see their change, then try again.";
    case "INVALID_TRANSITION": {
      const allowed = first?.extensions?.allowed ?? [];
      // When the move exists but a guard refused it, the reason is the message; listing the
      // same stage as "allowed" would only confuse.
      if (context.attemptedStage && allowed.includes(context.attemptedStage)) return stageWords(first?.message ?? "That stage change is not allowed now.");
      const tail = allowed.length > 0 ? ` Allowed next: ${allowed.map(stageWords).join(", ")}.` : " No further stage is allowed now.";
      return stageWords(`${first?.message ?? "That stage change is not allowed."}${tail}`);
    }
    case "BAD_USER_INPUT": {
      const problems = Object.entries(err.fieldProblems);
      if (problems.length === 0) return sentence(fieldWords(first?.message ?? "Some input is not valid."));
      return `Please fix: ${problems.map(([field, reasons]) => `${fieldWords(field)} (${reasons.map(fieldWords).join("; ")})`).join(", ")}.`;
    }
    case "FORBIDDEN":
      return `You are not allowed to do that. ${first?.message ?? ""}`.trim();
    case "UNAUTHENTICATED":
      return "Your session has ended. Please sign in again.";
    case "NOT_FOUND":
      return first?.message ?? "Not found.";
    default:
      return err.message;
  }
}

/**
 * The API names fields as its input does ("input.plannedEnd: must be after plannedStart"); people
 * read words ("planned end: must be after planned start"), so input paths and camelCase names are
 * spelled out. Only identifiers that start lower-case and have a capital inside are touched.
 */
export function fieldWords(text: string): string {
  return text.replace(/\binput\./g, "").replace(/\b[a-z]+(?:[A-Z][a-z0-9]*)+\b/g, (name) => name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`));
}

/** Stage names as the API spells them ("root_cause_known") in words ("root cause known"). */
const stageWords = (text: string) => text.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (name) => name.replace(/_/g, " "));

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
