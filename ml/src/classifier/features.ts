import { tokenize } from "../text/tokenize";
import { charNgrams, wordNgrams } from "../text/ngrams";
import { normalizeText } from "../text/normalize";
import { Vocabulary } from "../text/vocabulary";
import { TfidfWeighter } from "../text/tfidf";
import type { SparseVector } from "../text/sparse";
import { base64ToFloat32, float32ToBase64 } from "../util/base64";

/** What a classifier reads from an incident. */
export interface IncidentText {
  title: string;
  description?: string | null;
  service?: string | null;
  category?: string | null;
}

export interface FeaturizerOptions {
  /** Word n-gram range (default [1, 2]). */
  wordNgrams?: [number, number];
  /** Character n-gram range inside words (default [2, 5], as the bench's yardstick); null turns them off. */
  charNgrams?: [number, number] | null;
  minDf?: number;
  maxWordFeatures?: number;
  maxCharFeatures?: number;
  /** Title terms count this many times: titles are short and written to be telling (default 2). */
  titleWeight?: number;
  /** Description characters read (default 2,000): the first lines carry the symptom, the rest is logs. */
  maxDescriptionChars?: number;
  /**
   * Apply titleWeight to each field's term frequency (after the sublinear TF) rather than to its
   * counts (default true for new models; models saved before the option keep the old way). Weighting
   * counts bent the sublinear curve of every title term (1 + ln 2tf), also for incidents that have
   * only a title, where a weight should change nothing: on the it-service-tickets TRAIN-internal dev
   * split (all text in the title) that cost 1.1 points of accuracy (0.815 vs 0.826 at weight 1).
   */
  fieldWeightAfterTf?: boolean;
}

export interface FeaturizerState {
  opts: Required<Omit<FeaturizerOptions, "charNgrams">> & { charNgrams: [number, number] | null };
  wordTerms: string[];
  wordIdf: string;
  charTerms: string[];
  charIdf: string;
}

/** Tokens of one incident, by role. */
export interface IncidentTokens {
  title: string[];
  description: string[];
  /** "svc:<service>" / "cat:<category>" pseudo-terms. */
  meta: string[];
}

/** Character n-grams counted per incident, at most: a cap on work for very long descriptions. */
const MAX_CHAR_GRAMS = 20_000;
const MAX_VOCABULARY_DOCS = 40_000;

const DEFAULTS: FeaturizerState["opts"] = {
  wordNgrams: [1, 2],
  charNgrams: [2, 5],
  minDf: 2,
  // With min df 2 the data sizes the vocabulary; these caps only bound memory (train.ts lowers
  // them further when many classes multiply the weights).
  maxWordFeatures: 300_000,
  maxCharFeatures: 300_000,
  titleWeight: 2,
  maxDescriptionChars: 2_000,
  fieldWeightAfterTf: true,
};

/**
 * Turns an incident into one sparse vector: a TF-IDF block of word n-grams (plus service and
 * category as pseudo-words) and a TF-IDF block of character n-grams, each L2-normalised, so that
 * neither block drowns the other. Column index = word block first, then char block.
 */
export class IncidentFeaturizer {
  private constructor(
    readonly opts: FeaturizerState["opts"],
    readonly words: TfidfWeighter,
    readonly chars: TfidfWeighter | null,
  ) {}

  /** Char n-gram columns per word: words repeat across incidents (Zipf), n-grams are costly. */
  private readonly charColumnCache = new Map<string, Int32Array>();

  get size(): number {
    return this.words.vocab.size + (this.chars?.vocab.size ?? 0);
  }

  private charColumns(word: string): Int32Array {
    let cols = this.charColumnCache.get(word);
    if (!cols) {
      const [a, b] = this.opts.charNgrams!;
      const found: number[] = [];
      for (const g of charNgrams([word], a, b)) {
        const j = this.chars!.vocab.indexOf(g);
        if (j !== undefined) found.push(j);
      }
      cols = Int32Array.from(found);
      if (this.charColumnCache.size >= 200_000) this.charColumnCache.clear();
      this.charColumnCache.set(word, cols);
    }
    return cols;
  }

  get wordBlockSize(): number {
    return this.words.vocab.size;
  }

  /** Name of a column: the word n-gram, "svc:..", or "#abc" for a character n-gram. */
  termOf(column: number): string {
    const w = this.words.vocab.size;
    return column < w ? this.words.vocab.terms[column] : this.chars!.vocab.terms[column - w];
  }

  tokens(x: IncidentText): IncidentTokens {
    const meta: string[] = [];
    if (x.service) meta.push("svc:" + normalizeText(x.service).trim());
    if (x.category) meta.push("cat:" + normalizeText(x.category).trim());
    const desc = (x.description ?? "").slice(0, this.opts.maxDescriptionChars);
    return {
      title: tokenize(x.title, { removeStopWords: false }),
      description: tokenize(desc, { removeStopWords: false }),
      meta,
    };
  }

  wordTerms(t: IncidentTokens): string[] {
    const [a, b] = this.opts.wordNgrams;
    return [...wordNgrams(t.title, a, b), ...wordNgrams(t.description, a, b), ...t.meta];
  }

  transform(x: IncidentText): SparseVector {
    return this.transformTokens(this.tokens(x));
  }

  transformTokens(t: IncidentTokens): SparseVector {
    const [a, b] = this.opts.wordNgrams;
    const tw = this.opts.titleWeight;
    const perField = this.opts.fieldWeightAfterTf === true;
    let wv: SparseVector;
    if (perField) {
      const titleCounts = this.words.accumulate(wordNgrams(t.title, a, b), new Map());
      const restCounts = this.words.accumulate([...wordNgrams(t.description, a, b), ...t.meta], new Map());
      wv = this.words.finishFields([
        { counts: titleCounts, weight: tw },
        { counts: restCounts, weight: 1 },
      ]);
    } else {
      const wc = this.words.accumulate(wordNgrams(t.title, a, b), new Map(), tw);
      this.words.accumulate([...wordNgrams(t.description, a, b), ...t.meta], wc);
      wv = this.words.finish(wc);
    }
    if (!this.chars || !this.opts.charNgrams) return wv;
    const titleChars = new Map<number, number>();
    const restChars = perField ? new Map<number, number>() : titleChars;
    let budget = MAX_CHAR_GRAMS;
    const addWord = (w: string, into: Map<number, number>, weight: number) => {
      const cols = this.charColumns(w);
      for (let i = 0; i < cols.length && budget > 0; i++, budget--) into.set(cols[i], (into.get(cols[i]) ?? 0) + weight);
    };
    for (const w of t.title) addWord(w, titleChars, perField ? 1 : tw);
    for (const w of t.description) addWord(w, restChars, 1);
    const cv = perField
      ? this.chars.finishFields([
          { counts: titleChars, weight: tw },
          { counts: restChars, weight: 1 },
        ])
      : this.chars.finish(titleChars);
    const off = this.words.vocab.size;
    const indices = new Int32Array(wv.indices.length + cv.indices.length);
    const values = new Float32Array(indices.length);
    indices.set(wv.indices);
    values.set(wv.values);
    for (let i = 0; i < cv.indices.length; i++) {
      indices[wv.indices.length + i] = cv.indices[i] + off;
      values[wv.indices.length + i] = cv.values[i];
    }
    return { indices, values };
  }

  /** Tokenises without a fitted vocabulary, so training can tokenise once and reuse the tokens. */
  static tokenizer(options: FeaturizerOptions = {}): (x: IncidentText) => IncidentTokens {
    const proto = new IncidentFeaturizer({ ...DEFAULTS, ...options } as FeaturizerState["opts"], null as unknown as TfidfWeighter, null);
    return (x) => proto.tokens(x);
  }

  static fit(examples: readonly IncidentText[], options: FeaturizerOptions = {}): IncidentFeaturizer {
    return IncidentFeaturizer.fitTokens(examples.map(IncidentFeaturizer.tokenizer(options)), options);
  }

  static fitTokens(allTokens: readonly IncidentTokens[], options: FeaturizerOptions = {}): IncidentFeaturizer {
    const opts = { ...DEFAULTS, ...options } as FeaturizerState["opts"];
    // Document frequencies from an even sample are as good as from all rows past this size,
    // and fitting the vocabulary was the slowest part of training on 100k incidents.
    const stride = Math.max(1, allTokens.length / MAX_VOCABULARY_DOCS);
    const toks = stride === 1 ? allTokens : Array.from({ length: MAX_VOCABULARY_DOCS }, (_, i) => allTokens[Math.floor(i * stride)]);
    const proto = new IncidentFeaturizer(opts, null as unknown as TfidfWeighter, null);
    const words = Vocabulary.fit(
      toks.map((t) => proto.wordTerms(t)),
      { minDf: opts.minDf, maxFeatures: opts.maxWordFeatures },
    );
    const gramsOf = new Map<string, string[]>();
    const docGrams = (t: IncidentTokens) => {
      const out: string[] = [];
      for (const w of new Set([...t.title, ...t.description])) {
        let g = gramsOf.get(w);
        if (!g) gramsOf.set(w, (g = [...new Set(charNgrams([w], opts.charNgrams![0], opts.charNgrams![1]))]));
        out.push(...g);
      }
      return out;
    };
    const chars = opts.charNgrams
      ? Vocabulary.fit(toks.map(docGrams), { minDf: opts.minDf, maxFeatures: opts.maxCharFeatures })
      : null;
    return new IncidentFeaturizer(opts, new TfidfWeighter(words), chars ? new TfidfWeighter(chars) : null);
  }

  toJSON(): FeaturizerState {
    return {
      opts: this.opts,
      wordTerms: [...this.words.vocab.terms],
      wordIdf: float32ToBase64(this.words.idf),
      charTerms: this.chars ? [...this.chars.vocab.terms] : [],
      charIdf: this.chars ? float32ToBase64(this.chars.idf) : "",
    };
  }

  static fromJSON(s: FeaturizerState): IncidentFeaturizer {
    // Saved before fieldWeightAfterTf existed: those models were trained on weighted counts.
    if (s.opts.fieldWeightAfterTf === undefined) s = { ...s, opts: { ...s.opts, fieldWeightAfterTf: false } };
    // df is not needed after fitting: the stored idf is used as it is.
    const wv = new Vocabulary(s.wordTerms, new Int32Array(s.wordTerms.length), 0);
    const words = new TfidfWeighter(wv, {}, base64ToFloat32(s.wordIdf));
    const chars = s.opts.charNgrams
      ? new TfidfWeighter(new Vocabulary(s.charTerms, new Int32Array(s.charTerms.length), 0), {}, base64ToFloat32(s.charIdf))
      : null;
    return new IncidentFeaturizer(s.opts, words, chars);
  }
}
