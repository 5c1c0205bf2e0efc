import { describe, expect, it } from "vitest";
import { newestSplit } from "./random";

describe("newestSplit", () => {
  it("holds out the newest share by time, not by position, and breaks ties by index", () => {
    // Ten rows out of time order; rows 2 and 7 share the newest time, row 5 is the next newest.
    const times = [5, 1, 90, 3, 7, 60, 2, 90, 4, 6];
    const split = newestSplit(times, 0.3);
    expect(split.holdout).toEqual([2, 5, 7]);
    expect(split.train).toEqual([0, 1, 3, 4, 6, 8, 9]);
    // With a tie at the cut, the later index counts as newer.
    expect(newestSplit([1, 5, 5, 0], 0.25).holdout).toEqual([2]);
  });

  it("keeps at least one row on each side when it can", () => {
    expect(newestSplit([3, 1, 2], 0.01)).toEqual({ train: [1, 2], holdout: [0] });
    expect(newestSplit([3, 1, 2], 0.99)).toEqual({ train: [1], holdout: [0, 2] });
    expect(newestSplit([3], 0.5)).toEqual({ train: [0], holdout: [] });
  });
});
