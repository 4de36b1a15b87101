/**
 * verify of a CAR export: the container (one root, every block against its CID, no duplicates, no
 * extras, whole sections) and then the same chain / Merkle / signature checks as for a store.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CarIndexer, CarReader, CarWriter } from '@ipld/car';
import { base58btc } from 'multiformats/bases/base58';
import { CID as MfCID } from 'multiformats/cid';
import { decode as dagJsonDecode, encode as dagJsonEncode } from '@ipld/dag-json';
import { sha256, sha512 } from 'multiformats/hashes/sha2';
import { exportCar, verifyCar, type VerifyFailure } from '@llm-provenance/cid-exporter';
import { checkpointName, copyStore, lines, logPath, recoverAbandoned, tmpDir, writeLines, writeSpans } from './verify-fixture.js';

const N = 600;
let store: string;
let logId: string;
let car: Buffer;
let root: string;
let index: Array<{ cid: MfCID; offset: number; blockOffset: number; blockLength: number }>;
let outDir: string;

beforeAll(async () => {
  store = path.join(tmpDir('verify-car'), 'store');
  logId = await writeSpans(store, 0, N, { checkpointEvery: 200 });
  outDir = tmpDir('verify-car-out');
  const file = path.join(outDir, 'base.car');
  root = exportCar(store, file).root;
  car = fs.readFileSync(file);
  index = [];
  for await (const entry of await CarIndexer.fromBytes(car)) index.push(entry);
}, 120_000);

function verifyBytes(name: string, bytes: Uint8Array): { first: VerifyFailure; file: string } {
  const file = path.join(outDir, name);
  fs.writeFileSync(file, bytes);
  const report = verifyCar(file);
  expect(report.ok).toBe(false);
  return { first: report.failures[0]!, file };
}

/** Rebuilds a CAR with @ipld/car: given roots, the original blocks (optionally filtered / extended). */
async function rebuild(roots: MfCID[], extra: Array<{ cid: MfCID; bytes: Uint8Array }> = []): Promise<Buffer> {
  const reader = await CarReader.fromBytes(car);
  const { writer, out } = CarWriter.create(roots);
  const chunks: Uint8Array[] = [];
  const reading = (async () => {
    for await (const c of out) chunks.push(c);
  })();
  for await (const b of reader.blocks()) await writer.put(b);
  for (const b of extra) await writer.put(b);
  await writer.close();
  await reading;
  return Buffer.concat(chunks);
}

const recordIndex = async (seq: number): Promise<number> => {
  const cid = MfCID.create(1, 0x0129, await sha256.digest(lines(store, logId)[seq]!));
  return index.findIndex((e) => e.cid.equals(cid));
};

describe('verifyCar on an untouched export', () => {
  it('checks every block and the chain, Merkle roots and signatures from the manifest', () => {
    const report = verifyCar(path.join(outDir, 'base.car'));
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.blocks).toBe(index.length);
    expect(report.logs).toEqual([{ log: logId, file: path.join(outDir, 'base.car'), records: N, checkpoints: 3, signedSize: N, dropped: 0 }]);
  });
});

describe('verifyCar names container damage', () => {
  it('flipped byte: the block whose bytes no longer match its CID', async () => {
    const i = await recordIndex(10);
    const bytes = Buffer.from(car);
    bytes[index[i]!.blockOffset + 40] ^= 0x01;
    const { first, file } = verifyBytes('flipped.car', bytes);
    expect(first).toMatchObject({ kind: 'modified', file, section: i, offset: index[i]!.offset, cid: index[i]!.cid.toString() });
    expect(first.detail).toMatch(/^bytes hash to sha2-256 [0-9a-f]{64}, not the digest in the CID$/);
  });

  it('truncated file: the section the file ends inside', () => {
    const last = index[index.length - 1]!;
    const { first, file } = verifyBytes('truncated.car', car.subarray(0, last.blockOffset + Math.floor(last.blockLength / 2)));
    expect(first).toMatchObject({ kind: 'truncated', file, section: index.length - 1, offset: last.offset });
  });

  it('extra block: a valid block the manifest does not reach', async () => {
    const bytes = new TextEncoder().encode('smuggled');
    const cid = MfCID.create(1, 0x55, await sha256.digest(bytes));
    const { first, file } = verifyBytes('extra.car', await rebuild([MfCID.parse(root)], [{ cid, bytes }]));
    expect(first).toMatchObject({ kind: 'extra block', file, section: index.length, cid: cid.toString() });
  });

  it('disallowed cid: a block with a codec or hash function outside the allow-list', async () => {
    const bytes = new Uint8Array([0xa1, 0x61, 0x61, 0x01]); // DAG-CBOR {"a": 1}
    const cbor = MfCID.create(1, 0x71, await sha256.digest(bytes));
    const { first, file } = verifyBytes('dag-cbor.car', await rebuild([MfCID.parse(root)], [{ cid: cbor, bytes }]));
    expect(first).toMatchObject({ kind: 'disallowed cid', file, section: index.length, cid: cbor.toString() });
    expect(first.detail).toBe('codec dag-cbor is not allowed (only raw 0x55 and dag-json 0x0129)');

    const raw = new TextEncoder().encode('hashed with sha2-512');
    const sha512Cid = MfCID.create(1, 0x55, await sha512.digest(raw));
    const second = verifyBytes('sha512.car', await rebuild([MfCID.parse(root)], [{ cid: sha512Cid, bytes: raw }]));
    expect(second.first).toMatchObject({ kind: 'disallowed cid', section: index.length, cid: sha512Cid.toString() });
    expect(second.first.detail).toBe('multihash 0x13 is not allowed (only sha2-256)');
  });

  it('duplicate block: the second copy of a CID', async () => {
    const i = await recordIndex(3);
    const e = index[i]!;
    const copy = car.subarray(e.offset, e.blockOffset + e.blockLength);
    const { first, file } = verifyBytes('duplicate.car', Buffer.concat([car, copy]));
    expect(first).toMatchObject({ kind: 'duplicate block', file, section: index.length, offset: car.length, cid: e.cid.toString() });
    expect(first.detail).toBe(`same CID as section ${i}`);
  });

  it('missing root: a header without roots', async () => {
    const { first, file } = verifyBytes('no-root.car', await rebuild([]));
    expect(first).toMatchObject({ kind: 'missing root', file, offset: 0, detail: 'the CAR header lists no root' });
  });

  it('missing root: a header naming a block that is not in the CAR', async () => {
    const absent = MfCID.create(1, 0x0129, await sha256.digest(new TextEncoder().encode('{}')));
    const { first, file } = verifyBytes('absent-root.car', await rebuild([absent]));
    expect(first).toMatchObject({ kind: 'missing root', file, cid: absent.toString(), detail: 'the root named in the header is not in the CAR' });
  });

  it('two roots: an export has exactly one', async () => {
    const other = index[5]!.cid;
    const { first, file } = verifyBytes('two-roots.car', await rebuild([MfCID.parse(root), other]));
    expect(first).toMatchObject({ kind: 'multiple roots', file, offset: 0 });
    expect(first.detail).toBe(`the CAR header lists 2 roots (${root}, ${other}); an export has exactly one`);
  });
});

describe('verifyCar runs the log checks from the manifest', () => {
  it('deleted: a record missing from an export of a tampered store', async () => {
    const dir = copyStore(store, 'car-deleted');
    const ls = lines(dir, logId);
    const gone = MfCID.create(1, 0x0129, await sha256.digest(ls[77]!)).toString();
    ls.splice(77, 1);
    writeLines(dir, logId, ls);
    const file = path.join(outDir, 'deleted.car');
    exportCar(dir, file);
    const next = MfCID.create(1, 0x0129, await sha256.digest(ls[77]!));
    const section = [];
    for await (const e of await CarIndexer.fromBytes(fs.readFileSync(file))) section.push(e);
    const at = section.findIndex((e) => e.cid.equals(next));
    expect(verifyCar(file).failures[0]).toMatchObject({ kind: 'deleted', file, section: at, offset: section[at]!.offset, seq: 77, cid: gone });
  });

  it('bad signature: checkpoint statements and signatures travel in the CAR', async () => {
    const dir = copyStore(store, 'car-badsig');
    const cp = path.join(dir, checkpointName(logId, 400));
    const text = fs.readFileSync(cp, 'utf8');
    const at = text.indexOf('"signature":{"/":{"bytes":"') + 40;
    fs.writeFileSync(cp, text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
    const file = path.join(outDir, 'badsig.car');
    exportCar(dir, file);
    const cid = MfCID.create(1, 0x0129, await sha256.digest(fs.readFileSync(cp)));
    const f = verifyCar(file).failures[0]!;
    expect(f).toMatchObject({ kind: 'bad signature', file, cid: cid.toString(), seq: 399 });
  });

  it('trusts only the given keys, given as did:key; hex keys are refused', () => {
    const base = path.join(outDir, 'base.car');
    const { publicKeys } = verifyCar(base);
    expect(publicKeys).toHaveLength(1);
    expect(publicKeys[0]).toMatch(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/);
    expect(verifyCar(base, { trustedKeys: publicKeys }).ok).toBe(true);
    const raw = Buffer.from(base58btc.decode(publicKeys[0]!.slice('did:key:'.length)).subarray(2)).toString('hex');
    const fingerprint = createHash('sha256').update(Buffer.from(raw, 'hex')).digest('hex');
    for (const hex of [raw, fingerprint]) expect(() => verifyCar(base, { trustedKeys: [hex] })).toThrow(/is not a did:key/);
    const other = `did:key:${base58btc.encode(Uint8Array.from([0xed, 0x01, ...Buffer.alloc(32)]))}`;
    const untrusted = verifyCar(base, { trustedKeys: [other] });
    expect(untrusted.failures[0]).toMatchObject({ kind: 'bad signature', seq: 199 });
    expect(untrusted.failures[0]!.detail).toBe(`checkpoint at size 200 is signed by key ${publicKeys[0]}, which is not a trusted key`);
  });
});

describe('verifyCar: logs named by recovery records', () => {
  it('deleted: an export of a store whose recovered log was removed, while a cut record still names it', async () => {
    const dir = copyStore(store, 'car-cut-target');
    fs.appendFileSync(logPath(dir, logId), '{"attributes":{"enduser.id":"us');
    const recoverer = await recoverAbandoned(dir, logId);
    const intact = path.join(outDir, 'cut-intact.car');
    exportCar(dir, intact);
    expect(verifyCar(intact).failures).toEqual([]);
    for (const sub of ['logs', 'blocks', 'checkpoints']) {
      for (const f of fs.readdirSync(path.join(dir, sub))) if (f.startsWith(`${logId}.`)) fs.rmSync(path.join(dir, sub, f));
    }
    const file = path.join(outDir, 'cut-target-gone.car');
    exportCar(dir, file);
    // seq 0 of the recovering log is its witness record (FORMAT.md 3.6), seq 1 the cut
    const cutLine = lines(dir, recoverer)[1]!;
    const cutCid = MfCID.create(1, 0x0129, await sha256.digest(cutLine));
    const entries: Array<{ cid: MfCID }> = [];
    for await (const e of await CarIndexer.fromBytes(fs.readFileSync(file))) entries.push(e);
    const section = entries.findIndex((e) => e.cid.equals(cutCid));
    expect(section).toBeGreaterThan(0);
    expect(verifyCar(file).failures).toEqual([
      {
        kind: 'deleted',
        file,
        log: logId,
        detail: `log ${logId} is not in the export but the cut record at section ${section} (log ${recoverer}, seq 1, cid ${cutCid.toString()}) names it`,
      },
    ]);
  });
});

describe('verifyCar: a re-rooted manifest that is malformed', () => {
  /** The export with its manifest replaced by `edit(manifest)` (new root CID, old root dropped). */
  async function withManifest(edit: (m: any) => void): Promise<{ bytes: Buffer; cid: MfCID }> {
    const reader = await CarReader.fromBytes(car);
    const oldRoot = MfCID.parse(root);
    const manifest = dagJsonDecode((await reader.get(oldRoot))!.bytes);
    edit(manifest);
    const mBytes = dagJsonEncode(manifest);
    const cid = MfCID.create(1, 0x0129, await sha256.digest(mBytes));
    const { writer, out } = CarWriter.create([cid]);
    const chunks: Uint8Array[] = [];
    const reading = (async () => {
      for await (const c of out) chunks.push(c);
    })();
    await writer.put({ cid, bytes: mBytes });
    for await (const b of reader.blocks()) if (!b.cid.equals(oldRoot)) await writer.put(b);
    await writer.close();
    await reading;
    return { bytes: Buffer.concat(chunks), cid };
  }

  it('modified: a log listed twice in the manifest', async () => {
    const { bytes, cid } = await withManifest((m) => m.logs.push(m.logs[0]));
    const file = path.join(outDir, 'log-twice.car');
    fs.writeFileSync(file, bytes);
    const report = verifyCar(file);
    expect(report.failures).toEqual([
      {
        kind: 'modified',
        file,
        section: 0,
        offset: expect.any(Number),
        cid: cid.toString(),
        log: logId,
        detail: `manifest entry for log ${logId} is listed twice`,
      },
    ]);
  });

  it('modified: a manifest entry whose checkpoints are not a link list', async () => {
    const { bytes, cid } = await withManifest((m) => (m.logs[0].checkpoints = 'none'));
    const file = path.join(outDir, 'log-no-checkpoints.car');
    fs.writeFileSync(file, bytes);
    const report = verifyCar(file);
    expect(report.failures[0]).toEqual({
      kind: 'modified',
      file,
      section: 0,
      offset: expect.any(Number),
      cid: cid.toString(),
      log: logId,
      detail: `manifest entry for log ${logId} has no "checkpoints" link list`,
    });
  });
});
