/** Softmax of logits / temperature, numerically stable. */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  const out = new Float64Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] / temperature);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i] / temperature - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** Mean negative log-likelihood of the true classes under softmax(logits / T). */
export function meanNll(logits: readonly ArrayLike<number>[], labels: readonly number[], temperature: number): number {
  if (logits.length === 0) return 0;
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    // softmax(logits[i], temperature)[labels[i]] with the same operations in the same order (so the
    // same number), without allocating a distribution per row: fitTemperature calls this some 60
    // times over every validation row, and those arrays were a good share of training's GC time.
    const l = logits[i];
    let max = -Infinity;
    for (let k = 0; k < l.length; k++) max = Math.max(max, l[k] / temperature);
    let sum = 0;
    for (let k = 0; k < l.length; k++) sum += Math.exp(l[k] / temperature - max);
    total -= Math.log(Math.max(Math.exp(l[labels[i]] / temperature - max) / sum, 1e-12));
  }
  return total / logits.length;
}

/**
 * Temperature scaling (Guo et al., 2017): one scalar T > 0 that divides the logits, fitted on a
 * held-out split by minimising NLL. It changes confidences, never the argmax. NLL is convex in
 * 1/T, so a golden-section search over log T finds the optimum. T is kept in [0.5, 20]: a
 * validation split that the model gets all right would otherwise drive T towards 0 and every
 * probability to exactly 0 or 1.
 */
export function fitTemperature(logits: readonly ArrayLike<number>[], labels: readonly number[], minT = 0.5, maxT = 20): number {
  if (logits.length === 0) return 1;
  const f = (logT: number) => meanNll(logits, labels, Math.exp(logT));
  let lo = Math.log(minT);
  let hi = Math.log(maxT);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  for (let it = 0; it < 60 && hi - lo > 1e-4; it++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = f(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}
