import { tokenize } from "../text/tokenize";
import { charNgrams, wordNgrams } from "../text/ngrams";
import { normalizeText } from "../text/normalize";
import { Vocabulary } from "../text/vocabulary";
import { TfidfWeighter } from "../text/tfidf";
import type { SparseVector } from "../text/sparse";
import { base64ToFloat32, float32ToBase64 } from "../util/base64";
import type { IncidentTextCache } from "./text-cache";

/** A featurizer's columns for one IncidentTextCache's ids (-1: not in the vocabulary), grown as the cache grows. */
interface CacheColumns {
  term: Int32Array;
  termsResolved: number;
  gram: Int32Array;
  gramsResolved: number;
  /** Per token id: its known character n-gram columns, in order with repeats (charColumns). */
  charsOfWord: (Int32Array | undefined)[];
}

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
    return concatBlocks(wv, cv, this.words.vocab.size);
  }

  /** Tokenises without a fitted vocabulary, so training can tokenise once and reuse the tokens. */
  static tokenizer(options: FeaturizerOptions = {}): (x: IncidentText) => IncidentTokens {
    const proto = new IncidentFeaturizer({ ...DEFAULTS, ...options } as FeaturizerState["opts"], null as unknown as TfidfWeighter, null);
    return (x) => proto.tokens(x);
  }

  /** Whether `cache` reads text as this featurizer does (else use transform). */
  canUse(cache: IncidentTextCache): boolean {
    return this.opts.fieldWeightAfterTf === true && cache.fits(this.opts);
  }

  private readonly cacheColumns = new WeakMap<IncidentTextCache, CacheColumns>();
  private scratch: { titleWords: Float64Array; restWords: Float64Array; titleChars: Float64Array; restChars: Float64Array; seen: Uint32Array } | null = null;

  private columnsFor(cache: IncidentTextCache): CacheColumns {
    let m = this.cacheColumns.get(cache);
    if (!m) this.cacheColumns.set(cache, (m = { term: new Int32Array(1024), termsResolved: 0, gram: new Int32Array(1024), gramsResolved: 0, charsOfWord: [] }));
    if (m.termsResolved < cache.termCount) {
      m.term = withCapacity(m.term, cache.termCount);
      for (let id = m.termsResolved; id < cache.termCount; id++) m.term[id] = this.words.vocab.indexOf(cache.term(id)) ?? -1;
      m.termsResolved = cache.termCount;
    }
    return m;
  }

  /**
   * transform(x) for a featurizer that canUse(cache): the same vector bit for bit, from the
   * cache's interned ids (no tokenising, no string hashing).
   */
  transformCached(cache: IncidentTextCache, x: IncidentText): SparseVector {
    if (!this.canUse(cache)) return this.transform(x);
    const e = cache.entry(x);
    const meta = cache.meta(x);
    const cols = this.columnsFor(cache);
    const wSize = this.words.vocab.size;
    const cSize = this.chars?.vocab.size ?? 0;
    if (!this.scratch || this.scratch.titleWords.length !== wSize || this.scratch.titleChars.length !== cSize) {
      this.scratch = {
        titleWords: new Float64Array(wSize),
        restWords: new Float64Array(wSize),
        titleChars: new Float64Array(cSize),
        restChars: new Float64Array(cSize),
        seen: new Uint32Array((Math.max(wSize, cSize) >>> 5) + 1),
      };
    }
    const s = this.scratch;
    const tw = this.opts.titleWeight;
    const touched = new ColumnSet(s.seen);
    const count = (ids: ArrayLike<number>, into: Float64Array) => {
      for (let k = 0; k < ids.length; k++) {
        const j = cols.term[ids[k]];
        if (j < 0) continue;
        touched.add(j);
        into[j]++;
      }
    };
    count(e.titleTerms, s.titleWords);
    count(e.descriptionTerms, s.restWords);
    count(meta, s.restWords);
    const wordColumns = touched.drainSorted();
    const wv = this.words.finishDenseFields(wordColumns, [
      { counts: s.titleWords, weight: tw },
      { counts: s.restWords, weight: 1 },
    ]);
    for (const j of wordColumns) (s.titleWords[j] = 0), (s.restWords[j] = 0);
    if (!this.chars || !this.opts.charNgrams) return wv;
    let budget = MAX_CHAR_GRAMS;
    const addWords = (words: Int32Array, into: Float64Array) => {
      for (let w = 0; w < words.length; w++) {
        const c = this.cachedCharColumns(cache, cols, words[w]);
        for (let i = 0; i < c.length && budget > 0; i++, budget--) {
          touched.add(c[i]);
          into[c[i]]++;
        }
      }
    };
    addWords(e.titleWords, s.titleChars);
    addWords(e.descriptionWords, s.restChars);
    const charColumns = touched.drainSorted();
    const cv = this.chars.finishDenseFields(charColumns, [
      { counts: s.titleChars, weight: tw },
      { counts: s.restChars, weight: 1 },
    ]);
    for (const j of charColumns) (s.titleChars[j] = 0), (s.restChars[j] = 0);
    return concatBlocks(wv, cv, wSize);
  }

  private cachedCharColumns(cache: IncidentTextCache, cols: CacheColumns, wordId: number): Int32Array {
    let c = cols.charsOfWord[wordId];
    if (!c) {
      const grams = cache.gramsOf(wordId);
      if (cols.gramsResolved < cache.gramCount) {
        cols.gram = withCapacity(cols.gram, cache.gramCount);
        for (let id = cols.gramsResolved; id < cache.gramCount; id++) cols.gram[id] = this.chars!.vocab.indexOf(cache.gram(id)) ?? -1;
        cols.gramsResolved = cache.gramCount;
      }
      const found: number[] = [];
      for (let i = 0; i < grams.length; i++) if (cols.gram[grams[i]] >= 0) found.push(cols.gram[grams[i]]);
      cols.charsOfWord[wordId] = c = Int32Array.from(found);
    }
    return c;
  }

  /**
   * fitTokens on the cached text of `examples`: the same vocabulary and IDF (the same documents,
   * the same document frequencies, the same order), counted over ids instead of strings.
   */
  static fitCached(cache: IncidentTextCache, examples: readonly IncidentText[], options: FeaturizerOptions = {}): IncidentFeaturizer {
    const opts = { ...DEFAULTS, ...options } as FeaturizerState["opts"];
    if (!cache.fits(opts)) throw new Error("the text cache was built for other n-gram or description options");
    const stride = Math.max(1, examples.length / MAX_VOCABULARY_DOCS);
    const docs = stride === 1 ? examples : Array.from({ length: MAX_VOCABULARY_DOCS }, (_, i) => examples[Math.floor(i * stride)]);
    const entries = docs.map((x) => cache.entry(x));
    const metas = docs.map((x) => cache.meta(x));
    const termDf = new Int32Array(cache.termCount);
    const lastDoc = new Int32Array(cache.termCount).fill(-1);
    entries.forEach((e, d) => {
      for (const ids of [e.titleTerms, e.descriptionTerms, metas[d]]) {
        for (let k = 0; k < ids.length; k++) {
          const id = ids[k];
          if (lastDoc[id] !== d) (lastDoc[id] = d), termDf[id]++;
        }
      }
    });
    const words = vocabularyFromDf(termDf, (id) => cache.term(id), docs.length, opts.minDf, opts.maxWordFeatures);
    let chars: Vocabulary | null = null;
    if (opts.charNgrams) {
      // Every token's n-grams are interned first, so the counts below fit in one array.
      for (const e of entries) {
        for (let k = 0; k < e.titleWords.length; k++) cache.uniqueGramsOf(e.titleWords[k]);
        for (let k = 0; k < e.descriptionWords.length; k++) cache.uniqueGramsOf(e.descriptionWords[k]);
      }
      const gramDf = new Int32Array(cache.gramCount);
      const lastGramDoc = new Int32Array(cache.gramCount).fill(-1);
      entries.forEach((e, d) => {
        for (const ws of [e.titleWords, e.descriptionWords]) {
          for (let w = 0; w < ws.length; w++) {
            const grams = cache.uniqueGramsOf(ws[w]);
            for (let k = 0; k < grams.length; k++) {
              const g = grams[k];
              if (lastGramDoc[g] !== d) (lastGramDoc[g] = d), gramDf[g]++;
            }
          }
        }
      });
      chars = vocabularyFromDf(gramDf, (id) => cache.gram(id), docs.length, opts.minDf, opts.maxCharFeatures);
    }
    return new IncidentFeaturizer(opts, new TfidfWeighter(words), chars ? new TfidfWeighter(chars) : null);
  }

  /** Options as a featurizer fitted with `options` will have them. */
  static optionsWithDefaults(options: FeaturizerOptions = {}): FeaturizerState["opts"] {
    return { ...DEFAULTS, ...options } as FeaturizerState["opts"];
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

/** The word block's vector followed by the char block's, whose columns start at `offset`. */
function concatBlocks(wv: SparseVector, cv: SparseVector, offset: number): SparseVector {
  const indices = new Int32Array(wv.indices.length + cv.indices.length);
  const values = new Float32Array(indices.length);
  indices.set(wv.indices);
  values.set(wv.values);
  for (let i = 0; i < cv.indices.length; i++) {
    indices[wv.indices.length + i] = cv.indices[i] + offset;
    values[wv.indices.length + i] = cv.values[i];
  }
  return { indices, values };
}

/** Vocabulary.fit's result from document frequencies by id: kept at minDf, most frequent first, ties by term. */
function vocabularyFromDf(df: Int32Array, termOf: (id: number) => string, nDocs: number, minDf: number, maxFeatures: number): Vocabulary {
  const kept: [string, number][] = [];
  for (let id = 0; id < df.length; id++) if (df[id] >= minDf && df[id] > 0) kept.push([termOf(id), df[id]]);
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const top = kept.slice(0, maxFeatures);
  return new Vocabulary(
    top.map(([t]) => t),
    Int32Array.from(top.map(([, n]) => n)),
    nDocs,
  );
}

/**
 * Columns touched by one incident, as a bitset over the vocabulary: read back in ascending order
 * by scanning the words between the lowest and highest column, which for a few hundred columns
 * was far cheaper than sorting them (a typed-array sort was half of the transform's time).
 */
class ColumnSet {
  private n = 0;
  private lo = Infinity;
  private hi = -1;
  constructor(private readonly bits: Uint32Array) {}

  add(j: number): void {
    const w = j >>> 5;
    const m = 1 << (j & 31);
    if (this.bits[w] & m) return;
    this.bits[w] |= m;
    this.n++;
    if (w < this.lo) this.lo = w;
    if (w > this.hi) this.hi = w;
  }

  /** The columns, ascending; leaves the set empty. */
  drainSorted(): Int32Array {
    const out = new Int32Array(this.n);
    let k = 0;
    for (let w = this.lo; w <= this.hi; w++) {
      let b = this.bits[w];
      if (b === 0) continue;
      this.bits[w] = 0;
      while (b !== 0) {
        const low = b & -b;
        out[k++] = (w << 5) | (31 - Math.clz32(low));
        b ^= low;
      }
    }
    this.n = 0;
    this.lo = Infinity;
    this.hi = -1;
    return out;
  }
}

/** `a`, or a copy of it with room for at least `size` entries. */
function withCapacity(a: Int32Array, size: number): Int32Array {
  if (a.length >= size) return a;
  const next = new Int32Array(Math.max(size, a.length * 2));
  next.set(a);
  return next;
}
