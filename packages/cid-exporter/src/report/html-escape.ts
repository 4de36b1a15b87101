/**
 * Escaping for the HTML report. Every value in the page comes from the store, which is untrusted (a prompt
 * is whatever a user typed), so each one passes through one of these before it reaches the page.
 */

/**
 * The text with &, <, >, " and ' replaced by character references: safe in text and in quoted attribute
 * values (https://html.spec.whatwg.org/multipage/syntax.html#escapingString names the characters that matter).
 */
export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON for a `<script type="application/json">` data block. Inside a script element only `</script` (and
 * `<!--`) end or alter the element (https://html.spec.whatwg.org/multipage/scripting.html#restrictions-for-contents-of-script-elements),
 * so every <, > and & is written as a JSON \u escape, which `JSON.parse` reads back unchanged; U+2028 and
 * U+2029 likewise, for older JavaScript parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
