import { describe, expect, it } from "vitest";
import { DEFAULT_PRIORITY_MATRIX, priorityFor, validateMatrix } from "./priority.rules";

describe("ITIL priority matrix", () => {
  it("maps impact × urgency to P1-P5 as in ITIL", () => {
    const table = [1, 2, 3].map((impact) => [1, 2, 3].map((urgency) => priorityFor(DEFAULT_PRIORITY_MATRIX, impact, urgency)));
    expect(table).toEqual([
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 5],
    ]);
  });

  it("uses a configured matrix instead of the default", () => {
    const strict = DEFAULT_PRIORITY_MATRIX.map((c) => (c.impact === 2 && c.urgency === 1 ? { ...c, priority: 1 } : c));
    expect(priorityFor(strict, 2, 1)).toBe(1);
    expect(priorityFor(DEFAULT_PRIORITY_MATRIX, 2, 1)).toBe(2);
  });

  it("refuses levels outside the matrix", () => {
    expect(() => priorityFor(DEFAULT_PRIORITY_MATRIX, 4, 1)).toThrow(/impact 4/);
  });

  it("validates that a matrix covers all nine cells once with priorities 1-5", () => {
    expect(validateMatrix(DEFAULT_PRIORITY_MATRIX)).toBeNull();
    expect(validateMatrix(DEFAULT_PRIORITY_MATRIX.slice(1))).toMatch(/9 cells/);
    const doubled = [...DEFAULT_PRIORITY_MATRIX.slice(1), DEFAULT_PRIORITY_MATRIX[1]];
    expect(validateMatrix(doubled)).toMatch(/impact 1 × urgency 1 must appear exactly once/);
    const outOfRange = DEFAULT_PRIORITY_MATRIX.map((c, i) => (i === 0 ? { ...c, priority: 6 } : c));
    expect(validateMatrix(outOfRange)).toMatch(/must be 1-5/);
  });
});
