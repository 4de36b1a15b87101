import { GenAiProviderName } from '@llm-provenance/semantic-conventions';
import { providerFromUrl } from '@llm-provenance/instrumentation-common';

/** What the span needs from the client a resource belongs to (`this._client` in every openai major). */
export interface ClientInfo {
  baseUrl: string | undefined;
  apiKey: string | undefined;
  providerName: string;
}

/**
 * Reads base URL and key from the client. The provider is recognised from the base URL's host
 * (api.groq.com -> groq, *.openai.azure.com -> azure.ai.openai, ...). An unknown host is reported as
 * `openai`: the instrumentation observes the openai client speaking OpenAI's protocol, and the
 * conventions name the provider "as identified by the client instrumentation"; for a gateway or
 * self-hosted server set the `providerName` option to say what it really is.
 */
export function clientInfo(client: any): ClientInfo {
  const baseUrl = typeof client?.baseURL === 'string' ? client.baseURL : undefined;
  const apiKey = typeof client?.apiKey === 'string' && client.apiKey !== '' ? client.apiKey : undefined;
  return { baseUrl, apiKey, providerName: providerFromUrl(baseUrl) ?? GenAiProviderName.OPENAI };
}
