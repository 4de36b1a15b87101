import { Readable } from 'node:stream';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectCidOf, loadSdk, patternBytes, s3Client, setupTracing, spanNamed, useS3rver, waitForSpans } from './helpers.js';

const tracing = setupTracing();
const sdk = loadSdk();
const { s3, storage } = sdk;
const BUCKET = 'multipart';
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const rpc = (method: string) => ({ 'rpc.system': 'aws-api', 'rpc.service': 'S3', 'rpc.method': method });

function chunksOf(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

function partsOf(spans: readonly ReadableSpan[]): ReadableSpan[] {
  return spans
    .filter((span) => span.name === 'S3.UploadPart')
    .sort((a, b) => Number(a.attributes['aws.s3.part_number']) - Number(b.attributes['aws.s3.part_number']));
}

describe('multipart uploads', () => {
  const server = useS3rver();
  let client: InstanceType<typeof s3.S3Client>;

  beforeAll(async () => {
    client = s3Client(sdk, server.url);
    await client.send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
  });
  beforeEach(() => tracing.exporter.reset());

  it('traces CreateMultipartUpload, UploadPart (one CID per part) and CompleteMultipartUpload', async () => {
    const object = patternBytes(PART + 1234, 11);
    const parts = [object.subarray(0, PART), object.subarray(PART)];
    const { UploadId } = await client.send(new s3.CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'by-hand' }));
    const etags: string[] = [];
    for (const [index, part] of parts.entries()) {
      const { ETag } = await client.send(new s3.UploadPartCommand({ Bucket: BUCKET, Key: 'by-hand', UploadId, PartNumber: index + 1, Body: part }));
      etags.push(ETag!);
    }
    const done = await client.send(
      new s3.CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'by-hand',
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
      }),
    );
    const [create, part1, part2, complete] = await waitForSpans(tracing.exporter, 4);
    expect(create.attributes).toEqual({ ...rpc('CreateMultipartUpload'), 'aws.s3.bucket': BUCKET, 'aws.s3.key': 'by-hand', 'aws.s3.upload_id': UploadId });
    for (const [index, span] of [part1, part2].entries()) {
      expect(span.name).toBe('S3.UploadPart');
      expect(span.attributes).toEqual({
        ...rpc('UploadPart'),
        'aws.s3.bucket': BUCKET,
        'aws.s3.key': 'by-hand',
        'aws.s3.upload_id': UploadId,
        'aws.s3.part_number': index + 1,
        'provenance.object.etag': etags[index],
        'provenance.object.cid': expect.any(String),
        'provenance.object.size': parts[index].length,
      });
      await expectCidOf(span.attributes['provenance.object.cid'], parts[index]);
    }
    // The whole object's bytes never pass through one call here: only the parts have CIDs.
    expect(complete.attributes).toEqual({
      ...rpc('CompleteMultipartUpload'),
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'by-hand',
      'aws.s3.upload_id': UploadId,
      'provenance.object.etag': done.ETag,
    });
  });

  // s3rver 3.7 does not implement AbortMultipartUpload (it answers MethodNotAllowed): the span records
  // that refusal like any other S3 error.
  it('traces AbortMultipartUpload', async () => {
    const { UploadId } = await client.send(new s3.CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'aborted' }));
    const error = await client.send(new s3.AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'aborted', UploadId })).catch((err: unknown) => err);
    expect((error as Error).name).toBe('MethodNotAllowed');
    const [, abort] = await waitForSpans(tracing.exporter, 2);
    expect(abort.name).toBe('S3.AbortMultipartUpload');
    expect(abort.status).toEqual({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    expect(abort.attributes).toEqual({
      ...rpc('AbortMultipartUpload'),
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'aborted',
      'aws.s3.upload_id': UploadId,
      'error.type': 'MethodNotAllowed',
    });
  });

  it('UploadPart to a bucket that does not exist: NoSuchBucket, no CID', async () => {
    const error = await client
      .send(new s3.UploadPartCommand({ Bucket: 'no-such-bucket', Key: 'k', UploadId: 'made-up', PartNumber: 1, Body: 'part' }))
      .catch((err: unknown) => err);
    expect((error as Error).name).toBe('NoSuchBucket');
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toEqual({
      ...rpc('UploadPart'),
      'aws.s3.bucket': 'no-such-bucket',
      'aws.s3.key': 'k',
      'aws.s3.upload_id': 'made-up',
      'aws.s3.part_number': 1,
      'error.type': 'NoSuchBucket',
    });
  });

  const UPLOAD_BODIES: Record<string, (bytes: Buffer) => unknown> = {
    Buffer: (bytes) => bytes,
    string: (bytes) => bytes.toString('latin1'),
    'Node Readable': (bytes) => Readable.from(chunksOf(bytes, 256 * 1024)),
    Blob: (bytes) => new Blob([bytes]),
    'web ReadableStream': (bytes) => {
      const chunks = chunksOf(bytes, 256 * 1024);
      return new ReadableStream({ pull: (controller) => (chunks.length ? controller.enqueue(new Uint8Array(chunks.shift()!)) : controller.close()) });
    },
  };

  for (const [typeName, make] of Object.entries(UPLOAD_BODIES)) {
    it(`Upload of a ${typeName} body: a span with the whole object's CID over the part spans with theirs`, async () => {
      const source = patternBytes(2 * PART + 777, 5);
      // A string body is sent as its UTF-8 bytes.
      const object = typeName === 'string' ? Buffer.from(source.toString('latin1'), 'utf8') : source;
      const key = `upload/${typeName}`;
      const upload = new storage.Upload({ client, params: { Bucket: BUCKET, Key: key, Body: make(source) as Buffer }, partSize: PART, queueSize: 2 });
      const result = await upload.done();
      const spans = await waitForSpans(tracing.exporter, 2 + Math.ceil(object.length / PART) + 1);
      const root = spanNamed(spans, 'S3.Upload');
      expect(root.kind).toBe(SpanKind.INTERNAL);
      const uploadId = spanNamed(spans, 'S3.CreateMultipartUpload').attributes['aws.s3.upload_id'];
      expect(root.attributes).toEqual({
        ...rpc('Upload'),
        'aws.s3.bucket': BUCKET,
        'aws.s3.key': key,
        'aws.s3.upload_id': uploadId,
        'provenance.object.etag': result.ETag,
        'provenance.object.cid': expect.any(String),
        'provenance.object.size': object.length,
      });
      await expectCidOf(root.attributes['provenance.object.cid'], object);
      for (const span of spans.filter((s) => s !== root)) expect(span.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      const parts = partsOf(spans);
      expect(parts.map((span) => span.attributes['aws.s3.part_number'])).toEqual(
        Array.from({ length: Math.ceil(object.length / PART) }, (_, index) => index + 1),
      );
      for (const [index, span] of parts.entries())
        await expectCidOf(span.attributes['provenance.object.cid'], object.subarray(index * PART, (index + 1) * PART));
      // What S3 stored is what the CID says.
      tracing.exporter.reset();
      const stored = await client.send(new s3.GetObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(object)).toBe(true);
    });
  }

  it('Upload of a body smaller than one part: one PutObject, and the same CID on both spans', async () => {
    const object = patternBytes(1000, 9);
    await new storage.Upload({ client, params: { Bucket: BUCKET, Key: 'small', Body: object } }).done();
    const spans = await waitForSpans(tracing.exporter, 2);
    const root = spanNamed(spans, 'S3.Upload');
    const put = spanNamed(spans, 'S3.PutObject');
    expect(root.attributes).toEqual({
      ...rpc('Upload'),
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'small',
      'provenance.object.etag': put.attributes['provenance.object.etag'],
      'provenance.object.cid': put.attributes['provenance.object.cid'],
      'provenance.object.size': 1000,
    });
    await expectCidOf(root.attributes['provenance.object.cid'], object);
  });

  it('a failed Upload records the error and no CID', async () => {
    const upload = new storage.Upload({ client, params: { Bucket: 'no-such-bucket', Key: 'k', Body: patternBytes(PART + 1) }, partSize: PART });
    const error = await upload.done().catch((err: unknown) => err);
    expect((error as Error).name).toBe('NoSuchBucket');
    await tracing.provider.forceFlush();
    const root = spanNamed(tracing.exporter.getFinishedSpans(), 'S3.Upload');
    expect(root.status.code).toBe(SpanStatusCode.ERROR);
    expect(root.attributes).toEqual({ ...rpc('Upload'), 'aws.s3.bucket': 'no-such-bucket', 'aws.s3.key': 'k', 'error.type': 'NoSuchBucket' });
  });
});
