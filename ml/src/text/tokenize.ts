import { normalizeText } from "./normalize";
import { isStopWord } from "./stopwords";

/** A token list is capped: after normalisation caps characters, this caps what n-grams multiply. */
export const MAX_TOKENS = 4_000;

// Letters, combining marks (Arabic, Devanagari vowel signs) and digits make up a word.
const WORD_RE = /[\p{L}\p{M}\p{N}_]+/gu;
// Scripts written without spaces between words: one "word" run there is a whole phrase, so it is
// cut into overlapping character bigrams, the usual trick for CJK retrieval.
const UNSPACED_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]+/u;
const UNSPACED_SPLIT_RE = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]+)/u;

export interface TokenizeOptions {
  /** Drop English stop words (default true). Classifiers keep them for n-grams like "not working". */
  removeStopWords?: boolean;
  maxTokens?: number;
}

export function tokenize(text: string | null | undefined, opts: TokenizeOptions = {}): string[] {
  const removeStop = opts.removeStopWords ?? true;
  const maxTokens = opts.maxTokens ?? MAX_TOKENS;
  const out: string[] = [];
  const norm = normalizeText(text);
  for (const m of norm.matchAll(WORD_RE)) {
    if (out.length >= maxTokens) break;
    const word = m[0];
    if (UNSPACED_RE.test(word)) {
      for (const part of word.split(UNSPACED_SPLIT_RE)) {
        if (!part) continue;
        if (UNSPACED_RE.test(part)) pushBigrams(part, out, maxTokens);
        else pushWord(part, out, removeStop);
      }
    } else {
      pushWord(word, out, removeStop);
    }
  }
  return out.length > maxTokens ? out.slice(0, maxTokens) : out;
}

function pushWord(word: string, out: string[], removeStop: boolean): void {
  if (word.length === 1 && word.charCodeAt(0) < 0x80) return; // "a", "x", stray ASCII letters
  if (removeStop && isStopWord(word)) return;
  out.push(word);
}

function pushBigrams(run: string, out: string[], maxTokens: number): void {
  const chars = Array.from(run); // code points, so astral Han characters stay whole
  if (chars.length === 1) {
    out.push(chars[0]);
    return;
  }
  for (let i = 0; i + 1 < chars.length && out.length < maxTokens; i++) out.push(chars[i] + chars[i + 1]);
}
