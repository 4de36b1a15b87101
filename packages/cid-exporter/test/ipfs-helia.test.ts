/**
 * The store published over IPFS between two embedded Helia nodes on loopback (real Helia, libp2p TCP
 * and bitswap; child processes running the CLI): one publishes and serves, the other fetches by manifest
 * CID and verifies; a node serving a tampered block is detected and the block named; a publish killed
 * with SIGKILL and run again sends none of the blocks already sent, and the fetched copy verifies. On
 * Node.js 20 (Helia needs 22+) the commands say so in one line and exit 2.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCar, heliaUnsupported, verifyStore } from '@llm-provenance/cid-exporter';
import { BIN, cli } from './ipfs-cli.js';
import { lines, tmpDir, writeSpans } from './verify-fixture.js';
import { mfCid } from './store-helpers.js';

const unsupported = heliaUnsupported();

/** A CLI child whose stdout is read line by line; `until(re)` resolves with the first line matching. */
class Child {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<{ re: RegExp; resolve: (line: string) => void }> = [];

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.proc = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LLM_PROVENANCE_IPFS_API: '', LLM_PROVENANCE_IPFS_PEERS: '', ...env } });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => (w.re.test(line) ? (w.resolve(line), false) : true));
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
  }

  until(re: RegExp): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.waiters.push({ re, resolve });
      void this.exited.then(({ code }) => reject(new Error(`exited ${code} before ${re}: ${this.stderr}${this.lines.join('\n')}`)));
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    await this.exited;
  }
}

describe.runIf(unsupported)(`on this Node.js (${process.versions.node})`, () => {
  it('publish --helia and verify --from-ipfs --peer say in one line that Helia needs Node.js 22, exit 2', async () => {
    const store = path.join(tmpDir('ipfs-old-node'), 'store');
    await writeSpans(store, 0, 3);
    const line = `the embedded Helia node needs Node.js 22 or newer (this is Node.js ${process.versions.node}); use --kubo URL to publish through a Kubo node instead`;
    expect(await cli(['publish', store])).toEqual({ code: 2, out: [''], err: `llm-provenance publish: ${line}` });
    expect(await cli(['verify', '--from-ipfs', 'baguqeerajuwaucaggzzcmmbkpmqjvvjbssh5hycxxbhepo44solkwdqc2c3q', '--peer', '/ip4/127.0.0.1/tcp/4001'])).toEqual({
      code: 2,
      out: [''],
      err: `llm-provenance verify: ${line}`,
    });
  });
});

describe.skipIf(unsupported)(`two Helia nodes on loopback${unsupported ? ` (skipped: ${unsupported})` : ''}`, () => {
  let store: string;
  let logId: string;
  const children: Child[] = [];

  beforeAll(async () => {
    store = path.join(tmpDir('ipfs-helia'), 'store');
    logId = await writeSpans(store, 0, 150, { checkpointEvery: 50 });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
  });

  const serve = async (args: string[]): Promise<{ child: Child; manifest: string; addr: string }> => {
    const child = new Child(['publish', ...args, '--serve']);
    children.push(child);
    const line = await child.until(/^serving /);
    const [, manifest, addr] = /^serving (\S+) at (\S+)$/.exec(line)!;
    return { child, manifest: manifest!, addr: addr! };
  };

  it('one node publishes and serves the store, the other fetches it by manifest CID and it verifies', async () => {
    const blockstore = path.join(tmpDir('ipfs-helia-a'), 'blocks');
    const { child, manifest, addr } = await serve([store, '--helia', blockstore]);
    expect(addr).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\w+$/);
    const exported = exportCar(store, path.join(tmpDir('ipfs-helia-car'), 'x.car'));
    expect(child.lines[0]).toMatch(
      new RegExp(
        `^published ${store} to helia ${blockstore}: manifest ${manifest}, ${exported.blocks} block\\(s\\), ${exported.blocks} sent \\(\\d+ bytes\\), 0 already there$`,
      ),
    );
    const v = await cli(['verify', '--from-ipfs', manifest, '--peer', addr]);
    expect(v.err).toBe('');
    expect(v.code).toBe(0);
    expect(v.out[0]).toBe(
      `OK car ipfs ${manifest}: 1 log(s), 150 record(s) (150 under verified checkpoints), ${exported.blocks} block(s), ${exported.checkpoints} checkpoint(s)`,
    );
    expect(v.out).toContain(`store head ${verifyStore(store).storeHead.cid} (record it elsewhere; --expect-head checks a store against it)`);
    await child.stop();
  });

  it('a node serving a tampered block: the fetch names the block and verify exits 1', async () => {
    const blockstore = path.join(tmpDir('ipfs-helia-b'), 'blocks');
    const first = new Child(['publish', store, '--helia', blockstore]);
    expect(await first.exited).toEqual({ code: 0, signal: null });
    // overwrite record 7's file in the filesystem blockstore with other bytes
    const line = lines(store, logId)[7]!;
    const cid = await mfCid(0x0129, line);
    const files = fs.readdirSync(blockstore, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    const file = files.map((e) => path.join(e.parentPath, e.name)).find((f) => fs.readFileSync(f).equals(line))!;
    expect(file).toBeDefined();
    fs.writeFileSync(file, Buffer.from(line.toString().replace('"seq":7', '"seq":8')));
    const { manifest, addr } = await serve([store, '--helia', blockstore]);
    const v = await cli(['verify', '--from-ipfs', manifest, '--peer', addr, '--block-timeout', '3000']);
    expect(v.code).toBe(1);
    // bitswap drops a block whose bytes do not hash to the CID wanted: it never arrives, and is named
    expect(v.out[0]).toBe(
      `FAIL missing block: ipfs ${manifest} cid ${cid} - record of log ${logId} ${cid} could not be fetched from helia peers ${addr}: not received within 3000 ms`,
    );
  });

  it('kill -9 during publish, then publish again: nothing already sent is sent again, and the fetched copy verifies', async () => {
    const big = path.join(tmpDir('ipfs-helia-kill'), 'store');
    await writeSpans(big, 0, 600, { checkpointEvery: 200 });
    const blockstore = path.join(tmpDir('ipfs-helia-c'), 'blocks');
    // the killed process cannot remove its temporary export: it goes with this test's folders
    const killed = new Child(['publish', big, '--helia', blockstore, '--verbose'], { TMPDIR: tmpDir('ipfs-helia-kill-tmp') });
    let sentLines = 0;
    await new Promise<void>((resolve) =>
      killed.proc.stdout.on('data', () => {
        sentLines = killed.lines.filter((l) => l.startsWith('sent ')).length;
        if (sentLines >= 40) resolve();
      }),
    );
    killed.proc.kill('SIGKILL');
    expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const sentBefore = new Set(killed.lines.filter((l) => l.startsWith('sent ')).map((l) => l.slice(5)));
    const total = exportCar(big, path.join(tmpDir('ipfs-helia-kill-car'), 'x.car')).blocks;
    expect(sentBefore.size).toBeLessThan(total);

    const { child, manifest, addr } = await serve([big, '--helia', blockstore, '--verbose']);
    const sentAgain = child.lines.filter((l) => l.startsWith('sent ')).map((l) => l.slice(5));
    const had = child.lines.filter((l) => l.startsWith('have ')).map((l) => l.slice(5));
    expect(sentAgain.filter((c) => sentBefore.has(c))).toEqual([]);
    for (const c of sentBefore) expect(had).toContain(c);
    expect(sentAgain.length + had.length).toBe(total);
    const v = await cli(['verify', '--from-ipfs', manifest, '--peer', addr]);
    expect(v.err).toBe('');
    expect(v.out[0]).toMatch(new RegExp(`^OK car ipfs ${manifest}: 1 log\\(s\\), 600 record\\(s\\)`));
    expect(v.code).toBe(0);
  });
});
