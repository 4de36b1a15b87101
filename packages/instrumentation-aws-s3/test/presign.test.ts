import { SpanKind } from '@opentelemetry/api';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectCidOf, loadSdk, s3Client, setupTracing, useS3rver, waitForSpans } from './helpers.js';

const tracing = setupTracing();
const sdk = loadSdk();
const { s3, presigner } = sdk;
const BUCKET = 'presigned';

describe('getSignedUrl', () => {
  const server = useS3rver();
  let client: InstanceType<typeof s3.S3Client>;

  beforeAll(async () => {
    client = s3Client(sdk, server.url, { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', sessionToken: 'the-session-token' } });
    await client.send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
    await client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'shared.txt', Body: 'shared by URL' }));
  });
  beforeEach(() => tracing.exporter.reset());

  it('records that a URL was issued, for which operation, object and lifetime, and nothing of the URL', async () => {
    const url = await presigner.getSignedUrl(client, new s3.GetObjectCommand({ Bucket: BUCKET, Key: 'shared.txt' }), { expiresIn: 600 });
    const query = new URL(url).searchParams;
    expect(query.get('X-Amz-Security-Token')).toBe('the-session-token');
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.name).toBe('S3.getSignedUrl GetObject');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.attributes).toEqual({
      'rpc.system': 'aws-api',
      'rpc.service': 'S3',
      'rpc.method': 'GetObject',
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'shared.txt',
      'provenance.s3.presigned.expires_in': 600,
    });
    const recorded = JSON.stringify([span.attributes, span.status, span.events, span.links]);
    for (const secret of [query.get('X-Amz-Signature')!, query.get('X-Amz-Credential')!, 'the-session-token', url]) expect(recorded).not.toContain(secret);
    // The URL works: the presigned GET returns the object.
    const response = await fetch(url);
    expect(await response.text()).toBe('shared by URL');
  });

  it('records the default lifetime of 900 s for a PutObject URL, and the URL uploads', async () => {
    const url = await presigner.getSignedUrl(client, new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'uploaded.txt' }));
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.attributes).toEqual({
      'rpc.system': 'aws-api',
      'rpc.service': 'S3',
      'rpc.method': 'PutObject',
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'uploaded.txt',
      'provenance.s3.presigned.expires_in': 900,
    });
    expect((await fetch(url, { method: 'PUT', body: 'via URL' })).status).toBe(200);
    tracing.exporter.reset();
    const stored = await client.send(new s3.GetObjectCommand({ Bucket: BUCKET, Key: 'uploaded.txt' }));
    expect(await stored.Body!.transformToString()).toBe('via URL');
    const [get] = await waitForSpans(tracing.exporter, 1);
    await expectCidOf(get.attributes['provenance.object.cid'], Buffer.from('via URL'));
  });

  it('a URL signed an hour ago with a minute to live is refused with AccessDenied', async () => {
    const url = await presigner.getSignedUrl(client, new s3.GetObjectCommand({ Bucket: BUCKET, Key: 'shared.txt' }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 3600_000),
    });
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.attributes['provenance.s3.presigned.expires_in']).toBe(60);
    const response = await fetch(url);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>AccessDenied</Code>');
  });
});
