/**
 * Reads a provenance store directory independently of @llm-provenance/cid-exporter, with nothing but
 * the standard IPFS library `multiformats`, and recomputes every CID on the way (FORMAT.md sections 3-5):
 * record CID = CIDv1(dag-json 0x0129, sha2-256(line bytes without the newline));
 * pack sections = uvarint(len) || binary CID || block bytes, each block's CID checked against its bytes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { varint } from 'multiformats';

export const DAG_JSON = 0x0129;
export const RAW = 0x55;

export interface StoredLog {
  logId: string;
  /** Lines of logs/<logId>.jsonl without newlines. */
  lines: string[];
  /** Parsed records (JSON.parse of each line). */
  records: Record<string, any>[];
  /** Record CIDs recomputed from the line bytes. */
  cids: string[];
}

export interface StoreContents {
  logs: StoredLog[];
  /** Every payload block of every pack, by CID string (each already checked against its bytes). */
  blocks: Map<string, Uint8Array>;
  /** File names in checkpoints/. */
  checkpoints: string[];
}

/** CIDv1 of `bytes` with `codec`, sha2-256, as the base32 string. */
export async function cidOf(bytes: Uint8Array, codec: number): Promise<string> {
  return CID.createV1(codec, await sha256.digest(bytes)).toString();
}

export async function readStore(dir: string): Promise<StoreContents> {
  const logs: StoredLog[] = [];
  for (const file of readdirSync(path.join(dir, 'logs'))
    .filter((name) => name.endsWith('.jsonl'))
    .sort()) {
    const text = readFileSync(path.join(dir, 'logs', file), 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) throw new Error(`${file} does not end with a newline`);
    const lines = text.split('\n').slice(0, -1);
    logs.push({
      logId: file.slice(0, -'.jsonl'.length),
      lines,
      records: lines.map((line) => JSON.parse(line)),
      cids: await Promise.all(lines.map((line) => cidOf(Buffer.from(line, 'utf8'), DAG_JSON))),
    });
  }
  const blocks = new Map<string, Uint8Array>();
  for (const file of readdirSync(path.join(dir, 'blocks')).filter((name) => name.endsWith('.blocks'))) {
    let bytes: Uint8Array = readFileSync(path.join(dir, 'blocks', file));
    while (bytes.length > 0) {
      const [length, lengthBytes] = varint.decode(bytes);
      const section = bytes.subarray(lengthBytes, lengthBytes + length);
      const [cid, block] = CID.decodeFirst(section);
      const recomputed = await cidOf(block, cid.code);
      if (recomputed !== cid.toString()) throw new Error(`${file}: block ${cid} hashes to ${recomputed}`);
      blocks.set(cid.toString(), block);
      bytes = bytes.subarray(lengthBytes + length);
    }
  }
  const checkpoints = readdirSync(path.join(dir, 'checkpoints'))
    .filter((name) => name.endsWith('.json'))
    .sort();
  return { logs, blocks, checkpoints };
}

/** Every file under `dir`, concatenated: for "this secret is nowhere in the store" checks. */
export function allStoreBytes(dir: string): Buffer {
  const chunks: Buffer[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else chunks.push(readFileSync(full));
    }
  };
  walk(dir);
  return Buffer.concat(chunks);
}
