/**
 * A store writer for format version 2 (FORMAT.md), written from the spec independently of the package's
 * writer: @ipld/dag-json for every encoding, multiformats for CIDs, node:crypto for sha2-256 and Ed25519.
 * The reader tests and bench/read-bench.mjs build their stores with it while the package's own writer
 * (CidSpanExporter) does not yet write version 2; test/verify-fixture.ts switches to the real writer
 * when it does. Plain ESM (no TypeScript) so the bench can load it with node alone.
 *
 * What it writes, per FORMAT.md version 2:
 *  - logs/<log>.jsonl: one DAG-JSON record per line, `"v":2`, seq from 0, prev = link to the previous line;
 *  - span records link a resource block (the normalised resource attributes map, written once per log),
 *    input / output blocks (maps of attribute name -> raw block) and a params block;
 *  - blocks/<log>.blocks: CARv1 sections, each block at most once per pack, an append's blocks before
 *    its record line;
 *  - checkpoints/<log>.<size 12 digits>.json: {publicKey, signature, statement} with statement
 *    {v:2, type:"checkpoint", log, size, root, last, time, key}; the Merkle leaf hash of record i is the
 *    sha2-256 digest of its line (the digest inside its CID);
 *  - keys/ed25519.pem: PKCS#8 PEM.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as dagJson from '@ipld/dag-json';
import { CID } from 'multiformats/cid';
import { create as createDigest } from 'multiformats/hashes/digest';

export const RAW = 0x55;
export const DAG_JSON = 0x0129;
export const FORMAT_VERSION = 2;

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest();

/** CIDv1 (sha2-256) of `bytes` with `codec`, as a multiformats CID. */
export function cidOf(codec, bytes) {
  return CID.createV1(codec, createDigest(0x12, sha256(bytes)));
}

function varint(n) {
  const out = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}

/** The store's Ed25519 key (created on first use), as FORMAT.md section 7 keeps it. */
export function storeKey(dir) {
  const file = path.join(dir, 'keys', 'ed25519.pem');
  let pem;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    pem = crypto.generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' });
    fs.writeFileSync(file, pem, { mode: 0o600 });
  }
  const privateKey = crypto.createPrivateKey(pem);
  const raw = Buffer.from(crypto.createPublicKey(privateKey).export({ format: 'jwk' }).x, 'base64url');
  return { privateKey, raw, fingerprint: sha256(raw).toString('hex') };
}

let counter = 0;
/** A log id as FORMAT.md section 1 shapes them, unique within this process. */
export function newLogId(date = new Date()) {
  const t = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const rnd = crypto.createHash('sha256').update(`${process.pid}-${Date.now()}-${counter++}-${Math.random()}`).digest('hex').slice(0, 8);
  return `${t}-${process.pid}-${rnd}`;
}

/** RFC 6962 tree hash over given leaf hashes, kept incrementally (stack of perfect subtree roots). */
class Merkle {
  constructor() {
    this.stack = [];
    this.size = 0;
  }
  add(leafHash) {
    let node = { n: 1, h: leafHash };
    while (this.stack.length && this.stack[this.stack.length - 1].n === node.n) {
      const left = this.stack.pop();
      node = { n: left.n * 2, h: sha256(Buffer.concat([Buffer.from([1]), left.h, node.h])) };
    }
    this.stack.push(node);
    this.size++;
  }
  root() {
    if (!this.stack.length) return sha256(Buffer.alloc(0));
    let r = this.stack[this.stack.length - 1].h;
    for (let i = this.stack.length - 2; i >= 0; i--) r = sha256(Buffer.concat([Buffer.from([1]), this.stack[i].h, r]));
    return r;
  }
}

/** Writes one log of a store, as a single writer process would (FORMAT.md sections 3-7). */
export class SpecLogWriter {
  /**
   * @param {string} dir store directory (created)
   * @param {{ logId?: string, checkpointEvery?: number, resource?: Record<string, unknown>, lock?: boolean }} [options]
   */
  constructor(dir, options = {}) {
    this.dir = dir;
    for (const sub of ['logs', 'blocks', 'checkpoints', 'keys']) fs.mkdirSync(path.join(dir, sub), { recursive: true, mode: 0o700 });
    this.key = storeKey(dir);
    this.logId = options.logId ?? newLogId();
    this.checkpointEvery = options.checkpointEvery ?? 1000;
    this.lockFile = path.join(dir, 'logs', `${this.logId}.lock`);
    fs.writeFileSync(this.lockFile, JSON.stringify({ host: 'fixture', log: this.logId, pid: process.pid, start: '0' }) + '\n', { mode: 0o600 });
    this.logFd = fs.openSync(path.join(dir, 'logs', `${this.logId}.jsonl`), 'a', 0o600);
    this.packFd = fs.openSync(path.join(dir, 'blocks', `${this.logId}.blocks`), 'a', 0o600);
    this.seq = 0;
    this.prev = null;
    this.merkle = new Merkle();
    this.inPack = new Set();
    this.lines = [];
    this.sections = [];
    this.buffered = 0;
    this.resource = options.resource ?? null;
    this.resourceCid = null;
  }

  /** Adds a block to the pack (once per pack); returns its CID. */
  block(codec, bytes) {
    const cid = cidOf(codec, bytes);
    const key = cid.toString();
    if (!this.inPack.has(key)) {
      this.inPack.add(key);
      this.sections.push(varint(cid.bytes.length + bytes.length), cid.bytes, bytes);
      this.buffered += bytes.length + 50;
    }
    return cid;
  }

  /** A dag-json block of `value`. */
  dagJsonBlock(value) {
    return this.block(DAG_JSON, dagJson.encode(value));
  }

  /** A map of attribute name -> link to a raw block holding the value's UTF-8 text. */
  payloadBlock(payloads) {
    const names = Object.keys(payloads ?? {});
    if (!names.length) return null;
    const map = {};
    for (const name of names) map[name] = this.block(RAW, Buffer.from(payloads[name], 'utf8'));
    return this.dagJsonBlock(map);
  }

  resourceLink(resource) {
    if (this.resourceCid === null || resource !== this.resource) {
      this.resource = resource;
      this.resourceCid = this.dagJsonBlock(resource);
    }
    return this.resourceCid;
  }

  /** Appends a record with the common fields filled in; returns its line bytes and CID. */
  append(fields) {
    const record = { v: FORMAT_VERSION, ...fields, log: this.logId, seq: this.seq, prev: this.prev };
    const bytes = Buffer.from(dagJson.encode(record));
    const cid = cidOf(DAG_JSON, bytes);
    this.lines.push(bytes, NEWLINE);
    this.buffered += bytes.length;
    this.merkle.add(Buffer.from(cid.multihash.digest));
    this.prev = cid;
    this.seq++;
    if (this.buffered > 1 << 20) this.flush();
    if (this.checkpointEvery > 0 && this.seq % this.checkpointEvery === 0) this.checkpoint();
    return { bytes, cid };
  }

  /**
   * A span record (FORMAT.md 3.1) for `span`: attributes without payloads, `input` / `output` payload
   * texts by attribute name, `params` the gen_ai.request.* attributes, `resource` the resource attributes.
   */
  appendSpan(span) {
    const params = span.params && Object.keys(span.params).length ? this.dagJsonBlock(span.params) : null;
    const input = this.payloadBlock(span.input);
    const output = this.payloadBlock(span.output);
    const resource = this.resourceLink(span.resource ?? this.resource ?? {});
    return this.append({
      type: 'span',
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId ?? null,
      traceFlags: span.traceFlags ?? 1,
      name: span.name,
      kind: span.kind ?? 'CLIENT',
      start: span.start,
      end: span.end,
      status: span.status ?? { code: 'UNSET', message: null },
      attributes: span.attributes ?? {},
      resource,
      scope: span.scope ?? { name: 'verify-fixture', version: '1.0.0', schemaUrl: null },
      events: span.events ?? [],
      links: span.links ?? [],
      input,
      params,
      output,
      dropped: span.dropped ?? [],
    });
  }

  /** A `dropped` record: spans the exporter had to drop under back-pressure. */
  appendDropped(count, reason, time = '1767225600000000000') {
    return this.append({ type: 'dropped', time, count, reason });
  }

  /** A `cut` record (FORMAT.md 3.2) with its raw block holding the cut bytes. */
  appendCut({ target, file, offset, bytes, time = '1767225600000000000' }) {
    const block = this.block(RAW, bytes);
    return this.append({ type: 'cut', time, target, file, offset, length: bytes.length, sha256: sha256(bytes).toString('hex'), block });
  }

  /** A `damage` record (FORMAT.md 3.3). */
  appendDamage({ target, file, line, reason, time = '1767225600000000000' }) {
    return this.append({ type: 'damage', time, target, file, line, reason });
  }

  flush() {
    // blocks of an append go to disk before its record line
    if (this.sections.length) fs.writeSync(this.packFd, Buffer.concat(this.sections));
    if (this.lines.length) fs.writeSync(this.logFd, Buffer.concat(this.lines));
    this.sections = [];
    this.lines = [];
    this.buffered = 0;
  }

  /** Writes a signed checkpoint at the current size. */
  checkpoint(time = '1767225600000000000') {
    this.flush();
    const statement = {
      v: FORMAT_VERSION,
      type: 'checkpoint',
      log: this.logId,
      size: this.seq,
      root: this.merkle.root().toString('hex'),
      last: this.prev,
      time,
      key: this.key.fingerprint,
    };
    const signature = crypto.sign(null, Buffer.from(dagJson.encode(statement)), this.key.privateKey);
    const file = path.join(this.dir, 'checkpoints', `${this.logId}.${String(this.seq).padStart(12, '0')}.json`);
    // temp file then rename, as FORMAT.md section 6 asks: a reader never sees half a checkpoint
    const tmp = `${file}.tmp-${process.pid}-${counter++}`;
    fs.writeFileSync(tmp, dagJson.encode({ publicKey: new Uint8Array(this.key.raw), signature: new Uint8Array(signature), statement }), { mode: 0o600 });
    fs.renameSync(tmp, file);
  }

  /** Final checkpoint, then the lock goes (a closed log); `keepLock` leaves it as a writer that died would. */
  close({ keepLock = false, finalCheckpoint = true } = {}) {
    if (finalCheckpoint && (this.checkpointEvery === 0 || this.seq % this.checkpointEvery !== 0 || this.seq === 0)) this.checkpoint();
    this.flush();
    fs.closeSync(this.logFd);
    fs.closeSync(this.packFd);
    if (!keepLock) fs.rmSync(this.lockFile, { force: true });
  }
}

const NEWLINE = Buffer.from('\n');
