/**
 * An unmodified ES module app using the real AWS SDK v3 against s3rver on loopback, started with
 * `node --import .../register`: every S3 call gets its span with the object's content CID, the store records
 * each span with those attributes, and the session token and signatures reach neither OTLP nor the store.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { allStoreBytes, readStore, runApp } from '../harness/index.js';

const require = createRequire(import.meta.url);
const BUCKET = 'e2e-bucket';
const SESSION_TOKEN = 'planted-session-token-0123456789';
const PART = 5 * 1024 * 1024;

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  httpServer?: { closeAllConnections?(): void };
}

let server: S3rverInstance;
let dir: string;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 's3rver-e2e-'));
  const S3rver = require('s3rver') as new (options: object) => S3rverInstance;
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: BUCKET }] });
  url = `http://127.0.0.1:${(await server.run()).port}`;
});
afterAll(async () => {
  try {
    const closing = server.close();
    server.httpServer?.closeAllConnections?.();
    await closing;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const rawCid = async (bytes: Uint8Array) => CID.create(1, raw.code, await sha256.digest(bytes)).toString();
const rpc = (method: string) => ({ 'rpc.system': 'aws-api', 'rpc.service': 'S3', 'rpc.method': method });

/** The bytes the app's generator yields: 64 KiB chunks, chunk i filled with i & 0xff. */
function generated(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let at = 0; at < size; at += 65536) bytes.fill((at / 65536) & 0xff, at, Math.min(at + 65536, size));
  return bytes;
}

it('traces an S3 app under --import and stores every S3 span with its content CIDs', async () => {
  const run = await runApp({ module: 'esm', app: 'fixtures/aws-s3-tour.mjs', env: { S3_URL: url, S3_BUCKET: BUCKET, PLANTED_SESSION_TOKEN: SESSION_TOKEN } });
  expect(run.stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?--trace-warnings[^\n]*\n/, '')).toBe('');
  expect(run.exitCode).toBe(0);
  const prompt = Buffer.from('a prompt stored for later', 'utf8');
  const md5 = `"${createHash('md5').update(prompt).digest('hex')}"`;
  const seen = JSON.parse(run.stdout.trim()) as { putEtag: string; uploadEtag: string };
  expect(seen).toEqual({ putEtag: md5, text: prompt.toString(), uploadEtag: expect.any(String), presigned: true, missing: true });

  const dataset = generated(6 * 1024 * 1024 + 5);
  const promptCid = await rawCid(prompt);
  const spans = run.spans.filter((span) => span.scope.name === '@llm-provenance/instrumentation-aws-s3');
  expect(spans).toHaveLength(run.spans.length);
  const byName = (name: string) => spans.filter((span) => span.name === name);
  const uploadId = byName('S3.CreateMultipartUpload')[0]!.attributes['aws.s3.upload_id'];
  expect(byName('S3.PutObject').map((span) => span.attributes)).toEqual([
    {
      ...rpc('PutObject'),
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'prompt.txt',
      'provenance.object.etag': md5,
      'provenance.object.cid': promptCid,
      'provenance.object.size': prompt.length,
      ...stored(),
    },
  ]);
  expect(byName('S3.GetObject').map((span) => span.attributes)).toEqual([
    {
      ...rpc('GetObject'),
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'prompt.txt',
      'provenance.object.etag': md5,
      'provenance.object.cid': promptCid,
      'provenance.object.size': prompt.length,
      ...stored(),
    },
    { ...rpc('GetObject'), 'aws.s3.bucket': BUCKET, 'aws.s3.key': 'missing', 'error.type': 'NoSuchKey', ...stored() },
  ]);
  const parts = byName('S3.UploadPart').map((span) => [
    span.attributes['aws.s3.part_number'],
    span.attributes['provenance.object.cid'],
    span.attributes['aws.s3.upload_id'],
  ]);
  // Upload sends parts concurrently: they may end in any order.
  expect(parts.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
    [1, await rawCid(dataset.subarray(0, PART)), uploadId],
    [2, await rawCid(dataset.subarray(PART)), uploadId],
  ]);
  expect(byName('S3.Upload').map((span) => span.attributes)).toEqual([
    {
      ...rpc('Upload'),
      'aws.s3.bucket': BUCKET,
      'aws.s3.key': 'dataset.bin',
      'aws.s3.upload_id': uploadId,
      'provenance.object.etag': seen.uploadEtag,
      'provenance.object.cid': await rawCid(dataset),
      'provenance.object.size': dataset.length,
      ...stored(),
    },
  ]);
  expect(byName('S3.getSignedUrl GetObject').map((span) => span.attributes)).toEqual([
    { ...rpc('GetObject'), 'aws.s3.bucket': BUCKET, 'aws.s3.key': 'prompt.txt', 'provenance.s3.presigned.expires_in': 300, ...stored() },
  ]);

  // The store holds one record per span, carrying the same S3 attributes.
  const { logs } = await readStore(run.storeDir!);
  const records = logs.flatMap((log) => log.records);
  expect(records).toHaveLength(spans.length);
  for (const span of spans) {
    const record = records.find((r) => r.spanId === span.spanId);
    expect(record?.name).toBe(span.name);
    expect(record!.seq).toBe(span.attributes['provenance.log.seq']);
    const { 'provenance.record.cid': _cid, 'provenance.log.id': _log, 'provenance.log.seq': _seq, ...s3Attributes } = span.attributes;
    expect(record!.attributes).toEqual(s3Attributes);
  }
  for (const secret of [SESSION_TOKEN, 'X-Amz-Signature', 'X-Amz-Credential']) {
    expect(run.otlpBytes.includes(secret)).toBe(false);
    expect(allStoreBytes(run.storeDir!).includes(secret)).toBe(false);
  }
});

/** What the store adds to a forwarded span: its record's CID and place (checked against the store below). */
function stored() {
  return { 'provenance.record.cid': expect.stringMatching(/^b/), 'provenance.log.id': expect.any(String), 'provenance.log.seq': expect.any(Number) };
}
