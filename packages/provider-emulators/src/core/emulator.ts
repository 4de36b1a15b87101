import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { providers as defaultProviders } from '../routes.js';
import { StreamStopped } from './chunk-stream.js';
import { readBody, parseQuery, sendJson, sendTruncatedJson } from './http.js';
import { NdjsonWriter } from './ndjson.js';
import { compileRoutes, matchRoute } from './router.js';
import { validateOptions, validateScenario } from './validate.js';
import { SseWriter } from './sse.js';
import type { Emulator, EmulatorOptions, ErrorSpec, ProviderModule, RecordedRequest, RouteContext, Scenario } from './types.js';

/** Answers requests no provider claims: a plain JSON error, since there is no provider shape to follow. */
const unclaimed: ProviderModule = {
  name: 'none',
  routes: [],
  owns: () => true,
  sendError(ctx, spec) {
    ctx.json(spec.status, { error: { message: spec.message ?? 'error', type: spec.type ?? null, code: spec.code ?? null } });
  },
};

/** Header a client sends on one request to have its stream held (see `holdAfterOf`). */
export const HOLD_AFTER_HEADER = 'x-emulator-hold-after';

/**
 * After how many chunks to hold this request's stream: the `x-emulator-hold-after` header's count (it
 * targets one call of an app that makes many, whatever the scenario queue holds), else a `hold_after`
 * scenario's; a TypeError naming the header when its value is not an integer >= 0.
 */
function holdAfterOf(req: IncomingMessage, scenario: Scenario | undefined): number | TypeError | undefined {
  const header = req.headers[HOLD_AFTER_HEADER];
  if (header !== undefined) {
    const value = Array.isArray(header) ? header.join(',') : header;
    return /^\d+$/.test(value.trim()) ? Number(value) : new TypeError(`${HOLD_AFTER_HEADER} must be an integer >= 0, got ${JSON.stringify(value)}`);
  }
  return scenario?.kind === 'hold_after' ? scenario.chunks : undefined;
}

/**
 * Starts a loopback server that speaks every registered provider's wire format.
 * See the package README for routes and scenarios.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  validateOptions(options);
  const routes = compileRoutes(options.providers ?? defaultProviders);
  const providerList = options.providers ?? defaultProviders;
  const now = options.now ?? Date.now;
  const requests: RecordedRequest[] = [];
  const queue: Scenario[] = [];
  const sockets = new Set<Socket>();
  let counter = 0;
  /** Requests received in full since start or reset(), and who waits for a number of them (`received`). */
  let arrived = 0;
  const arrivalWaiters: Array<{ count: number; resolve: () => void; reject: (err: Error) => void }> = [];
  let closing = false;
  let closed: Promise<void> | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    // Number, record and pair the request with its scenario on arrival, so concurrent requests keep
    // arrival order however long their bodies take to upload.
    const record: RecordedRequest = { method, path, query: parseQuery(url.searchParams), headers: req.headers, body: undefined };
    const n = ++counter;
    if (options.recordRequests !== false) requests.push(record);
    const scenario = queue.shift();
    const raw = await readBody(req);
    const rawBody = raw.toString('utf8');
    let body: unknown;
    let badJson = false;
    if (rawBody.trim() !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
        badJson = true;
      }
    }
    record.body = body;
    arrived += 1;
    for (const waiter of arrivalWaiters.filter((w) => w.count <= arrived)) {
      arrivalWaiters.splice(arrivalWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }

    const match = matchRoute(routes, method, path);
    const provider = match?.provider ?? providerList.find((p) => p.owns({ method, path, headers: req.headers })) ?? unclaimed;

    const cut = () => res.socket?.destroy();
    const ctx: RouteContext = {
      n,
      method,
      path,
      query: record.query,
      headers: req.headers,
      body: badJson ? undefined : body,
      rawBody,
      params: match?.params ?? {},
      scenario,
      now,
      req,
      res,
      json: (status, payload, headers) =>
        scenario?.kind === 'stream_error_after' ? sendTruncatedJson(res, status, payload, headers ?? {}, cut) : sendJson(res, status, payload, headers),
      sse: (headers) => {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
        return new SseWriter(res, streamOptions());
      },
      ndjson: (headers) => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson', ...headers });
        return new NdjsonWriter(res, streamOptions());
      },
      cutConnection: cut,
      error: (spec: ErrorSpec) => provider.sendError(ctx, spec),
    };
    const holdAfter = holdAfterOf(req, scenario);
    function streamOptions() {
      return {
        cut,
        delayMs: options.chunkDelayMs,
        cutAfter: scenario?.kind === 'stream_error_after' ? scenario.chunks : undefined,
        holdAfter: typeof holdAfter === 'number' ? holdAfter : undefined,
      };
    }

    for (const [k, v] of Object.entries(provider.headers?.({ n, now }) ?? {})) res.setHeader(k, v);

    if (holdAfter instanceof TypeError) return provider.sendError(ctx, { status: 400, type: 'invalid_request_error', message: holdAfter.message });
    // A real server checks credentials, the route and the body before doing any work; scenarios act after.
    const authError = provider.authenticate?.(ctx);
    if (authError) return provider.sendError(ctx, authError);
    if (!match) return provider.sendError(ctx, { status: 404, message: `Invalid URL (${method} ${path})`, code: null });
    if (badJson) return provider.sendError(ctx, { status: 400, type: 'invalid_json', message: 'invalid JSON body' });
    if (scenario?.kind === 'hang') return; // the socket stays open until the client gives up or close() runs
    if (scenario?.kind === 'error') return provider.sendError(ctx, scenario);
    await match.route.handle(ctx);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof StreamStopped || closing) return;
      // An emulator bug must surface in the test that hit it, not vanish: answer 500 with the reason.
      if (!res.headersSent) sendJson(res, 500, { error: { message: `emulator failure: ${err instanceof Error && err.stack ? err.stack : String(err)}` } });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('emulator: server has no TCP address');
  const port = address.port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    enqueue(...scenarios: Scenario[]) {
      for (const s of scenarios) validateScenario(s);
      queue.push(...scenarios);
    },
    received(count = 1) {
      if (!Number.isInteger(count) || count < 1)
        return Promise.reject(new TypeError(`emulator.received: count must be an integer >= 1, got ${JSON.stringify(count)}`));
      if (arrived >= count) return Promise.resolve();
      if (closing) return Promise.reject(new Error('emulator.received: the emulator is closed'));
      return new Promise<void>((resolve, reject) => arrivalWaiters.push({ count, resolve, reject }));
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
      counter = 0;
      arrived = 0;
    },
    close() {
      closing = true;
      for (const waiter of arrivalWaiters.splice(0)) waiter.reject(new Error(`emulator closed before ${waiter.count} requests arrived (${arrived} did)`));
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
