import { createHash } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectCidOf, loadSdk, s3Client, setupTracing, useS3rver, waitForSpans } from './helpers.js';

const tracing = setupTracing();
const sdk = loadSdk();
const { s3 } = sdk;
const BUCKET = 'provenance-bucket';

const md5Etag = (bytes: Uint8Array | string): string => `"${createHash('md5').update(bytes).digest('hex')}"`;
const rpc = (method: string) => ({ 'rpc.system': 'aws-api', 'rpc.service': 'S3', 'rpc.method': method });

describe('S3Client.send', () => {
  const server = useS3rver();
  let client: InstanceType<typeof s3.S3Client>;

  beforeAll(async () => {
    client = s3Client(sdk, server.url);
    await client.send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
  });
  beforeEach(() => tracing.exporter.reset());

  it('traces PutObject with the object CID, size and ETag', async () => {
    const body = Buffer.from('the prompt that went in');
    const output = await client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'prompts/a.txt', Body: body }));
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.name).toBe('S3.PutObject');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(output.ETag).toBe(md5Etag(body));
    expect(span.attributes).toEqual({
      ...rpc('PutObject'),
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'prompts/a.txt',
      'provenance.object.etag': md5Etag(body),
      'provenance.object.cid': expect.any(String),
      'provenance.object.size': body.length,
    });
    await expectCidOf(span.attributes['provenance.object.cid'], body);
  });

  it('traces GetObject and records the CID once the app has read the body', async () => {
    const body = Buffer.from('the output that came back out');
    await client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'outputs/b.txt', Body: body }));
    tracing.exporter.reset();
    const output = await client.send(new s3.GetObjectCommand({ Bucket: BUCKET, Key: 'outputs/b.txt' }));
    // Not ended before the body is read: its CID is not known yet.
    expect(tracing.exporter.getFinishedSpans()).toEqual([]);
    expect(await output.Body!.transformToString()).toBe(body.toString());
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.name).toBe('S3.GetObject');
    expect(span.attributes).toEqual({
      ...rpc('GetObject'),
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'outputs/b.txt',
      'provenance.object.etag': md5Etag(body),
      'provenance.object.cid': expect.any(String),
      'provenance.object.size': body.length,
    });
    await expectCidOf(span.attributes['provenance.object.cid'], body);
  });

  it('ends GetObject without a CID when the app destroys the body unread', async () => {
    const body = Buffer.from('never read');
    await client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'unread.txt', Body: body }));
    tracing.exporter.reset();
    const output = await client.send(new s3.GetObjectCommand({ Bucket: BUCKET, Key: 'unread.txt' }));
    (output.Body as unknown as { destroy(): void }).destroy();
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.attributes).toEqual({
      ...rpc('GetObject'),
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'unread.txt',
      'provenance.object.etag': md5Etag(body),
      'provenance.object.size': body.length,
    });
  });

  it('traces HeadObject with size and ETag', async () => {
    const body = 'head me';
    await client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'head.txt', Body: body }));
    tracing.exporter.reset();
    await client.send(new s3.HeadObjectCommand({ Bucket: BUCKET, Key: 'head.txt' }));
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.attributes).toEqual({
      ...rpc('HeadObject'),
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'head.txt',
      'provenance.object.etag': md5Etag(body),
      'provenance.object.size': 7,
    });
  });

  it('traces CopyObject with its source and the copy ETag', async () => {
    const body = 'copy me';
    await client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'source.txt', Body: body }));
    tracing.exporter.reset();
    await client.send(new s3.CopyObjectCommand({ Bucket: BUCKET, Key: 'copy.txt', CopySource: `${BUCKET}/source.txt` }));
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.attributes).toEqual({
      ...rpc('CopyObject'),
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'copy.txt',
      'aws.s3.copy_source': `${BUCKET}/source.txt`,
      'provenance.object.etag': md5Etag(body),
    });
  });

  it('traces ListObjectsV2 and ListObjects with the key count', async () => {
    const bucket = 'list-bucket';
    await client.send(new s3.CreateBucketCommand({ Bucket: bucket }));
    await client.send(new s3.PutObjectCommand({ Bucket: bucket, Key: 'one', Body: '1' }));
    await client.send(new s3.PutObjectCommand({ Bucket: bucket, Key: 'two', Body: '2' }));
    tracing.exporter.reset();
    await client.send(new s3.ListObjectsV2Command({ Bucket: bucket }));
    await client.send(new s3.ListObjectsCommand({ Bucket: bucket }));
    const [v2, v1] = await waitForSpans(tracing.exporter, 2);
    expect(v2.name).toBe('S3.ListObjectsV2');
    expect(v2.attributes).toEqual({ ...rpc('ListObjectsV2'), 'aws.s3.bucket': bucket, 'provenance.s3.key_count': 2 });
    expect(v1.name).toBe('S3.ListObjects');
    expect(v1.attributes).toEqual({ ...rpc('ListObjects'), 'aws.s3.bucket': bucket, 'provenance.s3.key_count': 2 });
  });

  it('traces DeleteObject and DeleteObjects', async () => {
    await client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'd1', Body: 'x' }));
    await client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'd2', Body: 'y' }));
    tracing.exporter.reset();
    await client.send(new s3.DeleteObjectCommand({ Bucket: BUCKET, Key: 'd1' }));
    await client.send(new s3.DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'd2' }, { Key: 'missing', VersionId: 'v1' }], Quiet: false } }));
    const [one, many] = await waitForSpans(tracing.exporter, 2);
    expect(one.attributes).toEqual({ ...rpc('DeleteObject'), 'aws.s3.bucket': BUCKET, 'aws.s3.key': 'd1' });
    expect(many.attributes).toEqual({
      ...rpc('DeleteObjects'),
      'aws.s3.bucket': BUCKET,
      'aws.s3.delete': 'Objects=[{Key=d2},{Key=missing,VersionId=v1}],Quiet=false',
    });
  });

  it('records NoSuchKey as the error type and leaves the SDK error unchanged', async () => {
    const error = await client.send(new s3.GetObjectCommand({ Bucket: BUCKET, Key: 'absent' })).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(s3.NoSuchKey);
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    expect(span.attributes).toEqual({ ...rpc('GetObject'), 'aws.s3.bucket': BUCKET, 'aws.s3.key': 'absent', 'error.type': 'NoSuchKey' });
  });

  it('records NoSuchBucket', async () => {
    const error = await client.send(new s3.PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'k', Body: 'lost' })).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(s3.NoSuchBucket);
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    // The body was sent before S3 refused it, but no object has these bytes: no CID.
    expect(span.attributes).toEqual({ ...rpc('PutObject'), 'aws.s3.bucket': 'no-such-bucket', 'aws.s3.key': 'k', 'error.type': 'NoSuchBucket' });
  });

  // s3rver checks that the access key exists, not SigV4 signatures (so a wrong secret key passes), and has
  // no bucket policies: an unknown access key is the refusal it produces for SDK calls (AccessDenied only
  // comes back for an expired presigned URL, see presign.test.ts).
  it('records an unknown access key as InvalidAccessKeyId, without the credentials', async () => {
    const denied = s3Client(sdk, server.url, {
      credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'whatever-secret', sessionToken: 'session-token-value' },
    });
    const error = await denied.send(new s3.GetObjectCommand({ Bucket: BUCKET, Key: 'head.txt' })).catch((err: unknown) => err);
    expect((error as Error).name).toBe('InvalidAccessKeyId');
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    expect(span.attributes).toEqual({ ...rpc('GetObject'), 'aws.s3.bucket': BUCKET, 'aws.s3.key': 'head.txt', 'error.type': 'InvalidAccessKeyId' });
    expect(JSON.stringify([span.attributes, span.status, span.events])).not.toMatch(/AKIAUNKNOWN|whatever-secret|session-token-value/);
  });

  it('names a refused HEAD (no error body) by its HTTP status', async () => {
    const denied = s3Client(sdk, server.url, { credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'whatever-secret' } });
    const error = await denied.send(new s3.HeadObjectCommand({ Bucket: BUCKET, Key: 'head.txt' })).catch((err: unknown) => err);
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(403);
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.attributes).toEqual({ ...rpc('HeadObject'), 'aws.s3.bucket': BUCKET, 'aws.s3.key': 'head.txt', 'error.type': '403' });
  });

  it('supports the callback form of send', async () => {
    const body = 'by callback';
    const output = await new Promise((resolve, reject) =>
      client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'cb.txt', Body: body }), (err: unknown, out: unknown) =>
        err ? reject(err as Error) : resolve(out),
      ),
    );
    expect((output as { ETag?: string }).ETag).toBe(md5Etag(body));
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.attributes['provenance.object.etag']).toBe(md5Etag(body));
    await expectCidOf(span.attributes['provenance.object.cid'], Buffer.from(body));
  });

  it('traces nothing while disabled', async () => {
    tracing.instrumentation.disable();
    try {
      await client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'quiet.txt', Body: 'quiet' }));
    } finally {
      tracing.instrumentation.enable();
    }
    await tracing.provider.forceFlush();
    expect(tracing.exporter.getFinishedSpans()).toEqual([]);
  });
});
