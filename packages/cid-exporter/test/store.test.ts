import { afterEach, describe, expect, it, vi } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import * as dagJson from '@ipld/dag-json';
import {
  MerkleAccumulator,
  ProvenanceStore,
  dagJsonCid,
  merkleRoot,
  merkleRootOfRecords,
  rawCid,
  resolveStoreOptions,
  verifyCheckpointBytes,
  verifyStore,
  type RecordDraft,
} from '@llm-provenance/cid-exporter';
import { logFiles, mfCid, mfCidBytes, mode, readAllBlocks, readLines, tmpStoreDir } from './store-helpers.js';

const DAG_JSON = 0x0129;
const RAW = 0x55;

const stores: ProvenanceStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function open(dir: string, options: Parameters<typeof ProvenanceStore.open>[0] = {}): ProvenanceStore {
  const s = ProvenanceStore.open({ dir, checkpointIntervalMs: 0, ...options });
  stores.push(s);
  return s;
}

function draft(name: string, payload?: string): RecordDraft {
  const blocks = payload === undefined ? [] : [{ cid: rawCid(payload), bytes: Buffer.from(payload) }];
  return { fields: { type: 'span', name, input: payload === undefined ? null : rawCid(payload) }, blocks };
}

/** RFC 6962 MTH written out independently of src/merkle.ts, over leaf hashes over leaf hashes given directly (FORMAT.md section 6: a record's leaf hash is its digest). */
function referenceRoot(leafHashes: Buffer[]): string {
  const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
  const mth = (d: Buffer[]): Buffer => {
    if (d.length === 0) return h();
    if (d.length === 1) return d[0]!;
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    return h(Buffer.from([1]), mth(d.slice(0, k)), mth(d.slice(k)));
  };
  return mth(leafHashes).toString('hex');
}

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

/** Makes `logId`'s lock look like it belongs to a crashed process. */
function abandon(dir: string, logId: string): void {
  const lockFile = path.join(dir, 'logs', `${logId}.lock`);
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
  fs.writeFileSync(lockFile, JSON.stringify({ ...lock, pid: deadPid() }) + '\n');
}

describe('merkle root', () => {
  it('matches the RFC 6962 tree over the given leaf hashes for every size from 0 to 70, at once and incrementally', () => {
    const leafHashes: Buffer[] = [];
    const acc = new MerkleAccumulator();
    for (let n = 0; n <= 70; n++) {
      expect(merkleRoot(leafHashes).toString('hex')).toBe(referenceRoot(leafHashes));
      expect(acc.root().toString('hex')).toBe(referenceRoot(leafHashes));
      const h = createHash('sha256').update(`leaf ${n}`).digest();
      leafHashes.push(h);
      acc.addLeafHash(h);
    }
  });
  it("takes a record's leaf hash from its CID: the root over record CIDs is the root over their digests", () => {
    const lines = ['{"a":1}', '{"b":2}', '{"c":3}'];
    const cids = lines.map((l) => dagJsonCid(l));
    const digests = lines.map((l) => createHash('sha256').update(l).digest());
    expect(merkleRootOfRecords(cids).toString('hex')).toBe(referenceRoot(digests));
    // Two leaves: sha256(0x01 || d0 || d1), with no 0x00-prefixed leaf hash.
    expect(merkleRootOfRecords(cids.slice(0, 2)).toString('hex')).toBe(
      createHash('sha256')
        .update(Buffer.from([1]))
        .update(digests[0]!)
        .update(digests[1]!)
        .digest('hex'),
    );
  });
  it('has the empty-tree value sha256("") and a single leaf as its own hash', () => {
    expect(merkleRoot([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const one = createHash('sha256').update('{"a":1}').digest();
    expect(merkleRoot([one]).equals(one)).toBe(true);
  });
  it('rejects a leaf hash that is not 32 bytes, naming the length', () => {
    expect(() => merkleRoot([Buffer.alloc(31)])).toThrow('a leaf or node hash is 32 bytes, got 31');
  });
});

describe('ProvenanceStore', () => {
  it('creates the directory 0700 and every file 0600, whatever the umask', async () => {
    const dir = tmpStoreDir('perm');
    const old = process.umask(0);
    let store: ProvenanceStore;
    try {
      store = open(dir);
    } finally {
      process.umask(old);
    }
    await store.append([draft('a', 'payload')]).durable;
    const id = store.logId;
    expect(mode(dir)).toBe(0o700);
    for (const sub of ['logs', 'blocks', 'checkpoints', 'keys']) expect(mode(path.join(dir, sub))).toBe(0o700);
    for (const f of [`logs/${id}.jsonl`, `logs/${id}.lock`, `blocks/${id}.blocks`, 'keys/ed25519.pem']) expect(mode(path.join(dir, f))).toBe(0o600);
    await store.close();
    expect(fs.existsSync(path.join(dir, `logs/${id}.lock`))).toBe(false);
    expect(mode(path.join(dir, `checkpoints/${id}.000000000001.json`))).toBe(0o600);
  });

  it('holds pid and start time in an exclusive lock file', () => {
    const dir = tmpStoreDir('lock');
    const store = open(dir);
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'logs', `${store.logId}.lock`), 'utf8'));
    // boot id and process start time (Linux): the lock names one incarnation of the writer
    expect(Object.keys(lock)).toEqual(['boot', 'host', 'log', 'pid', 'pstart', 'start']);
    expect(lock.boot).toBe(fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    expect(lock.pstart).toBe(fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[19]);
    expect(lock.pid).toBe(process.pid);
    expect(lock.log).toBe(store.logId);
    expect(/^\d{19}$/.test(lock.start)).toBe(true);
    expect(store.logId).toMatch(new RegExp(`^\\d{8}T\\d{6}Z-${process.pid}-[0-9a-f]{8}$`));
    // A second store in the same directory gets its own log.
    const other = open(dir);
    expect(other.logId).not.toBe(store.logId);
  });

  it('writes signed checkpoints every N records with the RFC 6962 root', async () => {
    const dir = tmpStoreDir('ckpt');
    const store = open(dir, { checkpointEvery: 3 });
    for (let i = 0; i < 7; i++) await store.append([draft(`r${i}`)]).durable;
    const id = store.logId;
    expect(fs.readdirSync(path.join(dir, 'checkpoints')).sort()).toEqual([`${id}.000000000003.json`, `${id}.000000000006.json`]);
    await store.close();
    const files = fs.readdirSync(path.join(dir, 'checkpoints')).sort();
    expect(files).toEqual([`${id}.000000000003.json`, `${id}.000000000006.json`, `${id}.000000000007.json`]);

    const lines = readLines(dir, id);
    const bytes = fs.readFileSync(path.join(dir, 'checkpoints', files[2]!));
    // The file is canonical DAG-JSON as @ipld/dag-json writes it.
    expect(Buffer.from(dagJson.encode(dagJson.decode(bytes))).equals(bytes)).toBe(true);
    const cp = JSON.parse(bytes.toString());
    // the final checkpoint seals the log: its size and its pack's length (FORMAT.md section 6.1)
    expect(Object.keys(cp.statement)).toEqual(['closed', 'key', 'last', 'log', 'root', 'size', 'time', 'type', 'v']);
    expect(cp.statement.closed).toEqual({ packBytes: fs.statSync(path.join(dir, 'blocks', `${id}.blocks`)).size });
    for (const f of files.slice(0, 2)) expect(JSON.parse(fs.readFileSync(path.join(dir, 'checkpoints', f), 'utf8')).statement.closed).toBe(undefined);
    expect(cp.statement.log).toBe(id);
    expect(cp.statement.size).toBe(7);
    // A record's leaf hash is the sha2-256 digest inside its CID (37 bytes: 0x01 0xa9 0x02 0x12 0x20 + the digest of the line).
    const cids = await Promise.all(lines.map((l) => mfCidBytes(DAG_JSON, l)));
    expect(cids.map((b) => b.subarray(0, 5).toString('hex'))).toEqual(lines.map(() => '01a9021220'));
    expect(cids.every((b) => b.length === 37)).toBe(true);
    expect(cids.map((b) => b.subarray(5).toString('hex'))).toEqual(lines.map((l) => createHash('sha256').update(l).digest('hex')));
    expect(cp.statement.root).toBe(referenceRoot(cids.map((b) => b.subarray(5))));
    expect(cp.statement.v).toBe(2);
    expect(cp.statement.last).toEqual({ '/': await mfCid(DAG_JSON, lines[6]!) });
    const pub = Buffer.from(cp.publicKey['/'].bytes, 'base64');
    expect(cp.statement.key).toBe(createHash('sha256').update(pub).digest('hex'));
    const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]), format: 'der', type: 'spki' });
    const signed = Buffer.from(dagJson.encode(dagJson.decode(Buffer.from(JSON.stringify(cp.statement)))));
    expect(verify(null, signed, key, Buffer.from(cp.signature['/'].bytes, 'base64'))).toBe(true);
    expect(verifyCheckpointBytes(bytes).ok).toBe(true);
    // A changed byte breaks it.
    const tampered = Buffer.from(bytes.toString().replace('"size":7', '"size":8'));
    expect(verifyCheckpointBytes(tampered)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('keeps one key per store, readable only by the owner', () => {
    const dir = tmpStoreDir('key');
    const a = open(dir);
    const b = open(dir);
    expect(a.publicKeyFingerprint).toBe(b.publicKeyFingerprint);
    expect(fs.readFileSync(path.join(dir, 'keys/ed25519.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('cuts a torn last line of an abandoned log and records the cut in the new log', async () => {
    const dir = tmpStoreDir('torn');
    const crashed = open(dir, { checkpointEvery: 0 });
    await crashed.append([draft('one', 'p1'), draft('two', 'p2')]).durable;
    const oldId = crashed.logId;
    const logFile = path.join(dir, 'logs', `${oldId}.jsonl`);
    const intact = fs.readFileSync(logFile);
    const torn = Buffer.from('{"attributes":{},"dropped":[],"end":"17');
    fs.appendFileSync(logFile, torn);
    abandon(dir, oldId);

    const next = open(dir);
    expect(next.logId).not.toBe(oldId);
    // Old log: cut back to its complete lines.
    expect(fs.readFileSync(logFile).equals(intact)).toBe(true);
    // New log: seq 0 witnesses the old log (no checkpoint: size 0), seq 1 is the cut record, naming
    // offset, length and sha256 of the cut bytes; seq 2 records the two records no checkpoint signed as
    // unverified.
    const lines = readLines(dir, next.logId);
    expect(lines.length).toBe(3);
    const witness = JSON.parse(lines[0]!.toString());
    expect(witness).toEqual({ v: 2, type: 'witness', log: next.logId, seq: 0, prev: null, time: witness.time, logs: [{ last: null, log: oldId, size: 0 }] });
    const cut = JSON.parse(lines[1]!.toString());
    const tornCid = await mfCid(RAW, torn);
    expect(cut).toEqual({
      v: 2,
      type: 'cut',
      log: next.logId,
      seq: 1,
      prev: { '/': await mfCid(DAG_JSON, lines[0]!) },
      time: cut.time,
      target: oldId,
      file: `logs/${oldId}.jsonl`,
      offset: intact.length,
      length: torn.length,
      sha256: createHash('sha256').update(torn).digest('hex'),
      block: { '/': tornCid },
    });
    expect((await readAllBlocks(dir)).get(tornCid)!.equals(torn)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'logs', `${oldId}.recovered`))).toBe(true);
    // Recovery signs nothing: the dead writer never checkpointed its two records, so they are pinned
    // (Merkle root, last CID) by an `unverified` record, not vouched for by a checkpoint.
    expect(fs.readdirSync(path.join(dir, 'checkpoints')).filter((f) => f.startsWith(oldId))).toEqual([]);
    const oldLines = readLines(dir, oldId);
    const unverified = JSON.parse(lines[2]!.toString());
    expect(unverified).toEqual({
      v: 2,
      type: 'unverified',
      log: next.logId,
      seq: 2,
      prev: { '/': await mfCid(DAG_JSON, lines[1]!) },
      time: unverified.time,
      target: oldId,
      file: `logs/${oldId}.jsonl`,
      from: 0,
      size: 2,
      root: referenceRoot((await Promise.all(oldLines.map((l) => mfCidBytes(DAG_JSON, l)))).map((b) => b.subarray(5))),
      last: await mfCid(DAG_JSON, oldLines[1]!),
    });
    // A third store does not recover it again: it only witnesses the two logs.
    const third = open(dir);
    expect(readLines(dir, third.logId).map((l) => JSON.parse(l.toString()).type)).toEqual(['witness']);
  });

  it('never repairs damage before the last line: the old log stays byte-for-byte, a new log records the damage', async () => {
    const dir = tmpStoreDir('damage');
    const crashed = open(dir, { checkpointEvery: 0 });
    await crashed.append([draft('one'), draft('two'), draft('three')]).durable;
    const oldId = crashed.logId;
    const logFile = path.join(dir, 'logs', `${oldId}.jsonl`);
    const content = fs.readFileSync(logFile).toString().replace('"name":"two"', '"name":"TWO"') + '{"torn';
    fs.writeFileSync(logFile, content);
    abandon(dir, oldId);
    const before = fs.readFileSync(logFile);
    const packBefore = fs.readFileSync(path.join(dir, 'blocks', `${oldId}.blocks`));

    const next = open(dir);
    expect(fs.readFileSync(logFile).equals(before)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'blocks', `${oldId}.blocks`)).equals(packBefore)).toBe(true);
    expect(logFiles(dir)).toEqual([`${oldId}.jsonl`, `${next.logId}.jsonl`].sort());
    const [witness, line] = readLines(dir, next.logId);
    expect(JSON.parse(witness!.toString()).logs).toEqual([{ last: null, log: oldId, size: 0 }]);
    const rec = JSON.parse(line!.toString());
    expect(rec).toEqual({
      v: 2,
      type: 'damage',
      log: next.logId,
      seq: 1,
      prev: { '/': await mfCid(DAG_JSON, witness!) },
      time: rec.time,
      target: oldId,
      file: `logs/${oldId}.jsonl`,
      line: 3,
      reason: rec.reason,
    });
    expect(rec.reason).toMatch(/^prev is "baguqee[a-z2-7]+", expected "baguqee[a-z2-7]+"$/);
    expect(fs.readdirSync(path.join(dir, 'checkpoints')).filter((f) => f.startsWith(oldId))).toEqual([]);
    // New appends go to the new log.
    await next.append([draft('four')]).durable;
    expect(readLines(dir, next.logId).length).toBe(3);
    expect(fs.readFileSync(logFile).equals(before)).toBe(true);
  });

  it('leaves logs of live writers alone', async () => {
    const dir = tmpStoreDir('live');
    const live = open(dir);
    await live.append([draft('x')]).durable;
    fs.appendFileSync(path.join(dir, 'logs', `${live.logId}.jsonl`), '{"partial');
    const other = open(dir);
    // nothing recovered: its only record witnesses the live log (no checkpoint yet: size 0)
    expect(readLines(dir, other.logId).map((l) => JSON.parse(l.toString()).logs)).toEqual([[{ last: null, log: live.logId, size: 0 }]]);
    expect(fs.readFileSync(path.join(dir, 'logs', `${live.logId}.jsonl`), 'utf8').endsWith('{"partial')).toBe(true);
    expect(fs.existsSync(path.join(dir, 'logs', `${live.logId}.recovered`))).toBe(false);
    fs.truncateSync(path.join(dir, 'logs', `${live.logId}.jsonl`), fs.statSync(path.join(dir, 'logs', `${live.logId}.jsonl`)).size - 9);
  });

  it('writes blocks before records and dedups blocks within a log', async () => {
    const dir = tmpStoreDir('dedup');
    const store = open(dir, { durability: 'none' });
    const r = store.append([draft('a', 'same'), draft('b', 'same'), draft('c', 'other')]);
    expect(r.records.map((x) => (x instanceof Error ? x.message : x.seq))).toEqual([0, 1, 2]);
    await r.durable;
    await store.flush();
    const blocks = await readAllBlocks(dir);
    expect([...blocks.keys()].sort()).toEqual([await mfCid(RAW, Buffer.from('same')), await mfCid(RAW, Buffer.from('other'))].sort());
    expect(fs.statSync(path.join(dir, 'blocks', `${store.logId}.blocks`)).size).toBe(2 * (1 + 36) + 4 + 5);
  });

  it('writes the appends queued before their write starts together, in order, each settling once it is durable', async () => {
    const dir = tmpStoreDir('merged');
    const store = open(dir);
    // Queued in one turn: one write (and fdatasync) per file for all four, so even the first settles
    // only when all five records are durable.
    const first = store.append([draft('a', 'x')]);
    const rest = [store.append([draft('b', 'x'), draft('c', 'y')]), store.append([draft('d', 'z')]), store.append([draft('e')])];
    const settled: string[] = [];
    await Promise.all([first, ...rest].map((r, i) => r.durable.then(() => settled.push(`${i}:${store.durableSize}`))));
    expect(settled).toEqual(['0:5', '1:5', '2:5', '3:5']);
    const lines = readLines(dir, store.logId).map((l) => JSON.parse(l.toString()));
    expect(lines.map((l) => [l.seq, l.name])).toEqual([
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
      [3, 'd'],
      [4, 'e'],
    ]);
    const blocks = await readAllBlocks(dir);
    expect([...blocks.keys()].sort()).toEqual(
      [await mfCid(RAW, Buffer.from('x')), await mfCid(RAW, Buffer.from('y')), await mfCid(RAW, Buffer.from('z'))].sort(),
    );
    await store.close();
    const report = verifyStore(dir);
    expect(report.failures).toEqual([]);
  });

  it('keeps a draft that cannot be encoded out of the chain and stores the rest', async () => {
    const dir = tmpStoreDir('baddraft');
    const store = open(dir);
    const r = store.append([draft('a'), { fields: { type: 'span', bad: NaN }, blocks: [] }, draft('c')]);
    await r.durable;
    expect(r.records.map((x) => (x instanceof Error ? x.message : x.seq))).toEqual([0, 'DAG-JSON cannot encode NaN (at .bad)', 1]);
    const lines = readLines(dir, store.logId).map((l) => JSON.parse(l.toString()));
    expect(lines.map((l) => [l.seq, l.name, l.prev === null ? null : 'link'])).toEqual([
      [0, 'a', null],
      [1, 'c', 'link'],
    ]);
  });

  it('with durability none or interval, records are written and synced by flush and the interval timer', async () => {
    const dir = tmpStoreDir('durability');
    const none = open(dir, { durability: 'none' });
    await none.append([draft('n1', 'np')]).durable;
    await none.flush();
    expect(readLines(dir, none.logId).map((l) => JSON.parse(l.toString()).name)).toEqual(['n1']);
    // The interval timer is driven by hand: its tick starts a flush, which the test awaits.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const interval = open(dir, { durability: 'interval', fsyncIntervalMs: 20 });
      const writer = (interval as unknown as { writer: { flush(): Promise<void>; current: { dirty: boolean } } }).writer;
      const flushes = promisesReturnedBy(writer, 'flush');
      await interval.append([draft('i1')]).durable;
      // its witness record (of the first log), then the record
      expect(readLines(dir, interval.logId).map((l) => JSON.parse(l.toString()).type)).toEqual(['witness', 'span']);
      // Written, not yet fsynced: the log is dirty until the timer's flush.
      expect(writer.current.dirty).toBe(true);
      vi.advanceTimersByTime(20);
      expect(flushes).toHaveLength(1);
      await flushes[0];
      expect(writer.current.dirty).toBe(false);
      expect(interval.durableSize).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes a checkpoint on the interval timer when records were added', async () => {
    const dir = tmpStoreDir('ckpt-interval');
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const store = open(dir, { checkpointEvery: 0, checkpointIntervalMs: 30 });
      const checkpoints = promisesReturnedBy(store, 'checkpoint');
      await store.append([draft('a'), draft('b')]).durable;
      const file = path.join(dir, 'checkpoints', `${store.logId}.000000000002.json`);
      expect(fs.existsSync(file)).toBe(false);
      vi.advanceTimersByTime(30);
      expect(checkpoints).toHaveLength(1);
      await checkpoints[0];
      expect(verifyCheckpointBytes(fs.readFileSync(file)).checkpoint!.statement.size).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('after a failed write, fails that append and continues in a new log with a closing checkpoint for the old one', async () => {
    const dir = tmpStoreDir('writefail');
    const warnings: string[] = [];
    const store = open(dir, { onWarning: (m) => warnings.push(m) });
    await store.append([draft('good')]).durable;
    const oldId = store.logId;
    // Pull the file descriptor away underneath the store: the next write fails with EBADF.
    fs.closeSync((store as unknown as { writer: { current: { logFd: number } } }).writer.current.logFd);
    (store as unknown as { writer: { current: { logFd: number } } }).writer.current.logFd = fs.openSync(path.join(dir, 'logs', `${oldId}.jsonl`), 'r');
    await expect(store.append([draft('lost')]).durable).rejects.toThrow(/EBADF|bad file descriptor/i);
    expect(warnings).toEqual([
      `log ${oldId} failed (EBADF: bad file descriptor, write): its first 1 records are kept and sealed; records are not stored until a new log opens (retrying)`,
    ]);
    const r = store.append([draft('next')]);
    await r.durable;
    expect(store.logId).not.toBe(oldId);
    expect(store.logIds).toEqual([oldId, store.logId]);
    // the new log's first record witnesses the failed (sealed) log, the next counts what could not be stored
    const oldHead = await mfCid(DAG_JSON, readLines(dir, oldId)[0]!);
    expect(
      readLines(dir, store.logId)
        .map((l) => JSON.parse(l.toString()))
        .map((x) => [x.seq, x.type, x.name ?? x.count ?? x.logs]),
    ).toEqual([
      [0, 'witness', [{ last: oldHead, log: oldId, size: 1 }]],
      [1, 'dropped', 1],
      [2, 'span', 'next'],
    ]);
    expect(warnings[1]).toMatch(new RegExp(`^writing again, to new log ${store.logId}: 1 records could not be stored since `));
    expect(readLines(dir, oldId).map((l) => JSON.parse(l.toString()).name)).toEqual(['good']);
    expect(fs.existsSync(path.join(dir, 'logs', `${oldId}.lock`))).toBe(false);
    expect(verifyCheckpointBytes(fs.readFileSync(path.join(dir, 'checkpoints', `${oldId}.000000000001.json`))).ok).toBe(true);
  });

  it('after a failed synchronous append (recovery records), the next append starts a new log instead of chaining to the lost record', async () => {
    const dir = tmpStoreDir('syncwritefail');
    const warnings: string[] = [];
    const store = open(dir, { onWarning: (m) => warnings.push(m) });
    await store.append([draft('good')]).durable;
    const oldId = store.logId;
    fs.closeSync((store as unknown as { writer: { current: { logFd: number } } }).writer.current.logFd);
    (store as unknown as { writer: { current: { logFd: number } } }).writer.current.logFd = fs.openSync(path.join(dir, 'logs', `${oldId}.jsonl`), 'r');
    expect(() => store.appendSync([draft('lost')])).toThrow(/EBADF|bad file descriptor/i);
    expect(warnings).toEqual([
      `log ${oldId} failed (EBADF: bad file descriptor, write): its first 1 records are kept and sealed; records are not stored until a new log opens (retrying)`,
    ]);
    await store.append([draft('next')]).durable;
    expect(store.logId).not.toBe(oldId);
    expect(
      readLines(dir, store.logId)
        .map((l) => JSON.parse(l.toString()))
        .map((x) => [x.seq, x.type, x.name ?? x.reason]),
    ).toEqual([
      [0, 'witness', undefined],
      [1, 'dropped', 'store unavailable'],
      [2, 'span', 'next'],
    ]);
    expect(readLines(dir, oldId).map((l) => JSON.parse(l.toString()).name)).toEqual(['good']);
    await store.close();
    const report = verifyStore(dir);
    expect(report.failures).toEqual([]);
    // logs are listed by id; both started in the same second here, so their order is the random suffix's
    expect(report.logs.map((l) => [l.log, l.records, l.signedSize])).toEqual(
      [
        [oldId, 1, 1],
        [store.logId, 3, 3],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
  });

  it('reads options from the environment and rejects bad values by name', () => {
    expect(
      resolveStoreOptions(
        {},
        {
          LLM_PROVENANCE_DIR: '/tmp/x',
          LLM_PROVENANCE_DURABILITY: 'interval',
          LLM_PROVENANCE_CHECKPOINT_EVERY: '5',
          LLM_PROVENANCE_CHECKPOINT_INTERVAL_MS: '0',
        },
      ),
    ).toMatchObject({
      dir: '/tmp/x',
      durability: 'interval',
      checkpointEvery: 5,
      checkpointIntervalMs: 0,
      fsyncIntervalMs: 1000,
    });
    expect(resolveStoreOptions({}, {}).dir).toBe(path.resolve('.llm-provenance'));
    expect(() => resolveStoreOptions({}, { LLM_PROVENANCE_DURABILITY: 'sometimes' })).toThrow(
      `durability must be 'batch', 'interval' or 'none', got "sometimes"`,
    );
    expect(() => resolveStoreOptions({}, { LLM_PROVENANCE_CHECKPOINT_EVERY: 'ten' })).toThrow(
      'LLM_PROVENANCE_CHECKPOINT_EVERY must be a non-negative integer, got "ten"',
    );
    expect(() => resolveStoreOptions({ checkpointEvery: -1 })).toThrow('option checkpointEvery must be a non-negative integer, got -1');
  });
});

/** Wraps `obj[method]` so that every promise it returns is collected, in call order. */
function promisesReturnedBy<T extends object, K extends keyof T>(obj: T, method: K): Promise<unknown>[] {
  const returned: Promise<unknown>[] = [];
  const original = obj[method] as unknown as (...args: unknown[]) => Promise<unknown>;
  (obj as Record<K, unknown>)[method] = (...args: unknown[]) => {
    const p = original.apply(obj, args);
    returned.push(p);
    return p;
  };
  return returned;
}
