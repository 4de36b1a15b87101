import { Readable } from 'node:stream';
import { FetchHttpHandler } from '@smithy/fetch-http-handler';
import { SpanStatusCode } from '@opentelemetry/api';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectCidOf, loadSdk, patternBytes, s3Client, setupTracing, useS3rver, waitForSpans } from './helpers.js';

const tracing = setupTracing();
const sdk = loadSdk();
const { s3 } = sdk;
const BUCKET = 'bodies';

/** Each body type PutObject accepts, made from the same bytes; `length` is passed where the SDK cannot know it. */
const BODY_TYPES: Record<string, { make(bytes: Buffer): unknown; length?: boolean }> = {
  string: { make: (bytes) => bytes.toString('latin1') },
  Buffer: { make: (bytes) => Buffer.from(bytes) },
  Uint8Array: { make: (bytes) => new Uint8Array(bytes) },
  'Node Readable': { make: (bytes) => Readable.from(chunksOf(bytes, 1000)), length: true },
  Blob: { make: (bytes) => new Blob([bytes]) },
  'web ReadableStream': { make: (bytes) => webStream(chunksOf(bytes, 1000)), length: true },
};

function chunksOf(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

function webStream(chunks: Buffer[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks.shift();
      if (chunk) controller.enqueue(new Uint8Array(chunk));
      else controller.close();
    },
  });
}

describe('PutObject bodies', () => {
  const server = useS3rver();
  // The SDK's Node handler sends strings, bytes and Readables; its fetch handler (also usable in Node) sends every type.
  const handlers = {
    'node http handler': () => s3Client(sdk, server.url),
    'fetch handler': () => s3Client(sdk, server.url, { requestHandler: new FetchHttpHandler() }),
  };

  beforeAll(async () => {
    await handlers['node http handler']().send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
  });
  beforeEach(() => tracing.exporter.reset());

  // Latin-1 text keeps a string body's UTF-8 bytes different from its code units: the CID must be of the bytes sent.
  const bytes = Buffer.from(patternBytes(5000).toString('latin1'), 'utf8');

  for (const [handlerName, makeClient] of Object.entries(handlers)) {
    for (const [typeName, type] of Object.entries(BODY_TYPES)) {
      if (handlerName === 'node http handler' && (typeName === 'Blob' || typeName === 'web ReadableStream')) continue;
      it(`records the CID of a ${typeName} body (${handlerName}) equal to the stored object's`, async () => {
        const client = makeClient();
        const key = `${handlerName}/${typeName}`;
        const sent = typeName === 'string' ? bytes : patternBytes(5000, 7);
        const body = type.make(typeName === 'string' ? patternBytes(5000) : sent);
        await client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body as Buffer, ...(type.length ? { ContentLength: sent.length } : {}) }));
        const [span] = await waitForSpans(tracing.exporter, 1);
        expect(span.attributes).toEqual({
          'rpc.system': 'aws-api',
          'rpc.service': 'S3',
          'rpc.method': 'PutObject',
          'aws.s3.bucket': BUCKET,
          'aws.s3.key': key,
          'provenance.object.etag': expect.stringMatching(/^"[0-9a-f]{32}"$/),
          'provenance.object.cid': expect.any(String),
          'provenance.object.size': sent.length,
        });
        await expectCidOf(span.attributes['provenance.object.cid'], sent);
        // The body arrived unchanged: what S3 stored has the same bytes.
        tracing.exporter.reset();
        const stored = await client.send(new s3.GetObjectCommand({ Bucket: BUCKET, Key: key }));
        expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(sent)).toBe(true);
      });
    }
  }

  it('leaves the SDK error of a Blob body on the Node handler unchanged, and records no CID', async () => {
    const client = handlers['node http handler']();
    const error = await client
      .send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'blob', Body: new Blob(['abc']) as unknown as Buffer }))
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TypeError);
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toEqual({
      'rpc.system': 'aws-api',
      'rpc.service': 'S3',
      'rpc.method': 'PutObject',
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'blob',
      'error.type': 'TypeError',
    });
  });

  it('ends GetObject through the fetch handler at the response, without a CID (its web stream body is not observed)', async () => {
    const client = handlers['fetch handler']();
    const sent = Buffer.from('read through fetch');
    await client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'via-fetch', Body: sent }));
    tracing.exporter.reset();
    const output = await client.send(new s3.GetObjectCommand({ Bucket: BUCKET, Key: 'via-fetch' }));
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.attributes).toEqual({
      'rpc.system': 'aws-api',
      'rpc.service': 'S3',
      'rpc.method': 'GetObject',
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'via-fetch',
      'provenance.object.etag': output.ETag,
      'provenance.object.size': sent.length,
    });
    expect(await output.Body!.transformToString()).toBe(sent.toString());
  });

  it('records the CID of a 12 MiB Readable body read in many chunks', async () => {
    const client = handlers['node http handler']();
    const sent = patternBytes(12 * 1024 * 1024, 3);
    await client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'big', Body: Readable.from(chunksOf(sent, 64 * 1024)), ContentLength: sent.length }));
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.attributes['provenance.object.size']).toBe(sent.length);
    await expectCidOf(span.attributes['provenance.object.cid'], sent);
  });
});
