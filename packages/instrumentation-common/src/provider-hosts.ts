import { GenAiProviderName } from '@llm-provenance/semantic-conventions';
import { urlInfo } from './url-info.js';

/**
 * Known hosts of providers that speak a wire protocol several SDKs share (the OpenAI protocol above all),
 * so an instrumentation can tell from the client's base URL whom it is talking to.
 * Values are `gen_ai.provider.name` well-known values where the conventions have one.
 */
const EXACT_HOSTS: Record<string, string> = {
  'api.openai.com': GenAiProviderName.OPENAI,
  'api.groq.com': GenAiProviderName.GROQ,
  'api.deepseek.com': GenAiProviderName.DEEPSEEK,
  'api.mistral.ai': GenAiProviderName.MISTRAL_AI,
  'api.x.ai': GenAiProviderName.X_AI,
  'api.perplexity.ai': GenAiProviderName.PERPLEXITY,
  'api.anthropic.com': GenAiProviderName.ANTHROPIC,
  'generativelanguage.googleapis.com': GenAiProviderName.GCP_GEMINI,
  'api.cohere.com': GenAiProviderName.COHERE,
  'api.cohere.ai': GenAiProviderName.COHERE,
};

const SUFFIX_HOSTS: Array<[string, string]> = [
  ['.openai.azure.com', GenAiProviderName.AZURE_AI_OPENAI],
  ['.services.ai.azure.com', GenAiProviderName.AZURE_AI_INFERENCE],
  ['.models.ai.azure.com', GenAiProviderName.AZURE_AI_INFERENCE],
  ['-aiplatform.googleapis.com', GenAiProviderName.GCP_VERTEX_AI],
];

/** Ports that identify a local server by its well-known default (host must be loopback). */
const LOCAL_PORTS: Record<number, string> = {
  11434: GenAiProviderName.OLLAMA,
};

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);

/**
 * The provider a base URL points at, or undefined when the host is not a known one.
 * `https://api.groq.com/openai/v1` -> 'groq'; `https://x.openai.azure.com` -> 'azure.ai.openai';
 * `http://localhost:11434/v1` -> 'ollama'.
 */
export function providerFromUrl(baseUrl: string | URL | null | undefined): string | undefined {
  const url = urlInfo(baseUrl);
  if (!url) return undefined;
  const host = url.host;
  if (Object.hasOwn(EXACT_HOSTS, host)) return EXACT_HOSTS[host];
  for (const [suffix, name] of SUFFIX_HOSTS) if (host.endsWith(suffix)) return name;
  if (LOOPBACK.has(host) && url.explicitPort !== undefined) return LOCAL_PORTS[url.explicitPort];
  return undefined;
}
