import type { Attributes } from '@opentelemetry/api';
import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@llm-provenance/semantic-conventions';
import { ATTR_NETWORK_PROTOCOL_NAME, ATTR_NETWORK_TRANSPORT, NETWORK_TRANSPORT_PIPE, NETWORK_TRANSPORT_TCP } from '@llm-provenance/semantic-conventions';

/** The SDK's transport classes, by the name they are exported under (client/stdio.js, client/streamableHttp.js, ...). */
const PIPE_TRANSPORTS = /^Stdio(Client|Server)Transport$/;
const HTTP_TRANSPORTS = /^(StreamableHTTP|SSE)(Client|Server)Transport$/;
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * `network.*` (and, on the client, `server.*`) of the MCP session over `transport`: `pipe` for stdio and
 * `tcp` + `http` for the HTTP transports (mcp.md, note on `network.transport`). A transport of the
 * application's own (in-memory, WebSocket, ...) gets none: we would be guessing.
 */
export function transportAttributes(transport: unknown, side: 'client' | 'server'): Attributes {
  const name = (transport as { constructor?: { name?: unknown } } | undefined)?.constructor?.name;
  if (typeof name !== 'string') return {};
  if (PIPE_TRANSPORTS.test(name)) return { [ATTR_NETWORK_TRANSPORT]: NETWORK_TRANSPORT_PIPE };
  if (!HTTP_TRANSPORTS.test(name)) return {};
  const attributes: Attributes = { [ATTR_NETWORK_TRANSPORT]: NETWORK_TRANSPORT_TCP, [ATTR_NETWORK_PROTOCOL_NAME]: 'http' };
  // The client transports keep the server's URL in `_url` (a URL object).
  const url = side === 'client' ? (transport as { _url?: unknown })._url : undefined;
  if (url instanceof URL) {
    attributes[ATTR_SERVER_ADDRESS] = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
    if (port !== undefined) attributes[ATTR_SERVER_PORT] = port;
  }
  return attributes;
}

/** `mcp.session.id` comes from the transport: Streamable HTTP's `Mcp-Session-Id`; stdio has no session id. */
export function sessionIdOf(transport: unknown): string | undefined {
  const id = (transport as { sessionId?: unknown } | undefined)?.sessionId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
