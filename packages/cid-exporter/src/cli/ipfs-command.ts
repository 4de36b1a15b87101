/**
 * `llm-provenance publish [STORE_DIR] [--helia DIR | --kubo URL] ...` and the `--from-ipfs` mode of
 * `llm-provenance verify`: the store published to IPFS and fetched back by its manifest CID
 * (../publish/). The IPFS packages are loaded only here, and only when one of these runs.
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertStore } from '../read/store-files.js';
import { MissingPackageError } from '../publish/esm-import.js';
import { verifyFromIpfs } from '../publish/fetch.js';
import { UnsupportedRuntimeError } from '../publish/helia-node.js';
import { defaultKuboApi } from '../publish/kubo-node.js';
import { defaultHeliaBlockstore, openNode, type NodeSpec } from '../publish/open-node.js';
import { publishStore } from '../publish/publish.js';
import type { VerifyOptions } from '../verify/report.js';
import { defaultStore, EXIT_OK, EXIT_VERIFY_FAILED, HELP_OPTION, parsingArgs, UsageError, type CliIO } from './io.js';

export const PUBLISH_USAGE = `llm-provenance publish [STORE_DIR] [--helia DIR | --kubo URL] [--listen ADDR]... [--serve] [--verbose]
  Puts the store's CAR export (the manifest, every record and checkpoint, the payload blocks records
  reach) into an IPFS node block by block, asking the node first, so a publish run again (after a crash,
  or of a store that grew) sends only what the node lacks; prints the manifest CID (llm-provenance verify
  --from-ipfs CID fetches and verifies it).
  --helia DIR   the embedded Helia node (Node.js 22+), blocks in DIR (default STORE_DIR/ipfs/blockstore);
                loopback only: listens on 127.0.0.1, never dials other addresses. The default target
                unless --kubo or $LLM_PROVENANCE_IPFS_API is given
  --kubo URL    a Kubo node's RPC API (default $LLM_PROVENANCE_IPFS_API); the manifest is pinned
  --listen ADDR loopback multiaddr the Helia node listens on (default /ip4/127.0.0.1/tcp/0); repeatable
  --serve       keep the Helia node running after publishing, serving the blocks over bitswap, until
                SIGINT or SIGTERM (prints its addresses)
  --verbose     one line per block: "sent CID" or "have CID"`;

export const FROM_IPFS_USAGE = `llm-provenance verify --from-ipfs MANIFEST_CID [--peer ADDR]... [--kubo URL] [--block-timeout MS] [--key ...] [--json]
  Fetches a published store (the manifest and everything it links) and verifies it exactly as a CAR
  export; a block whose bytes do not match its CID, or that no peer gives, is named.
  --peer ADDR   loopback multiaddr of a Helia/IPFS peer serving the blocks (llm-provenance publish --serve
                prints it); repeatable; default $LLM_PROVENANCE_IPFS_PEERS (comma-separated). The
                fetching Helia node (Node.js 22+) is loopback only, its blocks in a temporary folder
  --kubo URL    fetch through a Kubo node's RPC API instead (default $LLM_PROVENANCE_IPFS_API)
  --block-timeout MS
                how long to wait for one block (default 30000)`;

/** One line for what stops an IPFS command before it starts: old Node.js, a missing package. */
function setupError(err: unknown): never {
  if (err instanceof UnsupportedRuntimeError || err instanceof MissingPackageError) throw new UsageError(err.message);
  throw err;
}

export async function runPublish(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parsingArgs('publish', () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...HELP_OPTION,
        helia: { type: 'string' },
        kubo: { type: 'string' },
        listen: { type: 'string', multiple: true },
        serve: { type: 'boolean' },
        verbose: { type: 'boolean' },
      },
    }),
  );
  if (values.help) {
    io.out(PUBLISH_USAGE);
    return EXIT_OK;
  }
  if (positionals.length > 1) throw new UsageError(`publish takes one store directory, got ${positionals.length}: ${positionals.join(' ')}`);
  if (values.helia !== undefined && values.kubo !== undefined) throw new UsageError('publish takes --helia DIR or --kubo URL, not both');
  const store = defaultStore(positionals[0]);
  try {
    assertStore(store);
  } catch {
    throw new UsageError(`${store} is not an llm-provenance store (no logs/ or checkpoints/ directory)`);
  }
  const kuboUrl = values.kubo ?? (values.helia === undefined && process.env.LLM_PROVENANCE_IPFS_API ? defaultKuboApi() : undefined);
  if (kuboUrl !== undefined && (values.serve || values.listen)) throw new UsageError('--serve and --listen are for the embedded Helia node, not --kubo');
  const spec: NodeSpec =
    kuboUrl !== undefined
      ? { kind: 'kubo', url: kuboUrl }
      : { kind: 'helia', blockstore: values.helia ?? defaultHeliaBlockstore(store), listen: values.listen };
  const node = await openNode(spec).catch(setupError);
  try {
    const s = await publishStore(store, node, { onBlock: values.verbose ? (cid, sent) => io.out(`${sent ? 'sent' : 'have'} ${cid}`) : undefined });
    io.out(
      `published ${store} to ${s.node}: manifest ${s.manifest}, ${s.blocks} block(s), ${s.sent} sent (${s.bytesSent} bytes), ${s.present} already there${s.pinned ? ', manifest pinned' : ''}`,
    );
    if (s.export.largeBlocks.length)
      io.err(`warning: ${s.export.largeBlocks.length} block(s) larger than 1 MiB (bitswap may not transfer them): ${s.export.largeBlocks.join(', ')}`);
    if (s.export.skipped.length)
      io.err(`warning: ${s.export.skipped.length} damaged block(s) left out: ${s.export.skipped.join(', ')}; run llm-provenance verify ${store}`);
    if (s.export.unreached) io.err(`note: ${s.export.unreached} block(s) no record reaches left out; run llm-provenance verify ${store}`);
    if (values.serve && node.addresses) {
      for (const a of node.addresses) io.out(`serving ${s.manifest} at ${a}`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    }
  } catch (err) {
    throw new UsageError(`${node.description}: ${(err as Error).message}`);
  } finally {
    await node.close();
  }
  return EXIT_OK;
}

/** `verify --from-ipfs CID`: the options verify parsed, the CID, and where to fetch from. */
export async function runVerifyFromIpfs(
  manifest: string,
  from: { peers?: string[]; kubo?: string; blockTimeout?: string },
  verifyOptions: VerifyOptions,
  print: (report: Awaited<ReturnType<typeof verifyFromIpfs>>) => void,
): Promise<number> {
  const timeout = from.blockTimeout === undefined ? undefined : Number(from.blockTimeout);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0))
    throw new UsageError(`--block-timeout ${from.blockTimeout}: not a positive whole number of milliseconds`);
  const envPeers = (process.env.LLM_PROVENANCE_IPFS_PEERS ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const peers = from.peers?.length ? from.peers : envPeers;
  const kubo = from.kubo ?? (peers.length === 0 && process.env.LLM_PROVENANCE_IPFS_API ? defaultKuboApi() : undefined);
  if (kubo === undefined && peers.length === 0)
    throw new UsageError('--from-ipfs needs --peer ADDR (or $LLM_PROVENANCE_IPFS_PEERS) or --kubo URL (or $LLM_PROVENANCE_IPFS_API)');
  const work = kubo === undefined ? mkdtempSync(join(tmpdir(), 'llm-provenance-helia-')) : undefined;
  try {
    const node = await openNode(kubo !== undefined ? { kind: 'kubo', url: kubo } : { kind: 'helia', blockstore: work!, peers }).catch((err: unknown) => {
      if (err instanceof UnsupportedRuntimeError || err instanceof MissingPackageError) setupError(err);
      throw new UsageError(`cannot reach ${peers.join(', ')}: ${(err as Error).message.split('\n')[0]}`);
    });
    try {
      let report;
      try {
        report = await verifyFromIpfs(node, manifest, { ...verifyOptions, blockTimeoutMs: timeout });
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      print(report);
      return report.ok ? EXIT_OK : EXIT_VERIFY_FAILED;
    } finally {
      await node.close();
    }
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
  }
}
