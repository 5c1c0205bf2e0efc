import { describe, expect, it } from "vitest";
import { adaptPosteriorsOnline, adjustPosterior, estimatePriorsEm } from "./label-shift";

/**
 * A calibrated two-class model under training priors 0.5 / 0.5 whose likelihood ratio is 4:1 for
 * its "side": a row on class 0's side gets posterior 0.8 / 0.2, on class 1's 0.2 / 0.8 (so 80 % of
 * class 0 and 20 % of class 1 fall on class 0's side). Arrivals with true priors 0.8 / 0.2 then
 * show 0.8 * 0.8 + 0.2 * 0.2 = 68 % rows at 0.8 / 0.2.
 */
function shiftedArrivals(n: number, share0: number): number[][] {
  return Array.from({ length: n }, (_, i) => (i < Math.round(n * share0) ? [0.8, 0.2] : [0.2, 0.8]));
}

describe("label-shift adaptation", () => {
  it("re-weights a posterior by new / training prior", () => {
    const p = adjustPosterior([0.5, 0.5], [0.5, 0.5], [0.8, 0.2]);
    expect(p[0]).toBeCloseTo(0.8, 10);
    expect(p[1]).toBeCloseTo(0.2, 10);
    // Same priors: unchanged.
    const same = adjustPosterior([0.3, 0.7], [0.4, 0.6], [0.4, 0.6]);
    expect(same[0]).toBeCloseTo(0.3, 10);
  });

  it("EM recovers the arrivals' priors from calibrated posteriors alone (Saerens et al. 2002)", () => {
    const est = estimatePriorsEm(shiftedArrivals(100, 0.68), [0.5, 0.5]);
    // The mean posterior is 0.608; EM undoes the model's pull toward the training priors.
    expect(est[0]).toBeCloseTo(0.8, 3);
  });

  it("the pseudo-count holds the estimate toward the training priors, more for fewer rows", () => {
    const free = estimatePriorsEm(shiftedArrivals(10, 0.8), [0.5, 0.5])[0];
    const held = estimatePriorsEm(shiftedArrivals(10, 0.8), [0.5, 0.5], { pseudoCount: 10 })[0];
    const manyRows = estimatePriorsEm(shiftedArrivals(200, 0.8), [0.5, 0.5], { pseudoCount: 10 })[0];
    expect(held).toBeGreaterThan(0.5);
    expect(held).toBeLessThan(free - 0.05);
    expect(manyRows).toBeGreaterThan(held);
    expect(estimatePriorsEm([], [0.3, 0.7])[1]).toBeCloseTo(0.7, 12);
  });

  it("online: arrival t is adapted only from arrivals before it, never its own or later ones", () => {
    const arrivals = shiftedArrivals(40, 0.8);
    const opts = { windowSize: 20, pseudoCount: 5 };
    const adapted = adaptPosteriorsOnline(arrivals, [0.5, 0.5], opts);
    // The first arrival has no window: unchanged.
    expect(adapted[0][0]).toBeCloseTo(arrivals[0][0], 12);
    // A row that sits on the training boundary (0.5 / 0.5) after a run of class-0 arrivals leans to class 0.
    const probe = [...arrivals.slice(0, 20), [0.5, 0.5]];
    expect(adaptPosteriorsOnline(probe, [0.5, 0.5], opts)[20][0]).toBeGreaterThan(0.6);
    // Changing arrivals from t = 30 on leaves every earlier result as it was.
    const changedLater = [...arrivals.slice(0, 30), ...shiftedArrivals(10, 0)];
    const again = adaptPosteriorsOnline(changedLater, [0.5, 0.5], opts);
    for (let t = 0; t < 30; t++) expect(again[t][0]).toBe(adapted[t][0]);
    // Only the last windowSize arrivals count: a different distant past leaves t = 39 alone.
    const distant = [...shiftedArrivals(19, 0), ...arrivals.slice(19)];
    expect(adaptPosteriorsOnline(distant, [0.5, 0.5], opts)[39][0]).toBe(adapted[39][0]);
  });
});
