/**
 * `exportCar` writes a CARv1 that standard IPFS libraries read and check block by block: @ipld/car for
 * the container, multiformats sha2-256 for every CID, @ipld/dag-json for every dag-json block; it
 * streams the store (same bytes through any read window) and leaves damaged blocks out.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CarReader } from '@ipld/car';
import * as dagJson from '@ipld/dag-json';
import { CID as MfCID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { exportCar, verifyCar, encodeCarHeader } from '@llm-provenance/cid-exporter';
import { CarWriter } from '@ipld/car';
import { checkpointName, lines, packPath, packSections, tmpDir, writeSpans } from './verify-fixture.js';

const N = 1200;
let store: string;
let logId: string;
let carFile: string;

beforeAll(async () => {
  store = path.join(tmpDir('export-car'), 'store');
  logId = await writeSpans(store, 0, N, { checkpointEvery: 500 });
  carFile = path.join(tmpDir('export-car-out'), 'store.car');
}, 120_000);

async function referenceHeader(roots: MfCID[]): Promise<Buffer> {
  const { writer, out } = CarWriter.create(roots);
  const chunks: Uint8Array[] = [];
  const reading = (async () => {
    for await (const c of out) chunks.push(c);
  })();
  await writer.close();
  await reading;
  return Buffer.concat(chunks);
}

describe('exportCar', () => {
  it('writes a CAR whose header is byte-identical to @ipld/car and whose every block checks', async () => {
    const summary = exportCar(store, carFile, { created: '1767225600000000000' });
    const bytes = fs.readFileSync(carFile);
    const reader = await CarReader.fromBytes(bytes);
    const roots = await reader.getRoots();
    expect(roots.map(String)).toEqual([summary.root]);

    // header: same bytes as the reference encoder (DAG-CBOR, via @ipld/dag-cbor inside @ipld/car)
    const header = await referenceHeader(roots);
    expect(bytes.subarray(0, header.length)).toEqual(header);
    expect(Buffer.from(encodeCarHeader([roots[0]!.bytes]))).toEqual(header.subarray(1));

    const seen = new Map<string, Uint8Array>();
    for await (const { cid, bytes: data } of reader.blocks()) {
      expect(MfCID.create(1, cid.code, await sha256.digest(data)).equals(cid)).toBe(true);
      expect([0x55, 0x0129]).toContain(cid.code);
      expect(seen.has(cid.toString())).toBe(false);
      if (cid.code === 0x0129) dagJson.decode(data); // every dag-json block decodes
      seen.set(cid.toString(), data);
    }

    // the manifest links all checkpoints, every record (in order) and every payload block
    const manifest = dagJson.decode<any>(seen.get(summary.root)!);
    expect(manifest.type).toBe('llm-provenance/export');
    expect(manifest.created).toBe('1767225600000000000');
    expect(manifest.logs).toHaveLength(1);
    expect(manifest.logs[0].log).toBe(logId);
    expect(manifest.logs[0].size).toBe(N);
    const recordCids: string[] = manifest.logs[0].records.flatMap((p: MfCID) => dagJson.decode<any>(seen.get(p.toString())!).records.map(String));
    const expectedRecords = await Promise.all(lines(store, logId).map(async (l) => MfCID.create(1, 0x0129, await sha256.digest(l)).toString()));
    expect(recordCids).toEqual(expectedRecords);
    for (const [i, c] of recordCids.entries()) expect(Buffer.from(seen.get(c)!)).toEqual(lines(store, logId)[i]);

    const checkpoints = [500, 1000, 1200].map((n) => fs.readFileSync(path.join(store, checkpointName(logId, n))));
    const cpCids = await Promise.all(checkpoints.map(async (b) => MfCID.create(1, 0x0129, await sha256.digest(b)).toString()));
    expect(manifest.logs[0].checkpoints.map(String)).toEqual(cpCids);
    expect(String(manifest.logs[0].latestCheckpoint)).toBe(cpCids[2]);
    for (const [i, c] of cpCids.entries()) expect(Buffer.from(seen.get(c)!)).toEqual(checkpoints[i]);

    const pack = fs.readFileSync(packPath(store, logId));
    const packCids = packSections(pack).map((s) => MfCID.decode(s.cidBytes).toString());
    const listed: string[] = manifest.blocks.flatMap((p: MfCID) => dagJson.decode<any>(seen.get(p.toString())!).blocks.map(String));
    expect(listed).toEqual(packCids);
    for (const s of packSections(pack)) expect(Buffer.from(seen.get(MfCID.decode(s.cidBytes).toString())!)).toEqual(pack.subarray(s.dataOffset, s.end));

    const pages = manifest.logs[0].records.length + manifest.blocks.length;
    expect(seen.size).toBe(1 + pages + N + 3 + packCids.length);
    expect(summary).toEqual({
      file: carFile,
      root: summary.root,
      logs: 1,
      records: N,
      checkpoints: 3,
      payloadBlocks: packCids.length,
      blocks: seen.size,
      bytes: bytes.length,
      skipped: [],
      unreached: 0,
      largeBlocks: [],
    });
  });

  it('produces a CAR that verify accepts, with the same checkpoints and key as the store', () => {
    exportCar(store, carFile);
    const report = verifyCar(carFile);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.logs).toEqual([{ log: logId, file: carFile, records: N, checkpoints: 3, signedSize: N, dropped: 0 }]);
  });
});

describe('exportCar streams', () => {
  it('writes the same CAR through a read window smaller than a record, and verify reads it the same way', () => {
    const a = path.join(tmpDir('export-car-window'), 'a.car');
    const b = path.join(path.dirname(a), 'b.car');
    const sa = exportCar(store, a, { created: '1767225600000000000' });
    const sb = exportCar(store, b, { created: '1767225600000000000', chunkSize: 64 });
    expect({ ...sb, file: a }).toEqual(sa);
    expect(fs.readFileSync(b).equals(fs.readFileSync(a))).toBe(true);
    expect(verifyCar(b, { chunkSize: 64 })).toEqual({ ...verifyCar(b), source: b });
  });

  it('leaves out a damaged pack block (named in the summary), and the CAR still checks block by block', async () => {
    const dir = path.join(tmpDir('export-car-damaged'), 'store');
    fs.cpSync(store, dir, { recursive: true });
    const pack = fs.readFileSync(packPath(dir, logId));
    const s = packSections(pack)[5]!;
    pack[s.dataOffset] ^= 0x01;
    fs.writeFileSync(packPath(dir, logId), pack);
    const file = path.join(path.dirname(dir), 'damaged.car');
    const summary = exportCar(dir, file);
    expect(summary.skipped).toEqual([MfCID.decode(s.cidBytes).toString()]);
    const reader = await CarReader.fromBytes(fs.readFileSync(file));
    for await (const { cid, bytes } of reader.blocks()) expect(MfCID.create(1, cid.code, await sha256.digest(bytes)).equals(cid)).toBe(true);
    expect(await reader.has(MfCID.decode(s.cidBytes))).toBe(false);
  });
});
