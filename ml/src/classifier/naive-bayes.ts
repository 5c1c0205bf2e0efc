import { tokenize } from "../text/tokenize";

/**
 * Multinomial naive Bayes on word counts with Laplace smoothing: the standard baseline for bug
 * severity (Lamkanfi et al., MSR 2010). Kept deliberately plain so that it is a fair reference.
 */
export class MultinomialNaiveBayes {
  private labels: string[] = [];
  private logPrior: number[] = [];
  private logLikelihood: Map<string, number>[] = [];
  private logUnseen: number[] = [];

  constructor(private readonly alpha = 1) {}

  fit(texts: readonly string[], labels: readonly string[]): this {
    this.labels = [...new Set(labels)].sort();
    const counts = this.labels.map(() => new Map<string, number>());
    const totals = this.labels.map(() => 0);
    const docs = this.labels.map(() => 0);
    const vocab = new Set<string>();
    texts.forEach((text, i) => {
      const c = this.labels.indexOf(labels[i]);
      docs[c]++;
      for (const t of tokenize(text)) {
        counts[c].set(t, (counts[c].get(t) ?? 0) + 1);
        totals[c]++;
        vocab.add(t);
      }
    });
    const v = vocab.size;
    this.logPrior = docs.map((d) => Math.log(d / texts.length));
    this.logUnseen = totals.map((t) => Math.log(this.alpha / (t + this.alpha * v)));
    this.logLikelihood = counts.map((m, c) => {
      const out = new Map<string, number>();
      for (const [t, n] of m) out.set(t, Math.log((n + this.alpha) / (totals[c] + this.alpha * v)));
      return out;
    });
    this.vocab = vocab;
    return this;
  }

  private vocab = new Set<string>();

  predict(text: string): string {
    const toks = tokenize(text).filter((t) => this.vocab.has(t));
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < this.labels.length; c++) {
      let s = this.logPrior[c];
      for (const t of toks) s += this.logLikelihood[c].get(t) ?? this.logUnseen[c];
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    return this.labels[best];
  }
}

/** Always predicts the most frequent training label (ties: alphabetically first). */
export class MajorityClassifier {
  private label = "";

  fit(labels: readonly string[]): this {
    const counts = new Map<string, number>();
    for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
    const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    this.label = sorted[0]?.[0] ?? "";
    return this;
  }

  predict(): string {
    return this.label;
  }
}
