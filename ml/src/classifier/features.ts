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
  /** Character n-gram range inside words (default [3, 5]); null turns them off. */
  charNgrams?: [number, number] | null;
  minDf?: number;
  maxWordFeatures?: number;
  maxCharFeatures?: number;
  /** Title terms count this many times: titles are short and written to be telling (default 2). */
  titleWeight?: number;
  /** Description characters read (default 2,000): the first lines carry the symptom, the rest is logs. */
  maxDescriptionChars?: number;
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

const DEFAULTS: FeaturizerState["opts"] = {
  wordNgrams: [1, 2],
  charNgrams: [3, 5],
  minDf: 2,
  maxWordFeatures: 150_000,
  maxCharFeatures: 100_000,
  titleWeight: 2,
  maxDescriptionChars: 2_000,
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

  get size(): number {
    return this.words.vocab.size + (this.chars?.vocab.size ?? 0);
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

  charTerms(t: IncidentTokens): string[] {
    if (!this.opts.charNgrams) return [];
    const [a, b] = this.opts.charNgrams;
    return charNgrams([...t.title, ...t.description], a, b);
  }

  transform(x: IncidentText): SparseVector {
    return this.transformTokens(this.tokens(x));
  }

  transformTokens(t: IncidentTokens): SparseVector {
    const [a, b] = this.opts.wordNgrams;
    const tw = this.opts.titleWeight;
    const wc = this.words.accumulate(wordNgrams(t.title, a, b), new Map(), tw);
    this.words.accumulate([...wordNgrams(t.description, a, b), ...t.meta], wc);
    const wv = this.words.finish(wc);
    if (!this.chars || !this.opts.charNgrams) return wv;
    const [ca, cb] = this.opts.charNgrams;
    const cc = this.chars.accumulate(charNgrams(t.title, ca, cb), new Map(), tw);
    this.chars.accumulate(charNgrams(t.description, ca, cb), cc);
    const cv = this.chars.finish(cc);
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

  static fit(examples: readonly IncidentText[], options: FeaturizerOptions = {}): IncidentFeaturizer {
    const opts = { ...DEFAULTS, ...options } as FeaturizerState["opts"];
    const proto = new IncidentFeaturizer(opts, null as unknown as TfidfWeighter, null);
    const toks = examples.map((x) => proto.tokens(x));
    const words = Vocabulary.fit(
      toks.map((t) => proto.wordTerms(t)),
      { minDf: opts.minDf, maxFeatures: opts.maxWordFeatures },
    );
    const chars = opts.charNgrams
      ? Vocabulary.fit(
          toks.map((t) => proto.charTerms(t)),
          { minDf: opts.minDf, maxFeatures: opts.maxCharFeatures },
        )
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
    // df is not needed after fitting: the stored idf is used as it is.
    const wv = new Vocabulary(s.wordTerms, new Int32Array(s.wordTerms.length), 0);
    const words = new TfidfWeighter(wv, {}, base64ToFloat32(s.wordIdf));
    const chars = s.opts.charNgrams
      ? new TfidfWeighter(new Vocabulary(s.charTerms, new Int32Array(s.charTerms.length), 0), {}, base64ToFloat32(s.charIdf))
      : null;
    return new IncidentFeaturizer(s.opts, words, chars);
  }
}
