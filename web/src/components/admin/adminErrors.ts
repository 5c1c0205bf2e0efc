import { ApiError, describeError } from "@/lib/errors";

/** Admin errors carry their own precise message (IN_USE counts, last admin, weak password); show it. */
export function adminError(err: unknown): string {
  if (err instanceof ApiError && ["CONFLICT", "PRECONDITION_FAILED", "BAD_USER_INPUT", "NOT_FOUND"].includes(err.code)) {
    const fields = Object.entries(err.fieldProblems);
    if (fields.length > 0) return `Please fix: ${fields.map(([field, reasons]) => `${field} (${reasons.join("; ")})`).join(", ")}.`;
    return err.first?.message ?? describeError(err);
  }
  return describeError(err);
}

export const roleLabel = (role: string) => role.replace("_", " ");
