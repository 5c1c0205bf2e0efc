/**
 * A short English stop list. Kept short on purpose: words like "not", "no", "down", "cannot" carry
 * meaning in incident text ("login not working"), so they are not here.
 */
const STOP_WORDS = new Set(
  (
    "a an and are as at be been being but by did do does doing for from had has have having he her " +
    "here hers him his how i if in into is it its itself me my of on or our ours she so some such " +
    "than that the their them then there these they this those to too us was we were what when where " +
    "which while who whom why will with would you your yours also just any each other same own very " +
    "can could should may might must shall about after again before between during through over under " +
    "up out off only both few more most all until"
  ).split(" "),
);

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}
