import { describe, expect, it } from "vitest";
import { tokenize, MAX_TOKENS } from "./tokenize";
import { normalizeText } from "./normalize";
import { charNgrams, wordNgrams } from "./ngrams";

describe("tokenize", () => {
  it("returns nothing for empty, null or punctuation-only text", () => {
    expect(tokenize("")).toEqual([]);
    expect(tokenize(null)).toEqual([]);
    expect(tokenize(" ,.;!? ")).toEqual([]);
  });

  it("lowercases, applies NFKC and replaces URLs, hex ids and numbers by marker tokens", () => {
    expect(normalizeText("ＤＩＳＫ")).toBe("disk");
    expect(tokenize("Disk 93% on host a1b2c3d4e5 see https://x.io/a?b=1 and 0xFF")).toEqual(
      ["disk", "xnumx", "host", "xhexx", "see", "xurlx", "xhexx"],
    );
  });

  it("splits CJK runs into character bigrams and keeps Cyrillic and Arabic words", () => {
    expect(tokenize("数据库连接失败")).toEqual(["数据", "据库", "库连", "连接", "接失", "失败"]);
    expect(tokenize("Ошибка базы данных")).toEqual(["ошибка", "базы", "данных"]);
    expect(tokenize("فشل الاتصال بقاعدة البيانات")).toEqual(["فشل", "الاتصال", "بقاعدة", "البيانات"]);
    expect(tokenize("API 错误 timeout")).toEqual(["api", "错误", "timeout"]);
  });

  it("caps the work on a 1 MB paste", () => {
    const huge = "timeout error ".repeat(80_000) + "needle";
    const t0 = Date.now();
    const toks = tokenize(huge);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(toks.length).toBeLessThanOrEqual(MAX_TOKENS);
    expect(toks).not.toContain("needle"); // past the character cap
  });
});

describe("n-grams", () => {
  it("builds word and bounded character n-grams", () => {
    expect(wordNgrams(["a1", "b2", "c3"], 1, 2)).toEqual(["a1", "b2", "c3", "a1 b2", "b2 c3"]);
    expect(charNgrams(["db"], 3, 4)).toEqual(["#<db", "#db>", "#<db>"]);
  });
});
