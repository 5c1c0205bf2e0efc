import { tokenize } from "../text/tokenize";
import { charNgrams, wordNgrams } from "../text/ngrams";
import { normalizeText } from "../text/normalize";
import type { FeaturizerOptions, IncidentText } from "./features";

/** An incident's text as interned ids: what every classifier of one retraining reads alike. */
export interface CachedIncidentText {
  /** Word n-gram term ids of the title (as `wordNgrams` lists them). */
  titleTerms: Int32Array;
  /** Word n-gram term ids of the (capped) description. */
  descriptionTerms: Int32Array;
  /** Term ids of the title's tokens in order (their character n-grams are looked up per token). */
  titleWords: Int32Array;
  descriptionWords: Int32Array;
}

/** The text options an IncidentTextCache is built for; a featurizer with others cannot use it. */
export interface TextCacheOptions {
  wordNgrams: [number, number];
  charNgrams: [number, number] | null;
  maxDescriptionChars: number;
}

export const TEXT_CACHE_DEFAULTS: TextCacheOptions = { wordNgrams: [1, 2], charNgrams: [2, 5], maxDescriptionChars: 2_000 };

/**
 * Tokenisation and n-gram extraction done once per retraining for every classifier trained in it.
 * The severity, team and category models read the same titles and descriptions, and their
 * featurizers spent most of their time re-tokenising them and hashing freshly built n-gram
 * strings. This table holds each distinct (title, description) as ids of interned word n-grams
 * and tokens, and each distinct token's character n-grams as ids.
 *
 * It carries no statistics: each model still fits its own vocabulary and IDF on its own training
 * rows (`IncidentFeaturizer.fitCached`), so sharing it across models and with holdout rows leaks
 * nothing; it only saves repeating work. Vectors are the same, bit for bit, as from
 * `IncidentFeaturizer.fitTokens` / `transformTokens` (tested).
 */
export class IncidentTextCache {
  readonly options: TextCacheOptions;
  private readonly termTable = new InternTable();
  private readonly gramTable = new InternTable();
  /** Per term id (of a single token): its character n-gram ids in order, duplicates kept. */
  private readonly gramsOfWord: (Int32Array | undefined)[] = [];
  private readonly uniqueGramsOfWord: (Int32Array | undefined)[] = [];
  /** title -> description -> entry. The same string objects come back for every model, and V8 keeps a string's hash. */
  private readonly entries = new Map<string, Map<string, CachedIncidentText>>();
  private readonly metaIds = new Map<string, number>();

  constructor(options: Partial<TextCacheOptions> = {}) {
    this.options = { ...TEXT_CACHE_DEFAULTS, ...options };
  }

  /** Whether a featurizer with these options reads text exactly as this cache does. */
  fits(opts: Pick<FeaturizerOptions, "wordNgrams" | "charNgrams" | "maxDescriptionChars">): boolean {
    const o = this.options;
    const same = (a: [number, number] | null | undefined, b: [number, number] | null) => (a === null || b === null ? a === b : !!a && a[0] === b[0] && a[1] === b[1]);
    return same(opts.wordNgrams, o.wordNgrams) && same(opts.charNgrams ?? null, o.charNgrams) && opts.maxDescriptionChars === o.maxDescriptionChars;
  }

  get termCount(): number {
    return this.termTable.strings.length;
  }

  get gramCount(): number {
    return this.gramTable.strings.length;
  }

  term(id: number): string {
    return this.termTable.strings[id];
  }

  gram(id: number): string {
    return this.gramTable.strings[id];
  }

  entry(x: IncidentText): CachedIncidentText {
    const description = x.description ?? "";
    let byDescription = this.entries.get(x.title);
    if (!byDescription) this.entries.set(x.title, (byDescription = new Map()));
    let e = byDescription.get(description);
    if (!e) {
      const [a, b] = this.options.wordNgrams;
      const title = tokenize(x.title, { removeStopWords: false });
      const desc = tokenize(description.slice(0, this.options.maxDescriptionChars), { removeStopWords: false });
      e = {
        titleTerms: this.internTerms(wordNgrams(title, a, b)),
        descriptionTerms: this.internTerms(wordNgrams(desc, a, b)),
        titleWords: this.internTerms(title),
        descriptionWords: this.internTerms(desc),
      };
      byDescription.set(description, e);
    }
    return e;
  }

  /** Term ids of the "svc:" / "cat:" pseudo-words, as IncidentFeaturizer.tokens makes them. */
  meta(x: IncidentText): number[] {
    const out: number[] = [];
    if (x.service) out.push(this.metaId("svc:", x.service));
    if (x.category) out.push(this.metaId("cat:", x.category));
    return out;
  }

  /** Character n-gram ids of one token (a term id), in order and with repeats, as `charNgrams([word])`. */
  gramsOf(wordId: number): Int32Array {
    let g = this.gramsOfWord[wordId];
    if (!g) {
      const [a, b] = this.options.charNgrams!;
      const list = charNgrams([this.termTable.strings[wordId]], a, b);
      g = new Int32Array(list.length);
      for (let i = 0; i < list.length; i++) g[i] = this.internGram(list[i]);
      this.gramsOfWord[wordId] = g;
    }
    return g;
  }

  /** The same, each n-gram once. */
  uniqueGramsOf(wordId: number): Int32Array {
    let g = this.uniqueGramsOfWord[wordId];
    if (!g) this.uniqueGramsOfWord[wordId] = g = Int32Array.from(new Set(this.gramsOf(wordId)));
    return g;
  }

  private metaId(prefix: string, raw: string): number {
    const key = prefix + raw;
    let id = this.metaIds.get(key);
    if (id === undefined) this.metaIds.set(key, (id = this.internTerm(prefix + normalizeText(raw).trim())));
    return id;
  }

  private internTerm(t: string): number {
    return this.termTable.intern(t);
  }

  private internTerms(list: readonly string[]): Int32Array {
    const out = new Int32Array(list.length);
    for (let i = 0; i < list.length; i++) out[i] = this.termTable.intern(list[i]);
    return out;
  }

  private internGram(g: string): number {
    return this.gramTable.intern(g);
  }
}

/** Strings numbered in order of first sight. */
class InternTable {
  private readonly ids = new Map<string, number>();
  readonly strings: string[] = [];

  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }
}
