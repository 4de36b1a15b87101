/**
 * The conventions' content attributes are JSON text (`gen_ai.input.messages`, `gen_ai.output.messages`,
 * ...). Built on every call, they are cheaper to write directly than to build as objects and hand to
 * `JSON.stringify`, which costs about a microsecond even for one short message. What is written here is
 * exactly what `JSON.stringify` gives for the same value (https://tc39.es/ecma262/#sec-quotejsonstring):
 * mappings use it for the shapes they know and fall back to `JSON.stringify` of the object form for
 * everything else.
 */

/** Characters `JSON.stringify` escapes: `"`, `\`, control characters, and surrogates (escaped when unpaired). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON text must escape
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(text)`: most strings need no escaping, and checking that is cheaper than the serialiser. */
export function jsonString(text: string): string {
  return NEEDS_ESCAPING.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** `JSON.stringify({ type: 'text', content })`. */
export function textPartJson(content: string): string {
  return `{"type":"text","content":${jsonString(content)}}`;
}

/** JSON array text of `items`, each already JSON text (`JSON.stringify` of the array of their values). */
export function jsonArray(items: readonly string[]): string {
  return items.length === 1 ? `[${items[0]}]` : `[${items.join(',')}]`;
}
