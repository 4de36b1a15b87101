/**
 * Deterministic unit-length embedding for a text: the same text and length always give the same vector,
 * different texts give different vectors. Values are rounded to float32, so a float array and its base64
 * (little-endian float32) encoding decode to identical numbers, as with real providers.
 */
export function embeddingFor(text: string, dimensions: number): number[] {
  let state = fnv1a(text) || 1;
  const raw = new Array<number>(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    // xorshift32: cheap, deterministic, spread over [-1, 1).
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const v = state / 0x80000000 - 1;
    raw[i] = v;
    norm += v * v;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return raw.map((v) => Math.fround(v * scale));
}

/** Little-endian float32 bytes, base64-encoded (OpenAI's `encoding_format: 'base64'`). */
export function float32Base64(vector: number[]): string {
  const buf = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
