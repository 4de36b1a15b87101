import { GenAiProviderName } from '@llm-provenance/semantic-conventions';
import { configuredProviderFromUrl, openAiCompatibleClient, providerFromUrl, type OpenAiCompatibleClient } from '@llm-provenance/instrumentation-common';

/** What the span needs from the client a resource belongs to (`this._client` in every openai major). */
export type ClientInfo = OpenAiCompatibleClient;

/**
 * Reads base URL and key from the client. The provider is the one configured for the base URL's server
 * (the inference-servers instrumentation's `servers`: `vllm=http://gpu1:8000` makes a client of
 * `http://gpu1:8000/v1` report `vllm`), else recognised from the host (api.groq.com -> groq,
 * *.openai.azure.com -> azure.ai.openai, ...). An unknown host is reported as `openai`: the
 * instrumentation observes the openai client speaking OpenAI's protocol, and the conventions name the
 * provider "as identified by the client instrumentation"; for a gateway or self-hosted server set the
 * `providerName` option to say what it really is.
 */
export const clientInfo = openAiCompatibleClient((baseUrl) => configuredProviderFromUrl(baseUrl) ?? providerFromUrl(baseUrl) ?? GenAiProviderName.OPENAI);
