/**
 * Reads and checks one checkpoint (FORMAT.md section 6): canonical DAG-JSON, statement fields, key
 * fingerprint, Ed25519 signature. The signed bytes are the statement's own bytes inside the checkpoint:
 * in canonical DAG-JSON a member's value is exactly the canonical encoding of that value, so nothing is
 * re-encoded (and the writer's encoder is not involved).
 */
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { parseJsonStrict } from '../dag-json/parse.js';
import { DagJsonScan } from '../dag-json/validate.js';
import { READ_FORMAT_VERSION } from './record-check.js';
import { parseWitnessEntries } from './witness-claims.js';

export interface CheckpointStatement {
  log: string;
  size: number;
  root: string;
  last: string | null;
  time: string;
  key: string;
  /** Only on a log's final checkpoint: the log is sealed (closed) at `size`, its pack at `packBytes`. */
  closed?: { packBytes: number };
  /** Other logs the writer saw when it signed (FORMAT.md 6.2). */
  witness?: Array<{ log: string; size: number; last: string | null }>;
}

export type CheckpointReading =
  | { ok: true; statement: CheckpointStatement; publicKeyHex: string }
  | { ok: false; kind: 'non-canonical encoding' | 'bad signature' | 'modified'; detail: string; statement?: CheckpointStatement };

function bytesField(value: unknown): Buffer | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const inner = (value as Record<string, unknown>)['/'];
  if (inner === null || typeof inner !== 'object') return undefined;
  const b = (inner as Record<string, unknown>).bytes;
  return typeof b === 'string' ? Buffer.from(b, 'base64') : undefined;
}

const keyObjects = new Map<string, ReturnType<typeof createPublicKey>>();

/** Ed25519 public key object from its 32 raw bytes (RFC 8410 SubjectPublicKeyInfo built by hand), made once per key. */
export function ed25519PublicKey(raw: Uint8Array): ReturnType<typeof createPublicKey> {
  const hex = Buffer.from(raw).toString('hex');
  let key = keyObjects.get(hex);
  if (!key) {
    const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');
    key = createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: 'der', type: 'spki' });
    if (keyObjects.size < 64) keyObjects.set(hex, key);
  }
  return key;
}

function parseStatement(s: unknown): CheckpointStatement | string {
  if (s === null || typeof s !== 'object' || Array.isArray(s)) return 'statement is not a map';
  const st = s as Record<string, unknown>;
  if (st.v !== READ_FORMAT_VERSION || st.type !== 'checkpoint') return `statement is not a version ${READ_FORMAT_VERSION} checkpoint`;
  if (typeof st.log !== 'string') return 'statement has no log id';
  if (!Number.isSafeInteger(st.size) || (st.size as number) < 0) return 'statement size is not a non-negative integer';
  if (typeof st.root !== 'string' || !/^[0-9a-f]{64}$/.test(st.root)) return 'statement root is not 64 hex digits';
  if (typeof st.key !== 'string' || !/^[0-9a-f]{64}$/.test(st.key)) return 'statement key is not 64 hex digits';
  let last: string | null = null;
  if (st.last !== null) {
    const l = st.last as Record<string, unknown> | undefined;
    if (!l || typeof l !== 'object' || typeof l['/'] !== 'string') return 'statement last is neither a link nor null';
    last = l['/'];
  }
  const statement: CheckpointStatement = { log: st.log, size: st.size as number, root: st.root, last, time: String(st.time), key: st.key };
  // FORMAT.md section 6.1: a final checkpoint seals the log, `{"packBytes": <int>}` and nothing else
  if (st.closed !== undefined) {
    const c = st.closed as Record<string, unknown> | null;
    if (
      c === null ||
      typeof c !== 'object' ||
      Array.isArray(c) ||
      Object.keys(c).length !== 1 ||
      !Number.isSafeInteger(c.packBytes) ||
      (c.packBytes as number) < 0
    )
      return 'statement closed is not {"packBytes": <non-negative integer>}';
    statement.closed = { packBytes: c.packBytes as number };
  }
  // FORMAT.md section 6.2: a non-empty list of witnessed logs
  if (st.witness !== undefined) {
    const entries = parseWitnessEntries(st.witness);
    if (typeof entries === 'string') return `statement witness: ${entries}`;
    if (entries.length === 0) return 'statement witness is an empty list (it is left out when empty)';
    statement.witness = entries;
  }
  return statement;
}

const scan = new DagJsonScan(['statement']);

/** Checks a checkpoint file's bytes. Never throws. */
export function readCheckpoint(bytes: Uint8Array): CheckpointReading {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = parseJsonStrict(text);
  } catch (err) {
    return { ok: false, kind: 'modified', detail: `checkpoint is not valid DAG-JSON: ${(err as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, kind: 'modified', detail: 'checkpoint is not a map' };
  const cp = value as Record<string, unknown>;
  const statement = parseStatement(cp.statement);
  if (typeof statement === 'string') return { ok: false, kind: 'modified', detail: statement };
  if (!scan.scan(bytes))
    return { ok: false, kind: 'non-canonical encoding', detail: `checkpoint is not canonical DAG-JSON: ${scan.error} (byte ${scan.errorAt})`, statement };
  const publicKey = bytesField(cp.publicKey);
  const signature = bytesField(cp.signature);
  if (!publicKey || publicKey.length !== 32) return { ok: false, kind: 'bad signature', detail: 'publicKey is not 32 bytes', statement };
  if (!signature || signature.length !== 64) return { ok: false, kind: 'bad signature', detail: 'signature is not 64 bytes', statement };
  const fingerprint = createHash('sha256').update(publicKey).digest('hex');
  if (fingerprint !== statement.key) {
    return { ok: false, kind: 'bad signature', detail: `statement key ${statement.key} is not the fingerprint ${fingerprint} of publicKey`, statement };
  }
  const m = scan.member(bytes, 'statement');
  const signed = Buffer.from(bytes.buffer, bytes.byteOffset + scan.valueStart[m]!, scan.valueEnd[m]! - scan.valueStart[m]!);
  let valid: boolean;
  try {
    valid = verifySignature(null, signed, ed25519PublicKey(publicKey), signature);
  } catch (err) {
    return { ok: false, kind: 'bad signature', detail: `signature cannot be checked: ${(err as Error).message}`, statement };
  }
  if (!valid) return { ok: false, kind: 'bad signature', detail: `Ed25519 signature does not verify with key ${fingerprint}`, statement };
  return { ok: true, statement, publicKeyHex: publicKey.toString('hex') };
}
