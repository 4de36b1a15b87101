/**
 * Signed checkpoints (FORMAT.md section 6): statement = (log id, size, RFC 6962 root, last record, time,
 * key fingerprint), signed with Ed25519 over the statement's DAG-JSON bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sign, verify } from 'node:crypto';
import type { CID } from '../cid.js';
import { encodeDagJson } from '../dag-json/encode.js';
import { decodeDagJson } from '../dag-json/decode.js';
import { FORMAT_VERSION, nowNs, storePaths, type CheckpointFile, type CheckpointSeal, type CheckpointStatement, type WitnessEntry } from '../record.js';
import { ensureDir, writeFileAtomic } from '../fs-util.js';
import { keyFingerprint, publicKeyFromRaw, type StoreKey } from './key.js';

/**
 * `seal`: for a log's final checkpoint, which marks it closed (FORMAT.md section 6.1); `witness`: the
 * other logs it witnesses (section 6.2), left out when empty.
 */
export function buildStatement(
  logId: string,
  size: number,
  root: Uint8Array,
  last: CID | null,
  key: StoreKey,
  time = nowNs(),
  seal?: CheckpointSeal,
  witness?: readonly WitnessEntry[],
): CheckpointStatement {
  const statement: CheckpointStatement = {
    v: FORMAT_VERSION,
    type: 'checkpoint',
    log: logId,
    size,
    root: Buffer.from(root).toString('hex'),
    last,
    time,
    key: key.fingerprint,
  };
  if (seal) statement.closed = { packBytes: seal.packBytes };
  if (witness?.length) statement.witness = witness.map((e) => ({ last: e.last, log: e.log, size: e.size }));
  return statement;
}

export function signStatement(statement: CheckpointStatement, key: StoreKey): CheckpointFile {
  const signature = sign(null, encodeDagJson(statement), key.privateKey);
  return { statement, signature: new Uint8Array(signature), publicKey: new Uint8Array(key.publicKeyRaw) };
}

/** Bytes of a checkpoint file (DAG-JSON, no trailing newline). */
export function encodeCheckpoint(cp: CheckpointFile): Buffer {
  return encodeDagJson(cp);
}

/** Writes the checkpoint crash-safely; returns its store-relative path. */
export function writeCheckpoint(storeDir: string, cp: CheckpointFile): string {
  const rel = storePaths.checkpoint(cp.statement.log, cp.statement.size);
  const file = path.join(storeDir, rel);
  ensureDir(path.dirname(file));
  writeFileAtomic(file, encodeCheckpoint(cp));
  return rel;
}

export interface CheckpointCheck {
  ok: boolean;
  reason?: string;
  checkpoint?: CheckpointFile;
}

/** Parses checkpoint bytes and checks fingerprint and signature (not the root: that needs the log). */
export function verifyCheckpointBytes(bytes: Uint8Array): CheckpointCheck {
  let cp: CheckpointFile;
  try {
    cp = decodeDagJson(bytes, { links: true }) as CheckpointFile;
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  if (!(cp.signature instanceof Uint8Array) || !(cp.publicKey instanceof Uint8Array) || cp.statement?.type !== 'checkpoint') {
    return { ok: false, reason: 'not a checkpoint (missing statement, signature or publicKey)' };
  }
  if (!Buffer.from(encodeCheckpoint(cp)).equals(Buffer.from(bytes))) return { ok: false, reason: 'not canonical DAG-JSON' };
  if (keyFingerprint(cp.publicKey) !== cp.statement.key) return { ok: false, reason: 'key fingerprint does not match publicKey' };
  const ok = verify(null, encodeDagJson(cp.statement), publicKeyFromRaw(cp.publicKey), cp.signature);
  return ok ? { ok: true, checkpoint: cp } : { ok: false, reason: 'bad signature' };
}

export function readCheckpointFile(file: string): CheckpointCheck {
  return verifyCheckpointBytes(fs.readFileSync(file));
}
