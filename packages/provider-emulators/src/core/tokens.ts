/**
 * The emulators' shared token rule: one token per whitespace-separated word. It is not any provider's
 * tokenizer; it only has to be deterministic and easy to predict in tests.
 */
export function countWords(text: string): number {
  let count = 0;
  for (const word of text.split(/\s+/)) if (word !== '') count++;
  return count;
}

/** Word count over several texts (e.g. every message of a conversation). */
export function countWordsIn(texts: Iterable<string>): number {
  let total = 0;
  for (const text of texts) total += countWords(text);
  return total;
}

/**
 * Splits text into streaming pieces, one per word, each carrying the whitespace before it; joining the
 * pieces always gives back `text` exactly ("Echo: hi there" -> ["Echo:", " hi", " there"]).
 */
export function splitWords(text: string): string[] {
  const pieces: string[] = [...(text.match(/\s*\S+/g) ?? [])];
  const consumed = pieces.join('').length;
  if (consumed < text.length) {
    // Trailing whitespace (or a whitespace-only text) stays attached to the last piece.
    if (pieces.length === 0) pieces.push(text);
    else pieces[pieces.length - 1] += text.slice(consumed);
  }
  return pieces;
}

/** Keeps the first `limit` words of `text` (used for max_tokens truncation). */
export function truncateWords(text: string, limit: number): string {
  return splitWords(text).slice(0, Math.max(0, limit)).join('');
}
