// Worker of the S3 section (run.mjs), one measurement per process, printed as a BENCH_RESULT line:
//   <endpoint> <bytes> <on|off>: a lib-storage Upload of a generated stream of <bytes> (64 KiB chunks,
//   5 MiB parts, queue of 4) through the real @aws-sdk/client-s3 to the sink, with AwsS3Instrumentation
//   enabled or not. Reports the CPU the upload took, the peak RSS over a baseline taken after a 32 MiB
//   warm-up upload, and the spans: every span is exported (SimpleSpanProcessor, so the export is inside the
//   measured window), and the instrumented run must carry the whole object's CID on its Upload span.
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { AwsS3Instrumentation } from '@llm-provenance/instrumentation-aws-s3';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const require = createRequire(import.meta.url);
const [endpoint, amount, mode] = process.argv.slice(2);
const bytes = Number(amount);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const instrumentation = new AwsS3Instrumentation({ enabled: false });
instrumentation.setTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
if (mode === 'on') instrumentation.enable();
// Loaded after enable(): the require hook patches them as they load.
const { S3Client } = require('@aws-sdk/client-s3');
const { Upload } = require('@aws-sdk/lib-storage');

const client = new S3Client({
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
const CHUNK = 64 * 1024;
const pattern = Buffer.alloc(CHUNK);
for (let i = 0; i < CHUNK; i++) pattern[i] = (i * 31 + 7) & 0xff;

/** `size` bytes as a Node Readable of 64 KiB chunks, generated as read (nothing held). */
function generated(size) {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const n = Math.min(CHUNK, size - sent);
      sent += n;
      this.push(n === CHUNK ? Buffer.from(pattern) : pattern.subarray(0, n));
    },
  });
}

let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage.rss()));
const upload = (size, key) => {
  const run = new Upload({ client, params: { Bucket: 'bench', Key: key, Body: generated(size) }, partSize: 5 * 1024 * 1024, queueSize: 4 });
  run.on('httpUploadProgress', sample);
  return run.done();
};

await upload(32 * 1024 * 1024, 'warm-up');
exporter.reset();
globalThis.gc?.();
const baseline = process.memoryUsage.rss();
peak = baseline;
const timer = setInterval(sample, 20);
const start = process.cpuUsage();
await upload(bytes, 'object');
const used = process.cpuUsage(start);
clearInterval(timer);
sample();
const spans = exporter.getFinishedSpans();
const root = spans.find((span) => span.name === 'S3.Upload');
if (mode === 'on' && (root?.attributes['provenance.object.size'] !== bytes || typeof root?.attributes['provenance.object.cid'] !== 'string')) {
  throw new Error(`the instrumented upload has no whole-object CID of ${bytes} bytes: ${JSON.stringify(root?.attributes)}`);
}
const parts = Math.ceil(bytes / (5 * 1024 * 1024));
const result = {
  bytes,
  parts,
  cpuMicros: used.user + used.system,
  growthBytes: peak - baseline,
  spans: spans.length,
  // Create, every part, Complete, and the Upload itself.
  expectedSpans: mode === 'on' ? parts + 3 : 0,
};
process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
