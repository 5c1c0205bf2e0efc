/**
 * Thrown by trainClassifier when the history is too small to learn from. The thresholds are
 * documented in train.ts (MIN_TOTAL_EXAMPLES, MIN_CLASS_EXAMPLES, MIN_CLASSES): the caller shows
 * `message` to the person who asked, and keeps suggestions off until more incidents are labelled.
 */
export class InsufficientDataError extends Error {
  readonly code = "INSUFFICIENT_DATA";

  constructor(
    message: string,
    readonly details: { total: number; usableClasses: number; classCounts: Record<string, number> },
  ) {
    super(message);
    this.name = "InsufficientDataError";
  }
}
