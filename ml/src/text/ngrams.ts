/** Word n-grams joined by a space, for n in [minN, maxN]. */
export function wordNgrams(tokens: readonly string[], minN: number, maxN: number): string[] {
  const out: string[] = [];
  for (let n = minN; n <= maxN; n++) {
    if (n === 1) {
      out.push(...tokens);
      continue;
    }
    for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(" "));
  }
  return out;
}

/**
 * Character n-grams inside word boundaries ("<disk>" gives "<di", "dis", ...), which makes
 * misspellings and inflections ("timeout", "timeouts", "time-out") share features.
 * Prefixed with "#" so they never collide with a word feature.
 */
export function charNgrams(tokens: readonly string[], minN: number, maxN: number, maxGrams = 20_000): string[] {
  const out: string[] = [];
  for (const tok of tokens) {
    const w = `<${tok}>`;
    // Fast path: when no surrogate pairs are present, UTF-16 units are code points and substring
    // is exact; this is the hot loop of featurisation (most incident text is BMP-only).
    const chars = /[\uD800-\uDFFF]/.test(w) ? Array.from(w) : null;
    const len = chars ? chars.length : w.length;
    for (let n = minN; n <= maxN; n++) {
      for (let i = 0; i + n <= len; i++) {
        out.push("#" + (chars ? chars.slice(i, i + n).join("") : w.substring(i, i + n)));
        if (out.length >= maxGrams) return out;
      }
    }
  }
  return out;
}
