/**
 * A loopback HTTP server speaking the parts of the Kubo RPC API (https://docs.ipfs.tech/reference/kubo/rpc/)
 * that the publish and fetch paths use, as Kubo does: every command is a POST to /api/v0/<command>, its
 * arguments in the query string (`arg` repeated for positional ones), file inputs as a multipart/form-data
 * body, JSON answers with Kubo's capitalised field names, and errors as HTTP 500 with
 * `{"Message": ..., "Code": 0, "Type": "error"}` (HTTP 405 for a GET). Blocks live in a Map keyed by CID
 * string; like Kubo it hashes what it is given (`block/put` answers the CID it computed with the
 * requested `cid-codec` and `mhtype`), and it serves what it holds without checking.
 *
 * Endpoints: block/put, block/get, block/stat (with `offline`), pin/add (recursive: it walks dag-json
 * links like Kubo's pinner and fails on a block it lacks), pin/ls. `tamper(cid, bytes)` makes it serve
 * other bytes for a CID, as a damaged or malicious node would.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import * as dagJson from '@ipld/dag-json';

const CODECS: Record<string, number> = { raw: 0x55, 'dag-json': 0x0129, 'dag-pb': 0x70, 'dag-cbor': 0x71 };

class RpcError extends Error {}

export class KuboRpcServer {
  readonly blocks = new Map<string, Uint8Array>();
  readonly pins = new Set<string>();
  /** Commands received, in order (`block/put`, `block/stat`, ...). */
  readonly calls: string[] = [];
  private readonly served = new Map<string, Uint8Array>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Serve `bytes` for `cid` from now on (block/get), keeping the stored block (block/stat still finds it). */
  tamper(cid: string, bytes: Uint8Array): void {
    this.served.set(cid, bytes);
  }

  count(command: string): number {
    return this.calls.filter((c) => c === command).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const command = url.pathname.replace(/^\/api\/v0\//, '');
    const body = await readBody(req);
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8' }).end('405 - Method Not Allowed\n');
      return;
    }
    this.calls.push(command);
    try {
      const answer = await this.run(command, url.searchParams, req.headers['content-type'] ?? '', body);
      if (answer instanceof Uint8Array) res.writeHead(200, { 'content-type': 'text/plain', 'x-stream-output': '1' }).end(answer);
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer) + '\n');
    } catch (err) {
      const status = err instanceof RpcError ? 500 : 400;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ Message: (err as Error).message, Code: 0, Type: 'error' }) + '\n');
    }
  }

  private async run(command: string, q: URLSearchParams, contentType: string, body: Buffer): Promise<unknown> {
    const arg = (): string => {
      const a = q.get('arg');
      if (a === null) throw new RpcError('argument "cid" is required');
      return a;
    };
    const parse = (text: string): CID => {
      try {
        return CID.parse(text);
      } catch (err) {
        throw new RpcError(`invalid path "${text}": ${(err as Error).message}`);
      }
    };
    switch (command) {
      case 'block/put': {
        const data = multipartFile(contentType, body);
        const codec = CODECS[q.get('cid-codec') ?? 'raw'];
        if (codec === undefined) throw new RpcError(`unrecognized codec: ${q.get('cid-codec')}`);
        if ((q.get('mhtype') ?? 'sha2-256') !== 'sha2-256') throw new RpcError(`unrecognized multihash function: ${q.get('mhtype')}`);
        if (data.length > 1024 * 1024 && q.get('allow-big-block') !== 'true')
          throw new RpcError(`produced block is over 1MiB: big blocks can't be exchanged with other peers`);
        const cid = CID.create(1, codec, await sha256.digest(data)).toString();
        if (!this.blocks.has(cid)) this.blocks.set(cid, data);
        return { Key: cid, Size: data.length };
      }
      case 'block/stat': {
        const cid = parse(arg()).toString();
        const data = this.blocks.get(cid);
        if (!data) throw new RpcError(`block was not found locally (offline): ipld: could not find ${cid}`);
        return { Key: cid, Size: data.length };
      }
      case 'block/get': {
        const cid = parse(arg()).toString();
        const data = this.served.get(cid) ?? this.blocks.get(cid);
        if (!data) throw new RpcError(`block was not found locally (offline): ipld: could not find ${cid}`);
        return data;
      }
      case 'pin/add': {
        const root = parse(arg());
        if (q.get('recursive') === 'false') throw new RpcError('this server pins recursively only');
        const todo = [root];
        const seen = new Set<string>();
        while (todo.length) {
          const cid = todo.pop()!;
          const key = cid.toString();
          if (seen.has(key)) continue;
          seen.add(key);
          const data = this.blocks.get(key);
          if (!data) throw new RpcError(`pin: block was not found locally (offline): ipld: could not find ${key}`);
          if (cid.code === 0x0129) collectLinks(dagJson.decode(data), todo);
        }
        this.pins.add(root.toString());
        return { Pins: [root.toString()] };
      }
      case 'pin/ls':
        return { Keys: Object.fromEntries([...this.pins].map((p) => [p, { Type: 'recursive' }])) };
      default:
        throw new Error(`unknown command "${command}"`);
    }
  }
}

function collectLinks(value: unknown, out: CID[]): void {
  const cid = CID.asCID(value);
  if (cid) out.push(cid);
  else if (Array.isArray(value)) value.forEach((v) => collectLinks(v, out));
  else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) Object.values(value).forEach((v) => collectLinks(v, out));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The one file part of a multipart/form-data body (RFC 7578), as Kubo reads `block/put`'s data. */
function multipartFile(contentType: string, body: Buffer): Uint8Array {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!contentType.startsWith('multipart/form-data') || !boundary) throw new RpcError("file argument 'data' is required");
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = body.indexOf(delimiter);
  const headersEnd = body.indexOf('\r\n\r\n', start);
  const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headersEnd);
  if (start < 0 || headersEnd < 0 || next < 0) throw new RpcError("file argument 'data' is required");
  return new Uint8Array(body.subarray(headersEnd + 4, next));
}
