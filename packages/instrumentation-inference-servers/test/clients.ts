import http from 'node:http';
import { createRequire } from 'node:module';

/**
 * The HTTP clients users reach inference servers with, each driven the way an app would: global
 * `fetch`, the `undici` package (`request`, `fetch`, `stream`) and `node:http`. Each call returns the
 * status and the body text exactly as the app received it. The `undici` package is loaded through
 * `require` after the instrumentation is enabled, as an app started with `--require`/`--import` loads it.
 */
export interface Reply {
  status: number;
  text: string;
}

export type Post = (url: string, body: string | Buffer, headers?: Record<string, string>) => Promise<Reply>;

const require = createRequire(import.meta.url);

interface UndiciModule {
  request(
    url: string,
    options: { method: string; body: string | Buffer; headers: Record<string, string> },
  ): Promise<{ statusCode: number; body: { text(): Promise<string> } }>;
  fetch: typeof globalThis.fetch;
  stream(
    url: string,
    options: { method: string; body: string | Buffer; headers: Record<string, string> },
    factory: (data: { statusCode: number }) => NodeJS.WritableStream,
  ): Promise<unknown>;
  Agent: new (options?: object) => object;
}

/** The `undici` package, required (so its `fetch` is patched like an app's would be). */
export function undici(): UndiciModule {
  return require('undici') as UndiciModule;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export const CLIENTS: Record<string, Post> = {
  'global fetch': async (url, body, headers = {}) => {
    const response = await fetch(url, { method: 'POST', body, headers: { ...JSON_HEADERS, ...headers } });
    return { status: response.status, text: await response.text() };
  },
  'undici.request': async (url, body, headers = {}) => {
    const response = await undici().request(url, { method: 'POST', body, headers: { ...JSON_HEADERS, ...headers } });
    return { status: response.statusCode, text: await response.body.text() };
  },
  'undici.fetch with an Agent': async (url, body, headers = {}) => {
    const u = undici();
    const dispatcher = new u.Agent();
    const response = await u.fetch(url, { method: 'POST', body, headers: { ...JSON_HEADERS, ...headers }, dispatcher } as RequestInit);
    return { status: response.status, text: await response.text() };
  },
  'undici.stream': async (url, body, headers = {}) => {
    const { Writable } = await import('node:stream');
    let status = 0;
    const chunks: Buffer[] = [];
    await undici().stream(url, { method: 'POST', body, headers: { ...JSON_HEADERS, ...headers } }, ({ statusCode }) => {
      status = statusCode;
      return new Writable({
        write(chunk: Buffer, _encoding, callback) {
          chunks.push(chunk);
          callback();
        },
      });
    });
    return { status, text: Buffer.concat(chunks).toString('utf8') };
  },
  'http.request': (url, body, headers = {}) =>
    new Promise((resolve, reject) => {
      const request = http.request(url, { method: 'POST', headers: { ...JSON_HEADERS, ...headers } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.write(body);
      request.end();
    }),
};
