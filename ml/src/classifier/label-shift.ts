/**
 * Label-shift adaptation from unlabelled arrivals: when the label mix of incoming incidents moves
 * away from the training mix (p(y) changes, p(x | y) does not), the classifier's calibrated
 * posteriors can be re-weighted to the new mix without any new label.
 *
 * The new priors are estimated by EM (Saerens, Latinne & Decaestecker, Neural Computation 2002):
 * re-weight every posterior by new / training prior, take the mean re-weighted posterior as the
 * new prior, repeat. It needs no held-out confusion matrix (BBSE, Lipton et al. 2018, does, and
 * inverts it: unstable with few rows per class) but trusts calibration. Plain (maximum-likelihood)
 * EM over 58 rows of a status-incidents model ran to a corner (all mass on one or two impacts), and
 * shrinking its result afterwards could not undo that, so every EM step is a MAP step under a
 * Dirichlet prior centred on the training priors with `pseudoCount` rows of weight.
 */

/** Floor of any estimated prior: a class absent from a short window must not be ruled out for good. */
const MIN_PRIOR = 1e-3;

/** Posterior re-weighted from the training priors to `priors`: p(y|x) * priors(y) / trainPriors(y), renormalised. */
export function adjustPosterior(posterior: ArrayLike<number>, trainPriors: ArrayLike<number>, priors: ArrayLike<number>): Float64Array {
  const out = new Float64Array(posterior.length);
  let sum = 0;
  for (let c = 0; c < out.length; c++) {
    out[c] = (posterior[c] * priors[c]) / Math.max(trainPriors[c], MIN_PRIOR);
    sum += out[c];
  }
  if (sum <= 0) return Float64Array.from(posterior);
  for (let c = 0; c < out.length; c++) out[c] /= sum;
  return out;
}

/**
 * EM estimate of the class priors of the rows whose calibrated posteriors (under `trainPriors`)
 * are given (Saerens et al. 2002), each M step a MAP step: (sum of re-weighted posteriors +
 * pseudoCount * trainPriors) / (rows + pseudoCount). With no rows it returns the training priors.
 */
export function estimatePriorsEm(
  posteriors: readonly ArrayLike<number>[],
  trainPriors: ArrayLike<number>,
  opts: { pseudoCount?: number; maxIterations?: number; tolerance?: number } = {},
): Float64Array {
  let priors = Float64Array.from(trainPriors);
  if (posteriors.length === 0) return priors;
  const maxIterations = opts.maxIterations ?? 100;
  const tolerance = opts.tolerance ?? 1e-6;
  const m = opts.pseudoCount ?? 0;
  for (let it = 0; it < maxIterations; it++) {
    const next = Float64Array.from(trainPriors, (v) => m * v);
    for (const p of posteriors) {
      const a = adjustPosterior(p, trainPriors, priors);
      for (let c = 0; c < next.length; c++) next[c] += a[c];
    }
    for (let c = 0; c < next.length; c++) next[c] = Math.max(next[c], MIN_PRIOR);
    const total = next.reduce((s, v) => s + v, 0);
    let moved = 0;
    for (let c = 0; c < next.length; c++) {
      next[c] /= total;
      moved = Math.max(moved, Math.abs(next[c] - priors[c]));
    }
    priors = next;
    if (moved < tolerance) break;
  }
  return priors;
}

export interface LabelShiftOptions {
  /** Most recent unlabelled arrivals the priors are estimated from. */
  windowSize: number;
  /** Weight of the training priors, in rows, against the window's estimate. */
  pseudoCount: number;
}

/**
 * Online adaptation in arrival order, as production sees incidents: the posterior of arrival t is
 * re-weighted to the priors estimated (MAP EM) from the posteriors of the at most `windowSize`
 * arrivals before t. Arrival t's own posterior and anything later never enter its estimate, and
 * no label is used. Returns the adapted posteriors, one per arrival.
 */
export function adaptPosteriorsOnline(posteriors: readonly ArrayLike<number>[], trainPriors: ArrayLike<number>, opts: LabelShiftOptions): Float64Array[] {
  return posteriors.map((p, t) => {
    const window = posteriors.slice(Math.max(0, t - opts.windowSize), t);
    return adjustPosterior(p, trainPriors, estimatePriorsEm(window, trainPriors, { pseudoCount: opts.pseudoCount }));
  });
}
