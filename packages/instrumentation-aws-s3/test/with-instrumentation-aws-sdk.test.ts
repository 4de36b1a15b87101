import { AwsInstrumentation } from '@opentelemetry/instrumentation-aws-sdk';
import { SpanKind } from '@opentelemetry/api';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectCidOf, loadSdk, patternBytes, s3Client, setupTracing, spanNamed, useS3rver, waitForSpans } from './helpers.js';

// Both instrumentations on one provider, both enabled before the SDK loads.
const tracing = setupTracing();
const aws = new AwsInstrumentation();
aws.setTracerProvider(tracing.provider);
aws.enable();
const sdk = loadSdk();
const { s3, storage } = sdk;
const BUCKET = 'both';

describe('beside @opentelemetry/instrumentation-aws-sdk', () => {
  const server = useS3rver();
  let client: InstanceType<typeof s3.S3Client>;

  beforeAll(async () => {
    client = s3Client(sdk, server.url);
    await client.send(new s3.CreateBucketCommand({ Bucket: BUCKET }));
  });
  beforeEach(() => tracing.exporter.reset());

  it("nests instrumentation-aws-sdk's span under ours: one S3 call, one parent with the CID", async () => {
    const body = Buffer.from('seen by both');
    await client.send(new s3.PutObjectCommand({ Bucket: BUCKET, Key: 'both.txt', Body: body }));
    const spans = await waitForSpans(tracing.exporter, 2);
    const ours = spans.find((span) => span.instrumentationScope.name === '@llm-provenance/instrumentation-aws-s3')!;
    const theirs = spans.find((span) => span.instrumentationScope.name === '@opentelemetry/instrumentation-aws-sdk')!;
    expect(ours.name).toBe('S3.PutObject');
    expect(theirs.name).toBe('S3.PutObject');
    expect(theirs.parentSpanContext?.spanId).toBe(ours.spanContext().spanId);
    expect(theirs.spanContext().traceId).toBe(ours.spanContext().traceId);
    expect(ours.kind).toBe(SpanKind.CLIENT);
    expect(ours.attributes).toEqual({
      'rpc.system': 'aws-api',
      'rpc.service': 'S3',
      'rpc.method': 'PutObject',
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'both.txt',
      'provenance.object.etag': expect.stringMatching(/^"[0-9a-f]{32}"$/),
      'provenance.object.cid': expect.any(String),
      'provenance.object.size': body.length,
    });
    await expectCidOf(ours.attributes['provenance.object.cid'], body);
    // Theirs keeps its own attributes (and gains no provenance ones).
    expect(theirs.attributes).toMatchObject({ 'rpc.system': 'aws-api', 'rpc.method': 'PutObject', 'rpc.service': 'S3', 'aws.s3.bucket': BUCKET });
    expect(Object.keys(theirs.attributes).filter((name) => name.startsWith('provenance.'))).toEqual([]);
  });

  it('keeps the tree for an Upload: Upload > our command spans > their spans', async () => {
    const object = patternBytes(5 * 1024 * 1024 + 10, 2);
    await new storage.Upload({ client, params: { Bucket: BUCKET, Key: 'tree', Body: object }, partSize: 5 * 1024 * 1024 }).done();
    // Upload, then Create, 2 parts and Complete from each instrumentation.
    const spans = await waitForSpans(tracing.exporter, 9);
    const root = spanNamed(spans, 'S3.Upload');
    await expectCidOf(root.attributes['provenance.object.cid'], object);
    const ours = spans.filter((span) => span !== root && span.instrumentationScope.name === '@llm-provenance/instrumentation-aws-s3');
    const theirs = spans.filter((span) => span.instrumentationScope.name === '@opentelemetry/instrumentation-aws-sdk');
    expect(ours).toHaveLength(4);
    expect(theirs).toHaveLength(4);
    for (const span of ours) expect(span.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    const ourIds = new Set(ours.map((span) => span.spanContext().spanId));
    for (const span of theirs) expect(ourIds.has(span.parentSpanContext!.spanId)).toBe(true);
  });
});
