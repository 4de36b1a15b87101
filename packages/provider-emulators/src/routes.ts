/**
 * THE route table: every provider module the emulator serves, in match order. To add a provider, create
 * src/<provider>/index.ts exporting a ProviderModule and add it here. Order matters only where paths
 * overlap: the first module with a matching route serves a request, and the first whose `owns()` accepts
 * an unmatched path renders the 404 (so a module that claims `/v1/` by a header goes before `openai`).
 */
import type { ProviderModule } from './core/types.js';
import { anthropicProvider } from './anthropic/index.js';
import { groq } from './groq/index.js';
import { openai } from './openai/index.js';
import { gemini } from './gemini/index.js';
import { ollama } from './ollama/index.js';
import { tgi } from './tgi/index.js';
import { tei } from './tei/index.js';
import { INFERENCE_SERVER_PROVIDERS } from './inference-servers.js';

// gemini goes before openai: both answer under /v1/, and gemini claims only Google RPC paths (`:method`).
export const providers: ProviderModule[] = [anthropicProvider, groq, gemini, openai, ollama, tgi, tei];
// The self-hosted servers' own routes live under OpenAI's `/v1/` too: they go before openai.
providers.splice(providers.indexOf(openai), 0, ...INFERENCE_SERVER_PROVIDERS);
