// One reader operation on an existing store, in its own process (so its peak RSS is its own):
//   node readers.mjs bound|verify|export <storeDir> <scratch file for the CAR>
// bound:  sha2-256 (crypto.hash) over 1 KiB chunks, as many bytes as the store's logs, packs and
//         checkpoints hold: the most a reader that hashes every byte once could do here.
// verify: verifyStore(storeDir), which must report ok. export: exportCar(storeDir, carFile).
// Each is timed in CPU seconds (process.cpuUsage, user + system), best of BENCH_READER_REPEATS (default 3).
// Prints `BENCH_RESULT <json>`.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exportCar, verifyStore } from '@llm-provenance/cid-exporter';
import { intFromEnv } from '../env.mjs';

const [operation, storeDir, carFile] = process.argv.slice(2);
const REPEATS = intFromEnv('BENCH_READER_REPEATS', 3);

/** Bytes a reader of the store reads: every file under logs/, blocks/ and checkpoints/. */
function storeBytes(dir) {
  let total = 0;
  for (const sub of ['logs', 'blocks', 'checkpoints']) {
    const folder = path.join(dir, sub);
    if (!fs.existsSync(folder)) continue;
    for (const name of fs.readdirSync(folder)) total += fs.statSync(path.join(folder, name)).size;
  }
  return total;
}

async function cpuSecondsOf(fn) {
  let best = Infinity;
  let last;
  for (let i = 0; i < REPEATS; i++) {
    const cpu0 = process.cpuUsage();
    last = await fn();
    const cpu = process.cpuUsage(cpu0);
    best = Math.min(best, (cpu.user + cpu.system) / 1e6);
  }
  return { seconds: best, last };
}

const inputBytes = storeBytes(storeDir);
let measured;
if (operation === 'bound') {
  // Hashing 1 KiB chunks of one 1 MiB buffer again and again: the bytes' values do not change the cost.
  const buffer = crypto.randomBytes(1 << 20);
  const chunks = Array.from({ length: 1024 }, (_, i) => buffer.subarray(i * 1024, (i + 1) * 1024));
  const chunkCount = Math.ceil(inputBytes / 1024);
  // One-shot crypto.hash where Node has it (>= 20.12), else createHash.
  const sha256 = crypto.hash
    ? (bytes, encoding) => crypto.hash('sha256', bytes, encoding)
    : (bytes, encoding) => crypto.createHash('sha256').update(bytes).digest(encoding);
  const hashAll = (encoding) => () => {
    for (let i = 0; i < chunkCount; i++) sha256(chunks[i & 1023], encoding);
  };
  // Node offers two digest forms; 'latin1' (a string) is cheaper than 'buffer' here: the faster is the bound.
  const asBuffer = await cpuSecondsOf(hashAll('buffer'));
  const asLatin1 = await cpuSecondsOf(hashAll('latin1'));
  measured = {
    seconds: Math.min(asBuffer.seconds, asLatin1.seconds),
    detail: { bufferDigestSeconds: asBuffer.seconds, latin1DigestSeconds: asLatin1.seconds },
  };
} else if (operation === 'verify') {
  const { seconds, last } = await cpuSecondsOf(() => verifyStore(storeDir));
  if (last.ok !== true) throw new Error(`verifyStore rejected the burst's store: ${JSON.stringify(last).slice(0, 2000)}`);
  measured = { seconds, detail: {} };
} else if (operation === 'export') {
  const { seconds, last } = await cpuSecondsOf(async () => {
    const summary = await exportCar(storeDir, carFile);
    fs.rmSync(carFile, { force: true });
    return summary;
  });
  measured = { seconds, detail: { records: last?.records } };
} else {
  throw new Error(`usage: readers.mjs bound|verify|export <storeDir> <carFile> (got ${JSON.stringify(operation)})`);
}
const maxRssKiB = process.resourceUsage().maxRSS;
console.log(
  `BENCH_RESULT ${JSON.stringify({ operation, repeats: REPEATS, inputBytes, cpuSeconds: measured.seconds, mbPerCpuSecond: inputBytes / 1e6 / measured.seconds, maxRssKiB, ...measured.detail })}`,
);
