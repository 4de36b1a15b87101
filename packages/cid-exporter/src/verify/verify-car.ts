/**
 * `verifyCar(file)`: verifies a CAR export block by block (every section's bytes against its CID,
 * allowed codecs and hashes, one root, no duplicates, nothing unreferenced), then runs the same chain,
 * Merkle and signature checks as for a store, from the manifest.
 */
import { readFileSync } from 'node:fs';
import { decodeDagJson } from '../dag-json/index.js';
import { MANIFEST_TYPE } from '../export/manifest.js';
import { cidString, indexSections, type KnownBlock } from './block-source.js';
import { parseCar } from './car-reader.js';
import type { VerifyFailure, VerifyNote } from './failure.js';
import { isLink, LinkResolver } from './links.js';
import { verifyLog, type CheckpointInput, type RecordInput } from './log-verifier.js';
import type { VerifiedLog, VerifyOptions, VerifyReport } from './report.js';
import { TrustedKeys, untrustedKeysNote } from './trusted-keys.js';

function linkList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || !value.every(isLink)) return undefined;
  return value.map((l) => l['/']);
}

function decodeMap(block: KnownBlock): Record<string, unknown> | undefined {
  try {
    const v = decodeDagJson(block.data);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function verifyCar(file: string, options: VerifyOptions = {}): VerifyReport {
  const bytes = readFileSync(file);
  const car = parseCar(bytes);
  const failures: VerifyFailure[] = [];
  const notes: VerifyNote[] = [];
  const logs: VerifiedLog[] = [];
  const publicKeys = new Set<string>();
  const report = (): VerifyReport => ({ ok: failures.length === 0, type: 'car', source: file, logs, blocks: car.sections.length, publicKeys: [...publicKeys], failures, notes });

  if (!car.header) {
    const e = car.error!;
    failures.push({ kind: e.kind === 'truncated' ? 'truncated' : 'modified', file, offset: e.offset, detail: `CAR header: ${e.message}` });
    return report();
  }

  // Container: one root; every section matches its CID; no CID twice; the file ends on a section boundary.
  const blocks = new Map<string, KnownBlock>();
  if (car.header.roots.length === 0) failures.push({ kind: 'missing root', file, offset: 0, detail: 'the CAR header lists no root' });
  if (car.header.roots.length > 1) {
    failures.push({ kind: 'multiple roots', file, offset: 0, detail: `the CAR header lists ${car.header.roots.length} roots (${car.header.roots.map(cidString).join(', ')}); an export has exactly one` });
  }
  const firstAt = new Map<string, number>();
  for (const s of car.sections) {
    const cid = cidString(s.cid.bytes);
    const before = firstAt.get(cid);
    if (before !== undefined) {
      failures.push({ kind: 'duplicate block', file, section: s.index, offset: s.offset, cid, detail: `same CID as section ${before}` });
    } else firstAt.set(cid, s.index);
    for (const d of indexSections(file, [s], blocks)) {
      failures.push({ kind: d.problem!.kind, file, section: s.index, offset: s.offset, cid, detail: d.problem!.detail });
    }
  }
  if (car.error) {
    failures.push({ kind: car.error.kind === 'truncated' ? 'truncated' : 'modified', file, section: car.error.section, offset: car.error.offset, detail: car.error.message });
  }
  const rootCid = car.header.roots[0] ? cidString(car.header.roots[0]) : undefined;
  const root = rootCid ? blocks.get(rootCid) : undefined;
  if (rootCid && !root) failures.push({ kind: 'missing root', file, cid: rootCid, detail: 'the root named in the header is not in the CAR' });
  if (!root || root.problem) return report();

  const manifest = decodeMap(root);
  const seen = new Set<string>([root.cid]);
  if (!manifest || manifest.type !== MANIFEST_TYPE || manifest.v !== 1 || !Array.isArray(manifest.logs)) {
    failures.push({ kind: 'modified', ...root.where, cid: root.cid, detail: `root block is not an llm-provenance export manifest (${MANIFEST_TYPE} v1)` });
    return report();
  }

  const resolver = new LinkResolver(blocks);
  const trusted = options.trustedKeys?.length ? new TrustedKeys(options.trustedKeys) : undefined;
  const missing = (cid: string, what: string): void => {
    failures.push({ kind: 'missing block', file, cid, detail: `${what} linked by the manifest is not in the CAR` });
  };
  const pageLinks = (pages: string[] | undefined, field: string, what: string): string[] => {
    const out: string[] = [];
    for (const p of pages ?? []) {
      seen.add(p);
      const block = blocks.get(p);
      if (!block) {
        missing(p, `${what} page`);
        continue;
      }
      const links = linkList(decodeMap(block)?.[field]);
      if (!links) failures.push({ kind: 'modified', ...block.where, cid: p, detail: `${what} page has no "${field}" link list` });
      else out.push(...links);
    }
    return out;
  };

  // cut / damage records name logs a recovering writer found: each must be in the export too.
  const targets: Array<{ target: string; type: string; by: string; seq: unknown; cid: string; where: KnownBlock['where'] | RecordInput['where'] }> = [];
  const exported = new Set<string>();
  for (const entry of manifest.logs as unknown[]) {
    const m = (entry ?? {}) as Record<string, unknown>;
    const logId = typeof m.log === 'string' ? m.log : '?';
    // The manifest is not signed, but it must at least be well formed: a log listed twice, or a log whose
    // record or checkpoint list is not a list of links, would otherwise verify as "nothing there".
    const malformed = typeof m.log !== 'string' ? 'has no log id'
      : exported.has(logId) ? 'is listed twice'
      : !linkList(m.records) ? 'has no "records" link list'
      : !linkList(m.checkpoints) ? 'has no "checkpoints" link list'
      : undefined;
    if (malformed) {
      failures.push({ kind: 'modified', ...root.where, cid: root.cid, log: logId, detail: `manifest entry for log ${logId} ${malformed}` });
      if (typeof m.log !== 'string' || exported.has(logId)) continue;
    }
    const records: RecordInput[] = [];
    for (const cid of pageLinks(linkList(m.records), 'records', 'record')) {
      seen.add(cid);
      const block = blocks.get(cid);
      if (!block) missing(cid, `record #${records.length} of log ${logId}`);
      else records.push({ bytes: block.data, where: block.where });
    }
    const checkpoints: CheckpointInput[] = [];
    for (const cid of linkList(m.checkpoints) ?? []) {
      seen.add(cid);
      const block = blocks.get(cid);
      if (!block) missing(cid, `checkpoint of log ${logId}`);
      else checkpoints.push({ bytes: block.data, where: block.where, cid });
    }
    if (isLink(m.latestCheckpoint)) seen.add(m.latestCheckpoint['/']);
    const result = verifyLog({ logId, records, checkpoints, end: { file } }, { resolver, missingKind: 'missing payload', trustedKeys: trusted, seen });
    exported.add(logId);
    for (const a of result.accepted) {
      const r = a.record;
      if ((r.type === 'cut' || r.type === 'damage') && typeof r.target === 'string') {
        targets.push({ target: r.target, type: r.type, by: logId, seq: r.seq, cid: a.cid, where: a.where });
      }
    }
    failures.push(...result.failures.sort((a, b) => a.order - b.order).map((f) => f.failure));
    notes.push(...result.notes);
    result.publicKeys.forEach((k) => publicKeys.add(k));
    logs.push({ log: logId, file, records: result.records, checkpoints: result.checkpoints, signedSize: result.signedSize });
  }
  for (const t of targets) {
    if (exported.has(t.target)) continue;
    failures.push({
      kind: 'deleted',
      file,
      log: t.target,
      detail: `log ${t.target} is not in the export but the ${t.type} record at section ${String(t.where.section)} (log ${t.by}, seq ${String(t.seq)}, cid ${t.cid}) names it`,
    });
  }
  for (const cid of pageLinks(linkList(manifest.blocks), 'blocks', 'block')) {
    if (!blocks.has(cid)) missing(cid, 'payload block');
    else resolver.resolve({ path: 'blocks', cid }, { file }, 'missing payload', seen).forEach((f) => failures.push(f));
  }
  if (!trusted && publicKeys.size > 0) notes.push(untrustedKeysNote(file, publicKeys));
  for (const s of car.sections) {
    const cid = cidString(s.cid.bytes);
    if (!seen.has(cid) && firstAt.get(cid) === s.index) {
      failures.push({ kind: 'extra block', file, section: s.index, offset: s.offset, cid, detail: 'block is not reachable from the manifest' });
    }
  }
  return report();
}
