/**
 * verify over a format 2 store (2000 spans, checkpoints every 500; see ./verify-fixture.ts for who
 * writes it), tampered with in each way verify must tell apart. Every case asserts the first failure's
 * kind, file, line, seq and CID.
 */
import { createHash, verify as cryptoVerify } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { base58btc } from 'multiformats/bases/base58';
import { CID as MfCID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import * as dagJson from '@ipld/dag-json';
import { ProvenanceStore, verifyStore, type VerifyFailure } from '@llm-provenance/cid-exporter';
import { SpecLogWriter } from './verify-fixture-writer.mjs';
import {
  checkpointName,
  copyStore,
  unseal,
  deadPid,
  lines,
  logPath,
  packPath,
  packSections,
  recoverAbandoned,
  runCli,
  tmpDir,
  WRITER,
  writeLines,
  writeSpans,
} from './verify-fixture.js';

const N = 2000;
let base: string;
let logId: string;
let otherLog: { dir: string; logId: string };

/** Record CID computed with multiformats (independent of the code under test). */
async function cidOf(bytes: Uint8Array): Promise<string> {
  return MfCID.create(1, 0x0129, await sha256.digest(bytes)).toString();
}

function first(dir: string): VerifyFailure {
  const report = verifyStore(dir);
  expect(report.ok).toBe(false);
  return report.failures[0]!;
}

beforeAll(async () => {
  base = path.join(tmpDir('verify-base'), 'store');
  logId = await writeSpans(base, 0, N, { checkpointEvery: 500 });
  const other = path.join(tmpDir('verify-other'), 'store');
  otherLog = { dir: other, logId: await writeSpans(other, 0, 20, { salt: '-other' }) };
}, 120_000);

describe('verifyStore on an untouched store', () => {
  it('verifies every record, block, checkpoint and signature', () => {
    const report = verifyStore(base);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.logs).toEqual([{ log: logId, file: `logs/${logId}.jsonl`, records: N, checkpoints: 4, signedSize: N, dropped: 0 }]);
    expect(fs.readdirSync(path.join(base, 'checkpoints')).sort()).toEqual([500, 1000, 1500, 2000].map((n) => path.basename(checkpointName(logId, n))));
    // outputs never repeat (2000 output maps + 2000 raw outputs); inputs repeat every 7 spans (7 maps +
    // 7 raw); params (model, temperature) repeat every 3 spans; one resource block for the log:
    // identical payloads are stored once
    expect(report.blocks).toBe(2 * N + 14 + 3 + 1);
    expect(report.publicKeys).toHaveLength(1);
    expect(report.notes).toEqual([]);
  });

  it('accepts checkpoints a third party can check with standard libraries (RFC 6962 root over record CIDs, Ed25519)', async () => {
    const ls = lines(base, logId);
    // the leaf hash of record i = the sha2-256 digest inside its CID
    const cids = await Promise.all(ls.map(async (l) => MfCID.create(1, 0x0129, await sha256.digest(l))));
    const leaf = (cid: MfCID): Buffer => Buffer.from(cid.multihash.digest);
    const mth = (hs: Buffer[]): Buffer => {
      if (hs.length === 1) return hs[0]!;
      let k = 1;
      while (k * 2 < hs.length) k *= 2;
      return createHash('sha256')
        .update(Buffer.from([1]))
        .update(mth(hs.slice(0, k)))
        .update(mth(hs.slice(k)))
        .digest();
    };
    for (const size of [500, 1000, 1500, 2000]) {
      const cp = dagJson.decode<any>(fs.readFileSync(path.join(base, checkpointName(logId, size))));
      expect(cp.statement.size).toBe(size);
      expect(mth(cids.slice(0, size).map(leaf)).toString('hex')).toBe(cp.statement.root);
      expect(cp.statement.v).toBe(2);
      const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), cp.publicKey]);
      expect(cryptoVerify(null, dagJson.encode(cp.statement), { key: spki, format: 'der', type: 'spki' }, cp.signature)).toBe(true);
      // the key the checkpoint carries, as did:key (multicodec ed25519-pub 0xed 0x01, base58btc)
      expect(verifyStore(base).publicKeys).toEqual([`did:key:${base58btc.encode(Uint8Array.from([0xed, 0x01, ...cp.publicKey]))}`]);
    }
  });
});

describe('verifyStore names each kind of tampering', () => {
  it('modified: a record changed in place is named at its own line', async () => {
    const dir = copyStore(base, 'modified');
    const ls = lines(dir, logId);
    ls[50] = Buffer.from(ls[50]!.toString().replace('"user-2"', '"user-3"'));
    writeLines(dir, logId, ls);
    expect(first(dir)).toMatchObject({ kind: 'modified', file: `logs/${logId}.jsonl`, line: 51, seq: 50, cid: await cidOf(ls[50]!) });
  });

  it('modified: the last record (no successor) is caught by the checkpoint that signs it', async () => {
    const dir = copyStore(base, 'modified-last');
    const ls = lines(dir, logId);
    ls[N - 1] = Buffer.from(ls[N - 1]!.toString().replace('"worker-1"', '"worker-0"'));
    writeLines(dir, logId, ls);
    const f = first(dir);
    expect(f).toMatchObject({ kind: 'modified', file: `logs/${logId}.jsonl`, line: N, seq: N - 1, cid: await cidOf(ls[N - 1]!) });
    expect(f.detail).toContain('does not match checkpoint 2000');
  });

  it('deleted: a removed record is named by the seq and CID its successor still links', async () => {
    const dir = copyStore(base, 'deleted');
    const ls = lines(dir, logId);
    const gone = await cidOf(ls[700]!);
    ls.splice(700, 1);
    writeLines(dir, logId, ls);
    expect(first(dir)).toMatchObject({ kind: 'deleted', file: `logs/${logId}.jsonl`, line: 701, seq: 700, cid: gone });
  });

  it('reordered: two swapped records', async () => {
    const dir = copyStore(base, 'reordered');
    const ls = lines(dir, logId);
    [ls[1200], ls[1201]] = [ls[1201]!, ls[1200]!];
    writeLines(dir, logId, ls);
    expect(first(dir)).toMatchObject({ kind: 'reordered', file: `logs/${logId}.jsonl`, line: 1201, seq: 1201, cid: await cidOf(ls[1200]!) });
  });

  it('reordered: a record moved far back', async () => {
    const dir = copyStore(base, 'moved');
    const ls = lines(dir, logId);
    const [moved] = ls.splice(300, 1);
    ls.splice(900, 0, moved!);
    writeLines(dir, logId, ls);
    expect(first(dir)).toMatchObject({ kind: 'reordered', line: 301, seq: 301, cid: await cidOf(ls[300]!) });
  });

  it('inserted: an exact copy of an earlier record', async () => {
    const dir = copyStore(base, 'inserted-dup');
    const ls = lines(dir, logId);
    ls.splice(20, 0, ls[5]!);
    writeLines(dir, logId, ls);
    expect(first(dir)).toMatchObject({ kind: 'inserted', file: `logs/${logId}.jsonl`, line: 21, seq: 5, cid: await cidOf(ls[5]!) });
  });

  it('inserted: a forged record with the right seq and prev that nothing links to', async () => {
    const dir = copyStore(base, 'inserted-forged');
    const ls = lines(dir, logId);
    const forged = dagJson.decode<Record<string, unknown>>(ls[300]!);
    (forged.attributes as Record<string, unknown>)['enduser.id'] = 'mallory';
    const forgedBytes = Buffer.from(dagJson.encode(forged));
    ls.splice(300, 0, forgedBytes);
    writeLines(dir, logId, ls);
    expect(first(dir)).toMatchObject({ kind: 'inserted', file: `logs/${logId}.jsonl`, line: 301, seq: 300, cid: await cidOf(forgedBytes) });
  });

  it('truncated since checkpoint N: records a signed checkpoint covers are gone', async () => {
    const dir = copyStore(base, 'truncated');
    const ls = lines(dir, logId);
    writeLines(dir, logId, ls.slice(0, 1234));
    const f = first(dir);
    expect(f).toMatchObject({
      kind: 'truncated since checkpoint',
      checkpoint: 1500,
      file: `logs/${logId}.jsonl`,
      line: 1235,
      seq: 1234,
      cid: await cidOf(ls[1499]!),
    });
    expect(f.detail).toContain(checkpointName(logId, 1500));
  });

  it('truncated since checkpoint N: also when the cut falls inside a line', async () => {
    const dir = copyStore(base, 'truncated-torn');
    const buf = fs.readFileSync(logPath(dir, logId));
    const ls = lines(dir, logId);
    const keep = ls.slice(0, 600).reduce((n, l) => n + l.length + 1, 0) + 17;
    fs.writeFileSync(logPath(dir, logId), buf.subarray(0, keep));
    const report = verifyStore(dir);
    expect(report.failures[0]).toMatchObject({ kind: 'truncated since checkpoint', checkpoint: 1000, line: 601, seq: 600 });
    expect(report.notes[0]).toMatchObject({ file: `logs/${logId}.jsonl`, line: 601, seq: 600 });
  });

  it('foreign record spliced in: a record of another log', async () => {
    const dir = copyStore(base, 'foreign');
    const ls = lines(dir, logId);
    const alien = lines(otherLog.dir, otherLog.logId)[11]!;
    ls.splice(11, 0, alien);
    writeLines(dir, logId, ls);
    const f = first(dir);
    expect(f).toMatchObject({ kind: 'foreign record spliced in', file: `logs/${logId}.jsonl`, line: 12, seq: 11, cid: await cidOf(alien) });
    expect(f.detail).toBe(`record belongs to log ${otherLog.logId}, not ${logId}`);
  });

  it('missing payload: a block a record links is not in the pack', async () => {
    const dir = copyStore(base, 'missing-payload');
    const rec = dagJson.decode<{ output: MfCID }>(lines(dir, logId)[42]!);
    const target = rec.output.toString();
    const pack = fs.readFileSync(packPath(dir, logId));
    const sections = packSections(pack);
    const s = sections.find((x) => MfCID.decode(x.cidBytes).toString() === target)!;
    fs.writeFileSync(packPath(dir, logId), Buffer.concat([pack.subarray(0, s.offset), pack.subarray(s.end)]));
    expect(first(dir)).toMatchObject({ kind: 'missing payload', file: `logs/${logId}.jsonl`, line: 43, seq: 42, cid: target });
  });

  it('modified: a payload block whose bytes changed is named in its pack', async () => {
    const dir = copyStore(base, 'block-modified');
    const rec = dagJson.decode<{ output: MfCID }>(lines(dir, logId)[42]!);
    const pack = fs.readFileSync(packPath(dir, logId));
    const sections = packSections(pack);
    const outMap = sections.find((x) => MfCID.decode(x.cidBytes).equals(rec.output))!;
    const rawCid = dagJson.decode<Record<string, MfCID>>(pack.subarray(outMap.dataOffset, outMap.end))['gen_ai.output.messages']!;
    const raw = sections.find((x) => MfCID.decode(x.cidBytes).equals(rawCid))!;
    pack[raw.dataOffset + 5] ^= 0x20;
    fs.writeFileSync(packPath(dir, logId), pack);
    expect(first(dir)).toMatchObject({
      kind: 'modified',
      file: `blocks/${logId}.blocks`,
      section: sections.indexOf(raw),
      offset: raw.offset,
      seq: 42,
      cid: rawCid.toString(),
    });
  });

  it('bad signature: a checkpoint whose signature was altered', () => {
    const dir = copyStore(base, 'bad-signature');
    const file = path.join(dir, checkpointName(logId, 1000));
    const text = fs.readFileSync(file, 'utf8');
    const at = text.indexOf('"signature":{"/":{"bytes":"') + 30;
    fs.writeFileSync(file, text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
    const f = first(dir);
    expect(f).toMatchObject({ kind: 'bad signature', file: checkpointName(logId, 1000), seq: 999 });
    expect(f.detail).toMatch(/^checkpoint at size 1000: Ed25519 signature does not verify with key [0-9a-f]{64}$/);
  });

  it('bad signature: a checkpoint re-signed with another key', () => {
    const dir = copyStore(base, 'other-key');
    // the other store's checkpoint for its own log, renamed: valid signature, wrong key and wrong log
    fs.rmSync(path.join(dir, 'keys', 'ed25519.pem'));
    fs.copyFileSync(path.join(otherLog.dir, 'keys', 'ed25519.pem'), path.join(dir, 'keys', 'ed25519.pem'));
    const f = first(dir);
    expect(f).toMatchObject({ kind: 'bad signature', file: checkpointName(logId, 500) });
    expect(f.detail).toMatch(/is signed by key did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}, which is not a trusted key$/);
  });

  it('non-canonical encoding: a signature whose base64 differs only in unused trailing bits', () => {
    const dir = copyStore(base, 'non-canonical-base64');
    const file = path.join(dir, checkpointName(logId, 1500));
    const text = fs.readFileSync(file, 'utf8');
    const start = text.indexOf('"signature":{"/":{"bytes":"') + 27;
    const end = text.indexOf('"', start);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    // 64 bytes take 86 base64 digits; the last carries 4 unused bits, so flipping one keeps the bytes
    const sig = text.slice(start, end);
    const twin = sig.slice(0, -1) + alphabet[alphabet.indexOf(sig.at(-1)!) ^ 1];
    expect(Buffer.from(twin, 'base64')).toEqual(Buffer.from(sig, 'base64'));
    fs.writeFileSync(file, text.slice(0, start) + twin + text.slice(end));
    const f = first(dir);
    expect(f).toMatchObject({ kind: 'non-canonical encoding', file: checkpointName(logId, 1500), seq: 1499 });
    expect(f.detail).toBe(
      `checkpoint at size 1500: checkpoint is not canonical DAG-JSON: bytes: non-zero trailing bits in base64 (byte ${text.indexOf('"', start) - 1})`,
    );
  });

  it('non-canonical encoding: same content, different bytes', async () => {
    const dir = copyStore(base, 'non-canonical');
    const ls = lines(dir, logId);
    ls[99] = Buffer.from(ls[99]!.toString().replace('{"attributes":{', '{"attributes": {'));
    writeLines(dir, logId, ls);
    const f = first(dir);
    expect(f).toMatchObject({ kind: 'non-canonical encoding', file: `logs/${logId}.jsonl`, line: 100, seq: 99, cid: await cidOf(ls[99]!) });
    expect(verifyStore(dir).failures).toHaveLength(1);
  });
});

describe('verifyStore: torn and cut records', () => {
  it('reports a torn last line of a log whose writer still holds its lock as a note, not a failure', () => {
    const dir = copyStore(base, 'torn');
    fs.appendFileSync(logPath(dir, logId), '{"attributes":{"enduser.id":"us');
    // a writer mid-write (it has not sealed the log): its lock names a live process (this one)
    unseal(dir, logId);
    fs.writeFileSync(path.join(dir, 'logs', `${logId}.lock`), JSON.stringify({ host: os.hostname(), log: logId, pid: process.pid, start: '1' }) + '\n');
    const report = verifyStore(dir);
    expect(report.ok).toBe(true);
    expect(report.notes).toEqual([
      {
        file: `logs/${logId}.jsonl`,
        line: N + 1,
        log: logId,
        seq: N,
        detail: `torn last line: 31 bytes after the last newline (byte ${fs.statSync(logPath(dir, logId)).size - 31}); not part of the log, the next store open cuts and records it`,
      },
    ]);
  });

  it('reports the cut a recovering store recorded, and still verifies', async () => {
    const dir = copyStore(base, 'cut');
    // make the log look abandoned by a crashed writer with a torn tail
    fs.appendFileSync(logPath(dir, logId), '{"attributes":{"enduser.id":"us');
    const recoverer = await recoverAbandoned(dir, logId);
    const report = verifyStore(dir);
    expect(report.failures).toEqual([]);
    const cut = report.notes.find((n) => n.detail.startsWith('recorded cut'));
    // seq 0 of the recovering log is its witness record (FORMAT.md 3.6)
    expect(cut).toMatchObject({ file: `logs/${recoverer}.jsonl`, line: 2, log: recoverer, seq: 1 });
    expect(cut!.detail).toContain(`31 bytes cut from logs/${logId}.jsonl`);
    expect(report.logs.map((l) => l.log)).toEqual([logId, recoverer].sort());
  });
});

describe('verifyStore: damage a recovering store found', () => {
  it('still names the damage itself first, and lists the damage record as a note', async () => {
    const dir = copyStore(base, 'damage');
    const ls = lines(dir, logId);
    ls[50] = Buffer.from(ls[50]!.toString().replace('"user-2"', '"user-0"'));
    writeLines(dir, logId, ls);
    const recoverer = await recoverAbandoned(dir, logId);
    const report = verifyStore(dir);
    expect(report.failures[0]).toMatchObject({ kind: 'modified', file: `logs/${logId}.jsonl`, line: 51, seq: 50 });
    const damage = report.notes.find((n) => n.detail.startsWith('recorded damage'));
    expect(damage).toMatchObject({ file: `logs/${recoverer}.jsonl`, log: recoverer, seq: 1 });
    // the damage record's line is the recovering writer's finding (where the chain visibly breaks);
    // verify's own first failure above pins the modified record itself
    expect(damage!.detail).toMatch(new RegExp(`^recorded damage: logs/${logId}\\.jsonl line \\d+: `));
  });
});

describe('verifyStore over several logs', () => {
  it('verifies every log and names the first failure in the right one', async () => {
    const dir = copyStore(base, 'multi');
    const second = await writeSpans(dir, N, N + 50, { checkpointEvery: 10 });
    expect(verifyStore(dir).ok).toBe(true);
    expect(verifyStore(dir).logs.map((l) => [l.log, l.records, l.signedSize])).toEqual([
      [logId, N, N],
      // its witness record and 50 spans
      [second, 51, 51],
    ]);
    const ls = lines(dir, second);
    ls.splice(5, 1);
    writeLines(dir, second, ls);
    expect(first(dir)).toMatchObject({ kind: 'deleted', file: `logs/${second}.jsonl`, line: 6, seq: 5 });
  });
});

describe('verifyStore: tampering with closed logs, recovered logs, keys and store files', () => {
  it('inserted: bytes after the last newline of a closed log (no lock) are a failure, not a torn tail', () => {
    const dir = copyStore(base, 'closed-tail');
    const size = fs.statSync(logPath(dir, logId)).size;
    fs.appendFileSync(logPath(dir, logId), 'garbage');
    expect(first(dir)).toEqual({
      kind: 'inserted',
      file: `logs/${logId}.jsonl`,
      line: N + 1,
      log: logId,
      seq: N,
      detail: `7 bytes after the last newline (byte ${size}) of a closed log (${WRITER === 'real' ? 'sealed by its final checkpoint' : 'no lock file'}): a writer that closes leaves no partial line`,
    });
  });

  it("modified: a partial section appended to a closed log's pack is a failure; with a live lock it is a torn write", () => {
    const dir = copyStore(base, 'closed-pack-tail');
    const pack = packPath(dir, logId);
    const before = fs.readFileSync(pack);
    const sections = packSections(before).length;
    fs.appendFileSync(pack, Buffer.from([0x40, 0x01, 0x55]));
    const lockFile = path.join(dir, 'logs', `${logId}.lock`);
    const liveLock = JSON.stringify({ host: os.hostname(), log: logId, pid: process.pid, start: '1' }) + '\n';
    if (WRITER === 'real') {
      // sealed by its final checkpoint (FORMAT.md 6.1): bytes past the sealed length fail, lock or no lock
      const sealed = {
        kind: 'inserted',
        file: `blocks/${logId}.blocks`,
        offset: before.length,
        log: logId,
        detail: `pack is ${before.length + 3} bytes but the log's final checkpoint sealed it at ${before.length}: 3 bytes added after close`,
      };
      expect(verifyStore(dir).failures).toEqual([sealed]);
      fs.writeFileSync(lockFile, liveLock);
      expect(verifyStore(dir).failures).toEqual([sealed]);
      fs.rmSync(lockFile);
      unseal(dir, logId);
    }
    expect(verifyStore(dir).failures).toEqual([
      {
        kind: 'modified',
        file: `blocks/${logId}.blocks`,
        section: sections,
        offset: before.length,
        detail: `pack of a closed log (no lock file) ends inside a section: 3 bytes from byte ${before.length} are not a whole section; a writer that closes leaves no partial section`,
      },
    ]);
    fs.writeFileSync(lockFile, liveLock);
    const live = verifyStore(dir);
    expect(live.failures).toEqual([]);
    expect(live.notes).toEqual([
      {
        file: `blocks/${logId}.blocks`,
        detail: `torn final section at byte ${before.length} (3 bytes): a write was cut short; the next store open records and cuts it`,
      },
    ]);
  });

  it('inserted: a well-formed record appended to a closed log after its final checkpoint', async () => {
    const dir = copyStore(base, 'closed-append');
    const ls = lines(dir, logId);
    const lastCid = await cidOf(ls[N - 1]!);
    const forged = dagJson.decode<any>(ls[N - 1]!);
    forged.seq = N;
    forged.prev = MfCID.parse(lastCid);
    const bytes = Buffer.from(dagJson.encode(forged));
    writeLines(dir, logId, [...ls, bytes]);
    const report = verifyStore(dir);
    expect(report.failures).toEqual([
      {
        kind: 'inserted',
        file: `logs/${logId}.jsonl`,
        line: N + 1,
        log: logId,
        seq: N,
        cid: await cidOf(bytes),
        detail:
          WRITER === 'real'
            ? `log was sealed at size ${N} by its final checkpoint, but 1 record(s) from seq ${N} on follow it: added after close`
            : `log was closed (no lock file) but 1 record(s) from seq ${N} on are not covered by a signed checkpoint (largest: size ${N}): added after close, or the final checkpoint was removed`,
      },
    ]);
    if (WRITER !== 'real') return;
    // a planted lock (naming a live process) does not reopen a sealed log
    fs.writeFileSync(path.join(dir, 'logs', `${logId}.lock`), JSON.stringify({ host: os.hostname(), log: logId, pid: process.pid, start: '1' }) + '\n');
    expect(verifyStore(dir).failures.map((f) => f.kind)).toEqual(['inserted']);
  });

  it('inserted: a fabricated closed log with a valid chain but no checkpoint', async () => {
    const dir = copyStore(base, 'fabricated');
    const fake = '20991231T235959Z-1-0badc0de';
    const ls = lines(dir, logId)
      .slice(0, 2)
      .map((l) => dagJson.decode<any>(l));
    ls[0].log = fake;
    const first0 = Buffer.from(dagJson.encode(ls[0]));
    ls[1].log = fake;
    ls[1].prev = MfCID.parse(await cidOf(first0));
    const first1 = Buffer.from(dagJson.encode(ls[1]));
    writeLines(dir, fake, [first0, first1]);
    expect(first(dir)).toEqual({
      kind: 'inserted',
      file: `logs/${fake}.jsonl`,
      line: 1,
      log: fake,
      seq: 0,
      cid: await cidOf(first0),
      detail:
        'log was closed (no lock file) but 2 record(s) from seq 0 on are not covered by a signed checkpoint (largest: size 0): added after close, or the final checkpoint was removed',
    });
  });

  it("deleted: a whole log removed (file, pack, checkpoints, lock) that a recovering log's cut record names", async () => {
    const dir = copyStore(base, 'cut-target-gone');
    fs.appendFileSync(logPath(dir, logId), '{"attributes":{"enduser.id":"us');
    const recoverer = await recoverAbandoned(dir, logId);
    expect(verifyStore(dir).ok).toBe(true);
    for (const sub of ['logs', 'blocks', 'checkpoints']) {
      for (const f of fs.readdirSync(path.join(dir, sub))) if (f.startsWith(`${logId}.`)) fs.rmSync(path.join(dir, sub, f));
    }
    // reported once, by the cut record (the recovering log's witness record names the log too)
    const cutCid = await cidOf(lines(dir, recoverer)[1]!);
    expect(verifyStore(dir).failures).toEqual([
      {
        kind: 'deleted',
        file: `logs/${logId}.jsonl`,
        log: logId,
        detail: `log ${logId} is gone (no log file, no checkpoint) but the cut record at logs/${recoverer}.jsonl:2 (log ${recoverer}, seq 1, cid ${cutCid}) names it`,
      },
    ]);
  });

  it('truncated since checkpoint: a log file deleted while its checkpoints remain', () => {
    const dir = copyStore(base, 'log-gone');
    fs.rmSync(logPath(dir, logId));
    const f = first(dir);
    expect(f).toMatchObject({ kind: 'truncated since checkpoint', file: `logs/${logId}.jsonl`, line: 1, log: logId, seq: 0, checkpoint: 500 });
  });

  // ProvenanceStore's own behaviour: runs once the package writes format 2 (see ./verify-fixture.ts)
  it.runIf(WRITER === 'real')(
    'a log whose final checkpoint failed keeps its lock; the next open recovers it and records its unsigned records as unverified',
    async () => {
      const dir = path.join(tmpDir('final-cp-fails'), 'store');
      const warnings: string[] = [];
      const store = ProvenanceStore.open({ dir, checkpointEvery: 0, checkpointIntervalMs: 0, onWarning: (w) => warnings.push(w) });
      const failed = store.logId;
      await store.append([{ fields: { type: 'span', name: 'a', input: null }, blocks: [] }]).durable;
      // the checkpoints directory becomes unwritable (a file where the directory was)
      fs.rmSync(path.join(dir, 'checkpoints'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'checkpoints'), '');
      await store.close();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(new RegExp(`^final checkpoint of log ${failed} failed: .*; its lock stays so the next open recovers it$`));
      expect(fs.existsSync(path.join(dir, 'logs', `${failed}.lock`))).toBe(true);
      fs.rmSync(path.join(dir, 'checkpoints'));
      fs.mkdirSync(path.join(dir, 'checkpoints'));
      const before = verifyStore(dir);
      expect(before.failures).toEqual([]);
      expect(before.notes).toEqual([
        { file: `logs/${failed}.jsonl`, line: 2, log: failed, detail: '1 record(s) after seq -1 are chained but not yet covered by a signed checkpoint' },
      ]);
      // the lock names this (live) process; rewrite it as a dead writer's so the next open recovers it
      fs.writeFileSync(path.join(dir, 'logs', `${failed}.lock`), JSON.stringify({ host: os.hostname(), log: failed, pid: deadPid(), start: '1' }) + '\n');
      const next = ProvenanceStore.open({ dir, checkpointIntervalMs: 0 });
      await next.close();
      const after = verifyStore(dir);
      expect(after.failures).toEqual([]);
      // recovery never signs what only the dead writer could vouch for: no checkpoint, an `unverified` record
      expect(after.logs.find((l) => l.log === failed)).toEqual({
        log: failed,
        file: `logs/${failed}.jsonl`,
        records: 1,
        checkpoints: 0,
        signedSize: 0,
        dropped: 0,
      });
      const recorded = after.notes.find((n) => n.detail.startsWith('recorded unverified tail'));
      expect(recorded).toMatchObject({ log: next.logId, seq: 1 });
      expect(recorded!.detail).toContain(`records 0 to 0 of log ${failed} follow its last signed checkpoint`);
    },
  );

  it('names the key file when it is not an Ed25519 private key (API and CLI, exit 2)', async () => {
    const dir = copyStore(base, 'bad-key');
    const pem = path.join(dir, 'keys', 'ed25519.pem');
    fs.writeFileSync(pem, 'garbage');
    expect(() => verifyStore(dir)).toThrow(`store key ${pem} is not a PKCS#8 PEM private key: `);
    const cli = runCli(['verify', dir]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(new RegExp(`^llm-provenance verify: store key ${pem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a PKCS#8 PEM private key: `));
    // a valid key of another type must not silently switch verify to "trust any signer"
    const { generateKeyPairSync } = await import('node:crypto');
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' });
    fs.writeFileSync(pem, ec);
    expect(() => verifyStore(dir)).toThrow(`store key ${pem} is not an Ed25519 private key (found P-256)`);
  });

  it('names the store file it cannot read (a directory where a log, checkpoint or pack should be)', () => {
    const cases: Array<[string, string]> = [
      ['logs/20991231T235959Z-1-0badc0de.jsonl', 'log'],
      [`checkpoints/${logId}.000000009999.json`, 'checkpoint'],
      ['blocks/20991231T235959Z-1-0badc0de.blocks', 'pack'],
    ];
    for (const [rel, label] of cases) {
      const dir = copyStore(base, `eisdir-${label}`);
      fs.mkdirSync(path.join(dir, rel));
      expect(() => verifyStore(dir)).toThrow(`cannot read ${rel} in store ${dir}: EISDIR`);
      const cli = runCli(['verify', dir]);
      expect(cli.code).toBe(2);
      expect(cli.stderr).toBe(`llm-provenance verify: cannot read ${rel} in store ${dir}: EISDIR: illegal operation on a directory, read\n`);
    }
  });
});

describe('verifyStore: format version 2', () => {
  it('reports a store of another format version as an input error naming the version (API throws, CLI exits 2)', () => {
    const dir = copyStore(base, 'version-1');
    const ls = lines(dir, logId);
    ls[0] = Buffer.from(ls[0]!.toString().replace(/"v":2}$/, '"v":1}'));
    writeLines(dir, logId, ls);
    const message = `logs/${logId}.jsonl:1: record format version 1 is not supported (this version of llm-provenance reads format version 2)`;
    expect(() => verifyStore(dir)).toThrow(message);
    const cli = runCli(['verify', dir]);
    expect([cli.code, cli.stdout, cli.stderr]).toEqual([2, '', `llm-provenance verify: ${message}\n`]);
  });

  it('names a record of another version inside a version 2 log as modified (it no longer hashes to its prev)', async () => {
    const dir = copyStore(base, 'version-mixed');
    const ls = lines(dir, logId);
    ls[30] = Buffer.from(ls[30]!.toString().replace(/"v":2}$/, '"v":1}'));
    writeLines(dir, logId, ls);
    expect(first(dir)).toMatchObject({ kind: 'modified', file: `logs/${logId}.jsonl`, line: 31, seq: 30, cid: await cidOf(ls[30]!) });
  });

  it('checks every copy of every block: a damaged copy in a second pack fails even though the first pack holds it intact', async () => {
    const dir = copyStore(base, 'second-copy');
    // a second log of the same spans: its pack holds its own copies of the same payload blocks
    const second = await writeSpans(dir, 0, 20, { checkpointEvery: 10 });
    expect(verifyStore(dir).ok).toBe(true);
    const rec = dagJson.decode<{ output: MfCID }>(lines(dir, second)[3]!);
    const pack = fs.readFileSync(packPath(dir, second));
    const sections = packSections(pack);
    const s = sections.findIndex((x) => MfCID.decode(x.cidBytes).equals(rec.output));
    expect(fs.readFileSync(packPath(dir, logId)).includes(sections[s]!.cidBytes)).toBe(true);
    pack[sections[s]!.dataOffset + 3] ^= 0x01;
    fs.writeFileSync(packPath(dir, second), pack);
    const report = verifyStore(dir);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({
      kind: 'modified',
      file: `blocks/${second}.blocks`,
      section: s,
      offset: sections[s]!.offset,
      cid: rec.output.toString(),
    });
    expect(report.failures[0]!.detail).toMatch(/bytes hash to sha2-256 [0-9a-f]{64}, not the digest in the CID$/);
  });

  it('accepts dropped records in the chain, sums them per log and says so (API, CLI)', () => {
    const dir = path.join(tmpDir('dropped'), 'store');
    const w = new SpecLogWriter(dir, { checkpointEvery: 0, resource: { 'service.name': 'svc' } });
    w.appendSpan({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'chat m', start: '1', end: '2', input: { 'gen_ai.input.messages': 'q' } });
    w.appendDropped(7, 'export queue full (maxQueueSize 2048)');
    w.appendSpan({ traceId: 'a'.repeat(32), spanId: 'c'.repeat(16), name: 'chat m', start: '3', end: '4' });
    w.appendDropped(3, 'export queue full (maxQueueSize 2048)');
    w.close();
    const report = verifyStore(dir);
    expect(report.failures).toEqual([]);
    expect(report.logs).toEqual([{ log: w.logId, file: `logs/${w.logId}.jsonl`, records: 4, checkpoints: 1, signedSize: 4, dropped: 10 }]);
    expect(report.notes).toEqual([
      {
        file: `logs/${w.logId}.jsonl`,
        line: 2,
        log: w.logId,
        seq: 1,
        detail: 'recorded drops: the exporter dropped 10 span(s) in 2 dropped record(s) (first: 7 at seq 1, export queue full (maxQueueSize 2048))',
      },
    ]);
    const cli = runCli(['verify', dir]);
    expect(cli.code).toBe(0);
    expect(cli.stdout.split('\n')[0]).toBe(
      `OK store ${dir}: 1 log(s), 4 record(s) (4 under verified checkpoints), 3 block(s), 1 checkpoint(s); the exporter recorded 10 dropped span(s)`,
    );
  });

  it('checks the resource block like every linked block: present', async () => {
    const dir = copyStore(base, 'resource-missing');
    const rec = dagJson.decode<{ resource: MfCID }>(lines(dir, logId)[0]!);
    const pack = fs.readFileSync(packPath(dir, logId));
    const s = packSections(pack).find((x) => MfCID.decode(x.cidBytes).equals(rec.resource))!;
    fs.writeFileSync(packPath(dir, logId), Buffer.concat([pack.subarray(0, s.offset), pack.subarray(s.end)]));
    expect(first(dir)).toEqual({
      kind: 'missing payload',
      file: `logs/${logId}.jsonl`,
      line: 1,
      log: logId,
      seq: 0,
      cid: rec.resource.toString(),
      detail: 'link at resource resolves to no stored block',
    });
  });

  it('checks the resource block like every linked block: canonical', () => {
    const dir = path.join(tmpDir('resource-non-canonical'), 'store');
    const w = new SpecLogWriter(dir, { checkpointEvery: 0 });
    // a resource block whose bytes match its CID but are not canonical DAG-JSON (a space after the colon)
    const bytes = Buffer.from('{"service.name": "svc"}');
    w.resource = { 'service.name': 'svc' };
    w.resourceCid = w.block(0x0129, bytes);
    w.appendSpan({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'chat m', start: '1', end: '2', resource: w.resource });
    w.close();
    expect(verifyStore(dir).failures).toEqual([
      {
        kind: 'non-canonical encoding',
        file: `blocks/${w.logId}.blocks`,
        section: 0,
        offset: 0,
        log: w.logId,
        seq: 0,
        cid: w.resourceCid.toString(),
        detail: 'dag-json block linked at resource: not canonical DAG-JSON: whitespace (byte 16)',
      },
    ]);
  });

  it('streams: a read window smaller than one record gives the same report, intact or tampered', () => {
    expect(verifyStore(base, { chunkSize: 64 })).toEqual(verifyStore(base));
    const dir = copyStore(base, 'small-window');
    const ls = lines(dir, logId);
    ls.splice(1700, 1);
    writeLines(dir, logId, ls);
    const small = verifyStore(dir, { chunkSize: 64 });
    expect(small.failures[0]).toMatchObject({ kind: 'deleted', line: 1701, seq: 1700 });
    expect(small).toEqual(verifyStore(dir));
  });
});
