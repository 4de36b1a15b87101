/**
 * What differs between OpenAI itself and servers that speak its wire format under another prefix
 * (Groq serves the same routes under /openai/v1). Handlers take a flavor instead of hard-coding these.
 */
export interface OpenAiFlavor {
  /** Module name (`openai`). */
  name: string;
  /** Route prefix without trailing slash (`/v1`). */
  basePath: string;
  /** `system_fingerprint` on chat completions and chunks. */
  systemFingerprint: string;
  /** `owned_by` in the models list. */
  ownedBy: string;
  /** Models listed by GET {basePath}/models. */
  models: string[];
}

export const OPENAI_FLAVOR: OpenAiFlavor = {
  name: 'openai',
  basePath: '/v1',
  systemFingerprint: 'fp_emu',
  ownedBy: 'openai',
  models: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'o4-mini', 'gpt-3.5-turbo-instruct', 'text-embedding-3-small', 'text-embedding-3-large'],
};

/** Unix seconds, as every OpenAI `created` / `created_at` field. */
export function unixSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}
