/**
 * Text normalisation shared by every model, so training and inference see the same tokens.
 * Identifiers that vary between otherwise identical incidents (URLs, hex ids, numbers) collapse to
 * marker tokens: "disk 93% on host a1b2c3d4" and "disk 97% on host ffe0a1b2" should look alike.
 */

/** Text past this many characters is ignored: a 1 MB log paste must not stall a request. */
export const MAX_NORMALIZED_CHARS = 20_000;

export const URL_TOKEN = "xurlx";
export const EMAIL_TOKEN = "xemailx";
export const HEX_TOKEN = "xhexx";
export const NUM_TOKEN = "xnumx";

const URL_RE = /\b(?:https?|ftp):\/\/\S+|\bwww\.\S+/gu;
const EMAIL_RE = /\b[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}\b/gu;
const UUID_RE = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gu;
// Hex runs: 0x-prefixed, or 8+ hex chars mixing digits and letters (commit hashes, pod suffixes).
const HEX_RE = /\b0x[0-9a-f]+\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gu;
const NUM_RE = /\b\d+(?:[.,:]\d+)*\b/gu;

export function normalizeText(input: string | null | undefined, maxChars = MAX_NORMALIZED_CHARS): string {
  if (!input) return "";
  const capped = input.length > maxChars ? input.slice(0, maxChars) : input;
  return capped
    .normalize("NFKC")
    .toLowerCase()
    .replace(URL_RE, ` ${URL_TOKEN} `)
    .replace(EMAIL_RE, ` ${EMAIL_TOKEN} `)
    .replace(UUID_RE, ` ${HEX_TOKEN} `)
    .replace(HEX_RE, ` ${HEX_TOKEN} `)
    .replace(NUM_RE, ` ${NUM_TOKEN} `);
}
