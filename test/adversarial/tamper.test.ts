/**
 * Family 4, tampering: each class below is a named edit an attacker (or an unlucky operator) could make to
 * a real store written by the real exporter (the OTel SDK's BatchSpanProcessor into CidSpanExporter,
 * packages/cid-exporter/test/verify-fixture.ts), and each is asserted to be rejected by verify with the
 * failure kind it implies (or, for the key file, refused as an input error naming the file). A class verify
 * accepted would be a false accept.
 *
 * The store: log A (100 records in batches of 25: a checkpoint at 50 and a seal at 100) then log B (50
 * records, written after A closed) in one directory, each by the exporter child
 * (packages/cid-exporter/test/fixtures/export-child.cjs); a second store, with its own key, supplies
 * foreign records and a key.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  dagJsonCid,
  encodeCheckpoint,
  loadOrCreateKey,
  ProvenanceStore,
  rawCid,
  signStatement,
  verifyCheckpointBytes,
  verifyStore,
  type FailureKind,
} from '@llm-provenance/cid-exporter';
import { copyStore, deadPid, lines, logPath, packPath, packSections, tmpDir, writeLines } from '../../packages/cid-exporter/test/verify-fixture.js';
import { runExportChild } from '../../packages/cid-exporter/test/export-child-runner.js';
import { tally } from './tally.js';

const summary = tally('tamper classes');

interface Ctx {
  dir: string;
  a: string;
  b: string;
  /** The other store (another key) and its log. */
  other: string;
  otherLog: string;
  /** did:key of the store's own key, as verify reported it on the untouched store. */
  did: string;
}

/**
 * What verify must say: the kind of its first failure, or an input error matching `throws`, or (for a
 * class only store-level witnessing can see, FORMAT.md section 2) just that the store fails.
 */
type Expected = { kind: FailureKind; file?: (ctx: Ctx) => string } | { throws: RegExp };

interface TamperClass {
  name: string;
  tamper: (ctx: Ctx) => void | Promise<void>;
  expected: Expected;
  /** verify with the key pinned (trustedKeys), as an auditor holding the exported key would. */
  pinKey?: boolean;
}

/**
 * Classes verify does not detect yet: they need the logs written after a log to commit to its head
 * (store-level witnessing). Each runs as `it.fails` until then; remove a name here once it is detected.
 */
const checkpointFile = (ctx: Ctx, log: string, size: number) => path.join(ctx.dir, 'checkpoints', `${log}.${String(size).padStart(12, '0')}.json`);
const checkpointsOf = (ctx: Ctx, log: string) =>
  fs
    .readdirSync(path.join(ctx.dir, 'checkpoints'))
    .filter((f) => f.startsWith(`${log}.`))
    .sort();
const flipByte = (file: string, at: (bytes: Buffer) => number) => {
  const bytes = fs.readFileSync(file);
  bytes[at(bytes)] ^= 0x01;
  fs.writeFileSync(file, bytes);
};
const plantLock = (ctx: Ctx, log: string) =>
  fs.writeFileSync(path.join(ctx.dir, 'logs', `${log}.lock`), JSON.stringify({ host: os.hostname(), log, pid: deadPid(), start: '1' }) + '\n');
/** A well-formed next record after the last line of `log`: the chain holds, nothing signs it. */
const forgedNext = (ctx: Ctx, log: string) => {
  const ls = lines(ctx.dir, log);
  const last = ls.at(-1)!.toString();
  const rec = JSON.parse(last) as Record<string, unknown>;
  const text = last
    .replace(`"seq":${String(rec['seq'])}`, `"seq":${Number(rec['seq']) + 1}`)
    .replace(/"prev":\{"\/":"[a-z0-9]+"\}/, `"prev":{"/":"${dagJsonCid(ls.at(-1)!).toString()}"}`);
  return Buffer.from(text);
};
/** Rewrites `prev` of every line after `from` so the chain holds again (an attacker without the key). */
const rechain = (ls: Buffer[], from: number) => {
  for (let i = from + 1; i < ls.length; i++) {
    ls[i] = Buffer.from(ls[i]!.toString().replace(/"prev":\{"\/":"[a-z0-9]+"\}/, `"prev":{"/":"${dagJsonCid(ls[i - 1]!).toString()}"}`));
  }
};
/** A CARv1 section holding `bytes` as a raw block. */
const rawSection = (bytes: Buffer) => {
  const cid = Buffer.from(rawCid(bytes).bytes);
  return Buffer.concat([Buffer.from([cid.length + bytes.length]), cid, bytes]);
};

const logFile = (log: 'a' | 'b') => (ctx: Ctx) => `logs/${ctx[log]}.jsonl`;

const CLASSES: TamperClass[] = [
  {
    name: 'byte flip in a record',
    tamper: (ctx) => flipByte(logPath(ctx.dir, ctx.a), (b) => b.indexOf('"gen_ai.request.model":"') + 25),
    expected: { kind: 'modified', file: logFile('a') },
  },
  {
    name: 'byte flip in a payload block of a pack',
    tamper: (ctx) => flipByte(packPath(ctx.dir, ctx.a), (b) => packSections(b)[3]!.dataOffset + 2),
    expected: { kind: 'modified' },
  },
  {
    name: 'byte flip in a checkpoint signature',
    // A base64 character replaced by another one (a bit flip could make it a character base64 has not:
    // then the checkpoint is refused as non-canonical before its signature is checked).
    tamper: (ctx) => {
      const file = checkpointFile(ctx, ctx.a, 50);
      const bytes = fs.readFileSync(file);
      const at = bytes.indexOf('"signature":{"/":{"bytes":"') + 30;
      bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41; // 'A' or 'B'
      fs.writeFileSync(file, bytes);
    },
    expected: { kind: 'bad signature' },
  },
  {
    name: 'checkpoint statement edited (size and root of another checkpoint, old signature)',
    tamper: (ctx) => {
      const cp = fs.readFileSync(checkpointFile(ctx, ctx.a, 50), 'utf8');
      fs.writeFileSync(checkpointFile(ctx, ctx.a, 50), cp.replace(/"root":"[0-9a-f]+"/, `"root":"${'0'.repeat(64)}"`));
    },
    expected: { kind: 'bad signature' },
  },
  {
    name: 'closed log truncated by whole records',
    tamper: (ctx) => writeLines(ctx.dir, ctx.a, lines(ctx.dir, ctx.a).slice(0, 97)),
    expected: { kind: 'truncated since checkpoint', file: logFile('a') },
  },
  {
    name: 'closed log truncated inside a line',
    tamper: (ctx) => {
      const file = logPath(ctx.dir, ctx.a);
      fs.truncateSync(file, fs.statSync(file).size - 40);
    },
    expected: { kind: 'truncated since checkpoint', file: logFile('a') },
  },
  {
    name: 'pack truncated inside its last section',
    tamper: (ctx) => {
      const file = packPath(ctx.dir, ctx.a);
      fs.truncateSync(file, fs.statSync(file).size - 10);
    },
    // the first break is the record whose payload block was in the lost bytes; the pack's length is named after it
    expected: { kind: 'missing payload', file: logFile('a') },
  },
  {
    name: 'two lines reordered',
    tamper: (ctx) => {
      const ls = lines(ctx.dir, ctx.a);
      [ls[5], ls[6]] = [ls[6]!, ls[5]!];
      writeLines(ctx.dir, ctx.a, ls);
    },
    expected: { kind: 'reordered', file: logFile('a') },
  },
  {
    name: 'a line duplicated',
    tamper: (ctx) => {
      const ls = lines(ctx.dir, ctx.a);
      ls.splice(12, 0, ls[11]!);
      writeLines(ctx.dir, ctx.a, ls);
    },
    expected: { kind: 'inserted', file: logFile('a') },
  },
  {
    name: 'a line deleted from the middle',
    tamper: (ctx) =>
      writeLines(
        ctx.dir,
        ctx.a,
        lines(ctx.dir, ctx.a).filter((_, i) => i !== 14),
      ),
    expected: { kind: 'deleted', file: logFile('a') },
  },
  {
    name: 'whole pack duplicated into another pack file with one byte of the copy corrupted',
    tamper: (ctx) => {
      const copy = fs.readFileSync(packPath(ctx.dir, ctx.a));
      copy[packSections(copy)[2]!.dataOffset + 1] ^= 0x01;
      fs.writeFileSync(path.join(ctx.dir, 'blocks', `${ctx.a}-copy.blocks`), copy);
    },
    expected: { kind: 'modified' },
  },
  {
    name: 'pack doubled in place (every block twice), the second copy of one block corrupted',
    tamper: (ctx) => {
      const pack = fs.readFileSync(packPath(ctx.dir, ctx.a));
      const copy = Buffer.from(pack);
      copy[packSections(copy)[4]!.dataOffset + 3] ^= 0x01;
      fs.writeFileSync(packPath(ctx.dir, ctx.a), Buffer.concat([pack, copy]));
    },
    expected: { kind: 'modified' },
  },
  {
    name: "a record of another store's log spliced into a log",
    tamper: (ctx) => {
      const ls = lines(ctx.dir, ctx.a);
      ls.splice(9, 0, lines(ctx.other, ctx.otherLog)[2]!);
      writeLines(ctx.dir, ctx.a, ls);
    },
    expected: { kind: 'foreign record spliced in', file: logFile('a') },
  },
  {
    name: 'a record of log B spliced into log A',
    tamper: (ctx) => {
      const ls = lines(ctx.dir, ctx.a);
      ls.splice(20, 0, lines(ctx.dir, ctx.b)[3]!);
      writeLines(ctx.dir, ctx.a, ls);
    },
    expected: { kind: 'foreign record spliced in', file: logFile('a') },
  },
  {
    name: "a block of log B's pack spliced into log A's pack",
    tamper: (ctx) => {
      const b = fs.readFileSync(packPath(ctx.dir, ctx.b));
      const s = packSections(b).at(-1)!;
      fs.appendFileSync(packPath(ctx.dir, ctx.a), b.subarray(s.offset, s.end));
    },
    expected: { kind: 'inserted', file: (ctx) => `blocks/${ctx.a}.blocks` },
  },
  {
    name: 'an old checkpoint replayed over the seal',
    tamper: (ctx) => fs.copyFileSync(checkpointFile(ctx, ctx.a, 50), checkpointFile(ctx, ctx.a, 100)),
    expected: { kind: 'modified', file: (ctx) => `checkpoints/${ctx.a}.000000000100.json` },
  },
  {
    name: 'the seal deleted',
    tamper: (ctx) => fs.rmSync(checkpointFile(ctx, ctx.a, 100)),
    expected: { kind: 'inserted', file: logFile('a') },
  },
  {
    name: 'every checkpoint of a log deleted',
    tamper: (ctx) => {
      for (const f of checkpointsOf(ctx, ctx.a)) fs.rmSync(path.join(ctx.dir, 'checkpoints', f));
    },
    expected: { kind: 'inserted', file: logFile('a') },
  },
  {
    name: "a checkpoint of log B copied in under log A's name",
    // Log B's only checkpoint is its seal (a witness record and 50 spans: 51 records), at a size log A has records for.
    tamper: (ctx) => fs.copyFileSync(checkpointFile(ctx, ctx.b, 51), checkpointFile(ctx, ctx.a, 51)),
    expected: { kind: 'foreign record spliced in', file: (ctx) => `checkpoints/${ctx.a}.000000000051.json` },
  },
  {
    name: 'key swapped for another key (checkpoints left alone)',
    tamper: (ctx) => fs.copyFileSync(path.join(ctx.other, 'keys', 'ed25519.pem'), path.join(ctx.dir, 'keys', 'ed25519.pem')),
    expected: { kind: 'bad signature' },
  },
  {
    name: 'key swapped and every checkpoint re-signed with it (auditor pins the exported key)',
    pinKey: true,
    tamper: (ctx) => {
      fs.copyFileSync(path.join(ctx.other, 'keys', 'ed25519.pem'), path.join(ctx.dir, 'keys', 'ed25519.pem'));
      const key = loadOrCreateKey(ctx.other);
      for (const f of fs.readdirSync(path.join(ctx.dir, 'checkpoints'))) {
        const file = path.join(ctx.dir, 'checkpoints', f);
        const { statement } = verifyCheckpointBytes(fs.readFileSync(file)).checkpoint!;
        fs.writeFileSync(file, encodeCheckpoint(signStatement({ ...statement, key: key.fingerprint }, key)));
      }
    },
    expected: { kind: 'bad signature' },
  },
  {
    name: 'PEM key file: trailing blank line',
    tamper: (ctx) => fs.appendFileSync(path.join(ctx.dir, 'keys', 'ed25519.pem'), '\n'),
    expected: { throws: /was edited: it is not byte for byte the PKCS#8 PEM/ },
  },
  {
    name: 'PEM key file: CRLF line ends',
    tamper: (ctx) => {
      const file = path.join(ctx.dir, 'keys', 'ed25519.pem');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
    },
    expected: { throws: /was edited: it is not byte for byte the PKCS#8 PEM/ },
  },
  {
    name: 'PEM key file: base64 re-wrapped at 40 columns',
    tamper: (ctx) => {
      const file = path.join(ctx.dir, 'keys', 'ed25519.pem');
      const pem = fs.readFileSync(file, 'utf8');
      const body = pem.split('\n').slice(1, -2).join('');
      fs.writeFileSync(file, `-----BEGIN PRIVATE KEY-----\n${body.match(/.{1,40}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`);
    },
    expected: { throws: /was edited: it is not byte for byte the PKCS#8 PEM/ },
  },
  {
    name: 'lock planted beside a sealed log, with a forged record appended',
    tamper: (ctx) => {
      fs.appendFileSync(logPath(ctx.dir, ctx.a), Buffer.concat([forgedNext(ctx, ctx.a), Buffer.from('\n')]));
      plantLock(ctx, ctx.a);
    },
    expected: { kind: 'inserted', file: logFile('a') },
  },
  {
    name: 'lock planted beside a sealed log, with a torn line appended',
    tamper: (ctx) => {
      fs.appendFileSync(logPath(ctx.dir, ctx.a), '{"v":2,"type":"sp');
      plantLock(ctx, ctx.a);
    },
    expected: { kind: 'inserted', file: logFile('a') },
  },
  {
    name: 'lock and `.recovered` planted beside a sealed log, with a forged record appended',
    tamper: (ctx) => {
      fs.appendFileSync(logPath(ctx.dir, ctx.a), Buffer.concat([forgedNext(ctx, ctx.a), Buffer.from('\n')]));
      plantLock(ctx, ctx.a);
      fs.writeFileSync(path.join(ctx.dir, 'logs', `${ctx.a}.recovered`), JSON.stringify({ by: ctx.b, pid: deadPid(), time: '1' }) + '\n');
    },
    expected: { kind: 'inserted', file: logFile('a') },
  },
  {
    name: 'forged tail behind a planted lock, then the next writer opens the store (recovery must not sign it)',
    tamper: async (ctx) => {
      fs.appendFileSync(logPath(ctx.dir, ctx.a), Buffer.concat([forgedNext(ctx, ctx.a), Buffer.from('\n')]));
      plantLock(ctx, ctx.a);
      const store = ProvenanceStore.open({ dir: ctx.dir, checkpointIntervalMs: 0 });
      await store.close();
    },
    expected: { kind: 'inserted', file: logFile('a') },
  },
  {
    name: 'a well-formed block appended to a sealed pack',
    tamper: (ctx) => fs.appendFileSync(packPath(ctx.dir, ctx.a), rawSection(Buffer.from('planted payload'))),
    expected: { kind: 'extra block' },
  },
  {
    name: 'an unreached block inserted between the sections of a sealed pack (pack length kept by dropping its last block)',
    tamper: (ctx) => {
      const pack = fs.readFileSync(packPath(ctx.dir, ctx.a));
      const ss = packSections(pack);
      fs.writeFileSync(packPath(ctx.dir, ctx.a), Buffer.concat([pack.subarray(0, ss[1]!.offset), rawSection(Buffer.from('x')), pack.subarray(ss[1]!.offset)]));
    },
    expected: { kind: 'extra block' },
  },
  {
    name: 'a record field edited and the chain re-hashed after it (no key to re-sign)',
    tamper: (ctx) => {
      const ls = lines(ctx.dir, ctx.a);
      ls[25] = Buffer.from(ls[25]!.toString().replace('"gen_ai.request.model":"test-model"', '"gen_ai.request.model":"fake-model"'));
      rechain(ls, 25);
      writeLines(ctx.dir, ctx.a, ls);
    },
    expected: { kind: 'modified', file: logFile('a') },
  },
  {
    name: 'a record re-encoded non-canonically (a space after a colon)',
    tamper: (ctx) => {
      const ls = lines(ctx.dir, ctx.a);
      ls[3] = Buffer.from(ls[3]!.toString().replace('"seq":3', '"seq": 3'));
      writeLines(ctx.dir, ctx.a, ls);
    },
    expected: { kind: 'non-canonical encoding', file: logFile('a') },
  },
  {
    name: 'an older log deleted with its checkpoints and pack',
    tamper: (ctx) => {
      fs.rmSync(logPath(ctx.dir, ctx.a));
      fs.rmSync(packPath(ctx.dir, ctx.a));
      for (const f of checkpointsOf(ctx, ctx.a)) fs.rmSync(path.join(ctx.dir, 'checkpoints', f));
    },
    expected: { kind: 'deleted', file: (ctx) => `logs/${ctx.a}.jsonl` },
  },
  {
    name: 'rollback: a log cut back to an old checkpoint, its pack to match, its newer checkpoints deleted',
    tamper: (ctx) => {
      writeLines(ctx.dir, ctx.a, lines(ctx.dir, ctx.a).slice(0, 50));
      fs.rmSync(checkpointFile(ctx, ctx.a, 100));
      // The attacker cuts the pack back section by section until verify has nothing left to say about it.
      const file = packPath(ctx.dir, ctx.a);
      const pack = fs.readFileSync(file);
      for (const s of packSections(pack).reverse()) {
        fs.writeFileSync(file, pack.subarray(0, s.offset));
        if (!verifyStore(ctx.dir).failures.some((f) => f.file === `blocks/${ctx.a}.blocks` || f.kind === 'missing payload')) return;
      }
    },
    expected: { kind: 'deleted', file: (ctx) => `logs/${ctx.a}.jsonl` },
  },
];

let base: Ctx;

beforeAll(async () => {
  const dir = path.join(tmpDir('adv-tamper'), 'store');
  const a = (await runExportChild(dir, ['4', '25'])).acked[0]!.log;
  const b = (await runExportChild(dir, ['2', '25'])).acked[0]!.log;
  const other = path.join(tmpDir('adv-tamper-other'), 'store');
  const otherLog = (await runExportChild(other, ['1', '5'])).acked[0]!.log;
  const report = verifyStore(dir);
  expect(report.failures).toEqual([]);
  base = { dir, a, b, other, otherLog, did: report.publicKeys[0]! };
}, 120_000);

describe(`tamper classes (${CLASSES.length}), each on a real store`, () => {
  it('has at least 20 classes', () => expect(CLASSES.length).toBeGreaterThanOrEqual(20));

  const run = async (tc: TamperClass) => {
    const ctx = { ...base, dir: copyStore(base.dir, 'adv-tamper-case') };
    await tc.tamper(ctx);
    summary.cases++;
    let outcome: { threw?: string; ok?: boolean; first?: { kind: string; file: string } };
    try {
      const report = verifyStore(ctx.dir, tc.pinKey ? { trustedKeys: [ctx.did] } : {});
      outcome = { ok: report.ok, first: report.failures[0] && { kind: report.failures[0].kind, file: report.failures[0].file } };
    } catch (error) {
      outcome = { threw: (error as Error).message };
    }
    if (outcome.ok === true) summary.falseAccepts++;
    if ('throws' in tc.expected) {
      expect(outcome.threw).toMatch(tc.expected.throws);
    } else {
      expect(outcome.threw).toBeUndefined();
      expect(outcome.ok).toBe(false);
      expect(outcome.first?.kind).toBe(tc.expected.kind);
      if (tc.expected.file) expect(outcome.first?.file).toBe(tc.expected.file(ctx));
    }
  };
  it.each(CLASSES.map((c) => [c.name, c] as const))('%s: rejected', async (_name, tc) => run(tc));
});
