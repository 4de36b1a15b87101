import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as ClientS3 from '@aws-sdk/client-s3';
import type * as LibStorage from '@aws-sdk/lib-storage';
import type * as Presigner from '@aws-sdk/s3-request-presigner';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { afterAll, beforeAll, expect } from 'vitest';
import * as support from '@llm-provenance/test-support';
import { AwsS3Instrumentation } from '@llm-provenance/instrumentation-aws-s3';

const require = createRequire(import.meta.url);

/** The SDK packages, loaded through `require` after the instrumentation is enabled (its require hook patches them). */
export interface Sdk {
  s3: typeof ClientS3;
  storage: typeof LibStorage;
  presigner: typeof Presigner;
}

export function loadSdk(): Sdk {
  return {
    s3: require('@aws-sdk/client-s3') as typeof ClientS3,
    storage: require('@aws-sdk/lib-storage') as typeof LibStorage,
    presigner: require('@aws-sdk/s3-request-presigner') as typeof Presigner,
  };
}

/** The instrumentation on a real tracer provider registered globally (the Upload span is the parent of its parts through context). */
export function setupTracing(instrumentation = new AwsS3Instrumentation()) {
  return support.setupTracing(instrumentation, { global: true });
}

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
  httpServer?: { closeAllConnections?(): void };
}

/** s3rver's own credentials: it checks the signature of every request made with them. */
export const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * s3rver on 127.0.0.1 with its files in a temp dir, for the whole test file; both gone afterwards.
 * `url` is set once it listens.
 */
export function useS3rver(): { url: string; dir: string } {
  const state = { url: '', dir: '' };
  let server: S3rverInstance | undefined;
  beforeAll(async () => {
    state.dir = mkdtempSync(path.join(tmpdir(), 's3rver-test-'));
    const S3rver = require('s3rver') as new (options: object) => S3rverInstance;
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: state.dir, resetOnClose: true });
    const { port } = await server.run();
    state.url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    try {
      // Keep-alive connections (fetch's pool) would hold close() open.
      const closing = server?.close();
      server?.httpServer?.closeAllConnections?.();
      await closing;
    } finally {
      rmSync(state.dir, { recursive: true, force: true });
    }
  });
  return state;
}

/**
 * A client for s3rver: path-style addressing, and checksums only where S3 requires them (s3rver stores an
 * aws-chunked body as it arrives, trailer included, instead of decoding it).
 */
export function s3Client(sdk: Sdk, url: string, options: Partial<ClientS3.S3ClientConfig> = {}): ClientS3.S3Client {
  return new sdk.s3.S3Client({
    endpoint: url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...options,
  });
}

/** The CIDv1 raw sha2-256 of `bytes`, computed by multiformats. */
export async function expectedCid(bytes: Uint8Array): Promise<string> {
  return CID.create(1, raw.code, await sha256.digest(bytes)).toString();
}

/** The hex sha2-256 digest inside a CID string, as multiformats decodes it. */
export function digestHexOf(cid: string): string {
  const parsed = CID.parse(cid);
  expect(parsed.code).toBe(raw.code);
  expect(parsed.multihash.code).toBe(sha256.code);
  return Buffer.from(parsed.multihash.digest).toString('hex');
}

/** What `sha256sum` prints for `bytes` (written to a temp file that is removed again). */
export function sha256sum(bytes: Uint8Array): string {
  const dir = mkdtempSync(path.join(tmpdir(), 's3-sha256sum-'));
  try {
    const file = path.join(dir, 'object');
    writeFileSync(file, bytes);
    return execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Checks a recorded CID three ways: equal to multiformats' CID of the bytes, its digest equal to
 * `sha256sum`'s, and equal to node:crypto's digest.
 */
export async function expectCidOf(cid: unknown, bytes: Uint8Array): Promise<void> {
  expect(cid).toBe(await expectedCid(bytes));
  const hex = digestHexOf(cid as string);
  expect(hex).toBe(sha256sum(bytes));
  expect(hex).toBe(createHash('sha256').update(bytes).digest('hex'));
}

export function spanNamed(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  expect(found.map((span) => span.name)).toEqual([name]);
  return found[0];
}

/** A deterministic pseudo-random byte pattern of `size` bytes (not compressible, not all one value). */
export function patternBytes(size: number, seed = 1): Buffer {
  const bytes = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

export const { waitForSpans } = support;
