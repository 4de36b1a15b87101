/**
 * Test helpers that read a store with independent code: multiformats for CIDs and sha256, @ipld/car for
 * the pack sections (a pack plus a standard CAR header must be a valid CAR).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { CarReader, CarWriter } from '@ipld/car';
import { CID as MfCID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';

const created: string[] = [];
// Every temporary directory a test file made is removed when the file's tests are done.
afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function tmpStoreDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cidexp-${label}-`));
  created.push(dir);
  return path.join(dir, 'store');
}

/** Independent CID of bytes: multiformats CIDv1 with its own sha2-256. */
export async function mfCid(code: number, bytes: Uint8Array): Promise<string> {
  return MfCID.create(1, code, await sha256.digest(bytes)).toString();
}

/** Independent binary CID of bytes (multiformats); its last 32 bytes are a record's Merkle leaf hash. */
export async function mfCidBytes(code: number, bytes: Uint8Array): Promise<Buffer> {
  return Buffer.from(MfCID.create(1, code, await sha256.digest(bytes)).bytes);
}

export function logFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(dir, 'logs'))
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
}

/** Lines of a log file (bytes without newline), and whether the file ends with a newline. */
export function readLines(dir: string, logId: string): Buffer[] {
  const buf = fs.readFileSync(path.join(dir, 'logs', `${logId}.jsonl`));
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) throw new Error(`torn tail in ${logId}`);
    out.push(buf.subarray(pos, nl));
    pos = nl + 1;
  }
  return out;
}

/** Every block of every pack, read through @ipld/car after prepending a CAR header; hashes checked. */
export async function readAllBlocks(dir: string): Promise<Map<string, Buffer>> {
  const blocks = new Map<string, Buffer>();
  const blocksDir = path.join(dir, 'blocks');
  for (const f of fs.readdirSync(blocksDir)) {
    const pack = fs.readFileSync(path.join(blocksDir, f));
    if (pack.length === 0) continue;
    const root = MfCID.create(1, 0x55, await sha256.digest(new Uint8Array()));
    // `as never`: @ipld/car types its CID from its own multiformats copy; the runtime object is the same kind.
    const { writer, out } = CarWriter.create([root as never]);
    const chunks: Uint8Array[] = [];
    const collecting = (async () => {
      for await (const c of out) chunks.push(c);
    })();
    await writer.close();
    await collecting;
    const reader = await CarReader.fromBytes(Buffer.concat([...chunks, pack]));
    for await (const { cid, bytes } of reader.blocks()) {
      const again = MfCID.create(1, cid.code, await sha256.digest(bytes));
      if (!again.equals(cid)) throw new Error(`block ${cid} does not hash to its CID`);
      blocks.set(cid.toString(), Buffer.from(bytes));
    }
  }
  return blocks;
}

export function mode(p: string): number {
  return fs.statSync(p).mode & 0o777;
}
