// The naive way to write the same store (FORMAT.md version 2), for bench.mjs to compare against: every
// record and link block built as an object and encoded with @ipld/dag-json, every CID made with
// multiformats, Merkle leaf hashes the record CIDs' digests, blocks deduplicated by CID string, one write
// and one fdatasync per batch and file (the same durability as the exporter's 'batch').
// Handles the spans bench.mjs makes (plain attribute values, no events or links).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as dagJson from '@ipld/dag-json';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { varint } from 'multiformats';

const RAW = 0x55;
const DAG_JSON = 0x0129;
const KINDS = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS = ['UNSET', 'OK', 'ERROR'];
const INPUT = new Set(['gen_ai.input.messages', 'gen_ai.system_instructions', 'gen_ai.tool.definitions', 'gen_ai.tool.call.arguments']);
const OUTPUT = new Set(['gen_ai.output.messages', 'gen_ai.tool.call.result']);

const ns = ([sec, n]) => (BigInt(sec) * 1_000_000_000n + BigInt(n)).toString();
const cidOf = (code, bytes) => CID.create(1, code, sha256.digest(bytes));
const nodeHash = (l, r) =>
  crypto
    .createHash('sha256')
    .update(Buffer.from([1]))
    .update(l)
    .update(r)
    .digest();

export class NaiveWriter {
  constructor(dir, logId) {
    this.logId = logId;
    fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'blocks'), { recursive: true });
    this.logFd = fs.openSync(path.join(dir, 'logs', `${logId}.jsonl`), 'wx', 0o600);
    this.packFd = fs.openSync(path.join(dir, 'blocks', `${logId}.blocks`), 'wx', 0o600);
    this.seq = 0;
    this.prev = null;
    this.packed = new Set();
    this.resources = new Map();
    this.stack = [];
  }

  put(sections, cid, bytes) {
    const key = cid.toString();
    if (this.packed.has(key)) return cid;
    this.packed.add(key);
    sections.push(
      Buffer.from(varint.encodeTo(cid.bytes.length + bytes.length, new Uint8Array(varint.encodingLength(cid.bytes.length + bytes.length)))),
      cid.bytes,
      bytes,
    );
    return cid;
  }

  addLeaf(cid) {
    let node = { size: 1, hash: cid.multihash.digest };
    while (this.stack.length > 0 && this.stack.at(-1).size === node.size) {
      const left = this.stack.pop();
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
  }

  record(span, sections) {
    let resource = this.resources.get(span.resource);
    if (!resource) {
      const bytes = dagJson.encode(span.resource.attributes);
      resource = { cid: cidOf(DAG_JSON, bytes), bytes };
      this.resources.set(span.resource, resource);
    }
    this.put(sections, resource.cid, resource.bytes);
    const attributes = {};
    const input = {};
    const output = {};
    const params = {};
    for (const key of Object.keys(span.attributes).sort()) {
      const value = span.attributes[key];
      if (INPUT.has(key) || OUTPUT.has(key)) {
        const bytes = Buffer.from(value, 'utf8');
        (INPUT.has(key) ? input : output)[key] = this.put(sections, cidOf(RAW, bytes), bytes);
        continue;
      }
      attributes[key] = value;
      if (key.startsWith('gen_ai.request.')) params[key] = value;
    }
    const link = (map) => {
      if (Object.keys(map).length === 0) return null;
      const bytes = dagJson.encode(map);
      return this.put(sections, cidOf(DAG_JSON, bytes), bytes);
    };
    const ctx = span.spanContext();
    const record = {
      v: 2,
      type: 'span',
      log: this.logId,
      seq: this.seq,
      prev: this.prev,
      traceId: ctx.traceId,
      spanId: ctx.spanId,
      parentSpanId: span.parentSpanContext?.spanId ?? null,
      traceFlags: ctx.traceFlags,
      name: span.name,
      kind: KINDS[span.kind],
      start: ns(span.startTime),
      end: ns(span.endTime),
      status: { code: STATUS[span.status.code], message: span.status.message ?? null },
      attributes,
      resource: resource.cid,
      scope: {
        name: span.instrumentationScope.name,
        version: span.instrumentationScope.version ?? null,
        schemaUrl: span.instrumentationScope.schemaUrl ?? null,
      },
      events: [],
      links: [],
      input: link(input),
      params: link(params),
      output: link(output),
      dropped: [],
    };
    const line = dagJson.encode(record);
    const cid = cidOf(DAG_JSON, line);
    this.addLeaf(cid);
    this.prev = cid;
    this.seq++;
    return line;
  }

  /** Writes a batch: pack sections, fdatasync, record lines, fdatasync. */
  async write(spans) {
    const sections = [];
    const lines = [];
    for (const span of spans) lines.push(this.record(span, sections), Buffer.from('\n'));
    await writeAndSync(this.packFd, Buffer.concat(sections));
    await writeAndSync(this.logFd, Buffer.concat(lines));
  }

  close() {
    fs.closeSync(this.logFd);
    fs.closeSync(this.packFd);
  }
}

function writeAndSync(fd, buf) {
  return new Promise((resolve, reject) => {
    fs.write(fd, buf, 0, buf.length, null, (err) => {
      if (err) return reject(err);
      fs.fdatasync(fd, (e) => (e ? reject(e) : resolve()));
    });
  });
}
