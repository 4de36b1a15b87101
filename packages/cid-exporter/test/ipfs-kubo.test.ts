/**
 * Publishing to a Kubo node and verifying from it, through kubo-rpc-client against a loopback server
 * that speaks the Kubo RPC API (./kubo-rpc-server.ts; no Kubo binary can run here): the CLI publishes
 * a store block by block and pins the manifest, publishing again sends nothing, and verify --from-ipfs
 * verifies the fetched copy, naming a block the node serves with other bytes.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CidSpanExporter, exportCar, verifyStore, type PublishSummary } from '@llm-provenance/cid-exporter';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { CarReader } from '@ipld/car';
import * as fs from 'node:fs';
import { cli } from './ipfs-cli.js';
import { KuboRpcServer } from './kubo-rpc-server.js';
import { lines, tmpDir, writeSpans } from './verify-fixture.js';
import { mfCid } from './store-helpers.js';

let store: string;
let logId: string;
let server: KuboRpcServer;

beforeAll(async () => {
  store = path.join(tmpDir('ipfs-kubo'), 'store');
  logId = await writeSpans(store, 0, 120, { checkpointEvery: 50 });
  server = await new KuboRpcServer().start();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('publish --kubo and verify --from-ipfs --kubo (loopback Kubo RPC server)', () => {
  it('puts every block of the export, pins the manifest, and the fetched copy verifies', async () => {
    const pub = await cli(['publish', store, '--kubo', server.url]);
    expect(pub.err).toBe('');
    expect(pub.code).toBe(0);
    const manifest = /manifest (b[a-z2-7]+)/.exec(pub.out.at(-1)!)![1]!;
    // the same blocks as a CAR export (the manifest differs only by its `created` time)
    const car = path.join(tmpDir('ipfs-kubo-car'), 'x.car');
    const exported = exportCar(store, car);
    const carBlocks = new Map<string, Uint8Array>();
    for await (const b of (await CarReader.fromBytes(fs.readFileSync(car))).blocks()) carBlocks.set(b.cid.toString(), b.bytes);
    carBlocks.delete(exported.root);
    for (const [cid, bytes] of carBlocks) expect(Buffer.from(server.blocks.get(cid)!).equals(Buffer.from(bytes)), cid).toBe(true);
    expect(server.blocks.size).toBe(carBlocks.size + 1);
    expect(pub.out.at(-1)).toBe(
      `published ${store} to kubo ${server.url}: manifest ${manifest}, ${exported.blocks} block(s), ${exported.blocks} sent (${[...server.blocks.values()].reduce((n, b) => n + b.length, 0)} bytes), 0 already there, manifest pinned`,
    );
    expect([...server.pins]).toEqual([manifest]);
    expect(server.count('block/put')).toBe(exported.blocks);

    const again = await cli(['publish', store, '--kubo', server.url]);
    expect(again.code).toBe(0);
    // only the new manifest (its `created` time differs) is sent; every other block is found by block/stat
    expect(server.count('block/put')).toBe(exported.blocks + 1);
    expect(again.out.at(-1)).toMatch(
      new RegExp(`: manifest b[a-z2-7]+, ${exported.blocks} block\\(s\\), 1 sent \\(\\d+ bytes\\), ${exported.blocks - 1} already there, manifest pinned$`),
    );

    const v = await cli(['verify', '--from-ipfs', manifest, '--kubo', server.url]);
    expect(v.err).toBe('');
    expect(v.code).toBe(0);
    expect(v.out[0]).toBe(
      `OK car ipfs ${manifest}: 1 log(s), 120 record(s) (120 under verified checkpoints), ${exported.blocks} block(s), ${exported.checkpoints} checkpoint(s)`,
    );
    expect(v.out).toContain(`store head ${verifyStore(store).storeHead.cid} (record it elsewhere; --expect-head checks a store against it)`);
  });

  it('names a block the node serves with other bytes (its CID and what it is) and exits 1', async () => {
    const pub = await cli(['publish', store, '--kubo', server.url]);
    const manifest = /manifest (b[a-z2-7]+)/.exec(pub.out.at(-1)!)![1]!;
    const line = lines(store, logId)[7]!;
    const cid = await mfCid(0x0129, line);
    server.tamper(cid, Buffer.from(line.toString().replace('"seq":7', '"seq":8')));
    const v = await cli(['verify', '--from-ipfs', manifest, '--kubo', server.url]);
    expect(v.code).toBe(1);
    expect(v.out[0]).toBe(
      `FAIL modified: ipfs ${manifest} cid ${cid} - record of log ${logId} ${cid}: kubo ${server.url} returned ${line.length} byte(s) whose sha2-256 is not the digest in ${cid}`,
    );
  });

  it('the exporter option publishes after each checkpoint and at shutdown; the last manifest is pinned and verifies', async () => {
    const dir = path.join(tmpDir('ipfs-kubo-continuous'), 'store');
    const published: PublishSummary[] = [];
    const warnings: string[] = [];
    const exporter = new CidSpanExporter({
      dir,
      checkpointEvery: 20,
      checkpointIntervalMs: 0,
      onWarning: (w) => warnings.push(w),
      publish: { kubo: server.url, onPublished: (s) => published.push(s) },
    });
    const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter, maxExportBatchSize: 10, scheduledDelayMillis: 1 })] });
    const tracer = provider.getTracer('ipfs-kubo-test');
    for (let i = 0; i < 50; i++) tracer.startSpan(`span ${i}`, { attributes: { 'gen_ai.input.messages': `prompt ${i}` } }).end();
    await provider.shutdown();
    expect(warnings).toEqual([]);
    // at least the checkpoint at 20 and the final one at 50 (checkpoints while a publish runs share one more run)
    expect(published.length).toBeGreaterThanOrEqual(2);
    const last = published.at(-1)!;
    expect(last.pinned).toBe(true);
    expect(server.pins.has(last.manifest)).toBe(true);
    const v = await cli(['verify', '--from-ipfs', last.manifest, '--kubo', server.url]);
    expect(v.code).toBe(0);
    expect(v.out[0]).toMatch(new RegExp(`^OK car ipfs ${last.manifest}: 1 log\\(s\\), 50 record\\(s\\) \\(50 under verified checkpoints\\)`));
  });
});
