/**
 * Escaping of people's text for the Markdown report. What is a control character depends on where
 * the text sits (the start of a line, a table cell), which a generic escaper does not know, so this
 * is written for the report's two places: one-line text and multi-line blocks.
 */

/** HTML first (so no tag, entity or comment survives), then the characters that make inline Markdown. */
function escapeInline(text: string): string {
  return (
    text
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/([\\`*_[\]|~#])/g, "\\$1")
      // No scheme that runs code can start a link, even in a viewer that links bare URLs.
      .replace(/\b(javascript|vbscript|data)(\s*):/gi, "$1$2&#58;")
  );
}

/** A line that would open a heading, quote, list or rule gets its opening character escaped. */
function escapeLineStart(line: string): string {
  return line.replace(/^(\s*)(=|\+|-|\d+(?=[.)]))/, (_m, indent: string, marker: string) =>
    /^\d/.test(marker) ? `${indent}${marker}\\` : `${indent}\\${marker}`,
  );
}

/** One line of text (titles, names, table cells, list items): line breaks become spaces, so it cannot open a section. */
export function markdownInline(text: string): string {
  return escapeLineStart(escapeInline(text.replace(/[\r\n\u2028\u2029\u0085\v\f]+/g, " ").replace(/[ \t]{2,}/g, " ").trim()));
}

/** Several paragraphs of text: line breaks are kept, and every line is plain text. */
export function markdownBlock(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029\u0085\v\f]/g, "\n")
    .split("\n")
    .map((line) => escapeLineStart(escapeInline(line)).replace(/^ {4,}/, "   "))
    .join("\n")
    .trim();
}
