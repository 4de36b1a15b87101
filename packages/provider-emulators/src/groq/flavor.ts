import type { OpenAiFlavor } from '../openai/flavor.js';

/** Groq serves the OpenAI wire format under /openai/v1 (https://console.groq.com/docs/openai). */
export const GROQ_FLAVOR: OpenAiFlavor = {
  name: 'groq',
  basePath: '/openai/v1',
  systemFingerprint: 'fp_emu_groq',
  ownedBy: 'Groq',
  models: ['llama-3.3-70b-versatile', 'llama-3.1-8b-instant', 'openai/gpt-oss-20b', 'nomic-embed-text-v1_5'],
};
