import type { IncidentText, FeaturizerState } from "./features";
import { IncidentFeaturizer } from "./features";
import type { IncidentTextCache } from "./text-cache";
import { LinearSoftmax } from "./model";
import { softmax } from "./calibration";
import { charNgrams } from "../text/ngrams";
import { base64ToFloat32, float32ToBase64 } from "../util/base64";
import { EMAIL_TOKEN, HEX_TOKEN, NUM_TOKEN, URL_TOKEN } from "../text/normalize";

export interface Prediction {
  /** The predicted label, or null when the model abstains. */
  label: string | null;
  /** Calibrated probability of the most likely label. */
  confidence: number;
  abstained: boolean;
  /** Most likely label even when abstaining (for evaluation and "show me anyway" UIs). */
  topLabel: string;
  /** Why it abstained, when it did. */
  abstainReason?: "low_confidence" | "no_known_terms";
  distribution: { label: string; probability: number }[];
  /** Terms that pushed the prediction towards `topLabel`, strongest first. */
  reasons: { term: string; weight: number }[];
}

export interface ClassifierArtifact {
  kind: "quell.classifier.linear-softmax";
  version: 1;
  labels: string[];
  temperature: number;
  abstainThreshold: number;
  featurizer: FeaturizerState;
  nFeatures: number;
  /** Feature-major float32 weights, base64. */
  weights: string;
  bias: string;
  /** Figures measured on the validation split at training time. */
  validation: Record<string, number>;
  trainedAt: string;
}

const MAX_REASONS = 5;

/** Reasons are read by people: the normaliser's stand-ins ("xnumx") are shown as what they stand for. */
const MARKER_WORDS: ReadonlyArray<[RegExp, string]> = [
  [new RegExp(`\\b${NUM_TOKEN}\\b`, "g"), "<number>"],
  [new RegExp(`\\b${URL_TOKEN}\\b`, "g"), "<link>"],
  [new RegExp(`\\b${EMAIL_TOKEN}\\b`, "g"), "<email>"],
  [new RegExp(`\\b${HEX_TOKEN}\\b`, "g"), "<id>"],
];

export function readableTerm(term: string): string {
  return MARKER_WORDS.reduce((t, [re, word]) => t.replace(re, word), term);
}

export class TrainedClassifier {
  constructor(
    readonly labels: readonly string[],
    readonly featurizer: IncidentFeaturizer,
    readonly model: LinearSoftmax,
    readonly temperature: number,
    readonly abstainThreshold: number,
    readonly validation: Record<string, number> = {},
    readonly trainedAt = new Date().toISOString(),
  ) {}

  /** `explain: false` skips the per-term reasons (the costly part) when only the label is needed, as in scoring a holdout. */
  predict(input: IncidentText, options: { explain?: boolean; textCache?: IncidentTextCache } = {}): Prediction {
    // With a cache (scoring a holdout after training on the same incidents) the text is already
    // tokenised; the vector is the same.
    const cached = options.textCache && options.explain === false ? options.textCache : undefined;
    const tokens = cached ? null : this.featurizer.tokens(input);
    const x = cached ? this.featurizer.transformCached(cached, input) : this.featurizer.transformTokens(tokens!);
    const probs = softmax(this.model.logits(x), this.temperature);
    let top = 0;
    for (let c = 1; c < probs.length; c++) if (probs[c] > probs[top]) top = c;
    const confidence = probs[top];
    // Character n-grams alone match almost anything; without one known word there is no evidence.
    const knownWords = x.indices.some((j) => j < this.featurizer.wordBlockSize);
    const abstainReason = !knownWords ? "no_known_terms" : confidence < this.abstainThreshold ? "low_confidence" : undefined;
    return {
      label: abstainReason ? null : this.labels[top],
      confidence,
      abstained: abstainReason !== undefined,
      topLabel: this.labels[top],
      ...(abstainReason ? { abstainReason } : {}),
      distribution: this.labels
        .map((label, c) => ({ label, probability: probs[c] }))
        .sort((a, b) => b.probability - a.probability),
      reasons: options.explain === false || !tokens ? [] : this.explain(tokens, x, top),
    };
  }

  predictBatch(inputs: readonly IncidentText[], options: { explain?: boolean } = {}): Prediction[] {
    return inputs.map((x) => this.predict(x, options));
  }

  /**
   * Per-term contributions towards class c. Character n-grams are credited to the word they came
   * from, so a reason reads "timeout", never "#meo".
   */
  private explain(tokens: ReturnType<IncidentFeaturizer["tokens"]>, x: { indices: Int32Array; values: Float32Array }, c: number) {
    const byColumn = new Map<number, number>();
    for (let i = 0; i < x.indices.length; i++) byColumn.set(x.indices[i], this.model.contribution(x.indices[i], x.values[i], c));
    const score = new Map<string, number>();
    const add = (term: string, w: number) => score.set(term, (score.get(term) ?? 0) + w);
    const seen = new Set<number>();
    for (const term of this.featurizer.wordTerms(tokens)) {
      const j = this.featurizer.words.vocab.indexOf(term);
      if (j === undefined || seen.has(j)) continue;
      seen.add(j);
      add(term, byColumn.get(j) ?? 0);
    }
    const opts = this.featurizer.opts.charNgrams;
    if (opts && this.featurizer.chars) {
      const off = this.featurizer.wordBlockSize;
      const colsOf = new Map<string, Set<number>>();
      const wordsPerCol = new Map<number, number>();
      for (const word of new Set([...tokens.title, ...tokens.description])) {
        const cols = new Set<number>();
        for (const g of charNgrams([word], opts[0], opts[1])) {
          const j = this.featurizer.chars.vocab.indexOf(g);
          if (j !== undefined) cols.add(j + off);
        }
        colsOf.set(word, cols);
        for (const j of cols) wordsPerCol.set(j, (wordsPerCol.get(j) ?? 0) + 1);
      }
      // A column shared by several words ("#ing") is split evenly between them.
      for (const [word, cols] of colsOf) {
        for (const j of cols) add(word, (byColumn.get(j) ?? 0) / wordsPerCol.get(j)!);
      }
    }
    return [...score]
      .filter(([, w]) => w > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, MAX_REASONS)
      .map(([term, weight]) => ({ term: readableTerm(term), weight: Math.round(weight * 1e4) / 1e4 }));
  }

  toArtifact(): ClassifierArtifact {
    return {
      kind: "quell.classifier.linear-softmax",
      version: 1,
      labels: [...this.labels],
      temperature: this.temperature,
      abstainThreshold: this.abstainThreshold,
      featurizer: this.featurizer.toJSON(),
      nFeatures: this.model.nFeatures,
      weights: float32ToBase64(this.model.weights),
      bias: float32ToBase64(this.model.bias),
      validation: { ...this.validation },
      trainedAt: this.trainedAt,
    };
  }
}

export function loadClassifier(artifact: ClassifierArtifact): TrainedClassifier {
  if (artifact.kind !== "quell.classifier.linear-softmax" || artifact.version !== 1) {
    throw new Error(`unsupported classifier artifact ${artifact.kind} v${artifact.version}`);
  }
  const model = new LinearSoftmax(
    artifact.nFeatures,
    artifact.labels.length,
    base64ToFloat32(artifact.weights),
    base64ToFloat32(artifact.bias),
  );
  return new TrainedClassifier(
    artifact.labels,
    IncidentFeaturizer.fromJSON(artifact.featurizer),
    model,
    artifact.temperature,
    artifact.abstainThreshold,
    artifact.validation,
    artifact.trainedAt,
  );
}
