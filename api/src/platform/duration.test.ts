import { describe, expect, it } from "vitest";
import { describeMinutes } from "./duration";

describe("describeMinutes", () => {
  it("says minutes, hours and days the way people do, leaving out zero parts", () => {
    expect([0, 45, 60, 200, 47 * 60 + 59, 48 * 60, 98 * 60 + 30, 72 * 60].map(describeMinutes)).toEqual(["0 min", "45 min", "1 h", "3 h 20 min", "47 h 59 min", "2 d", "4 d 2 h", "3 d"]);
  });
});
