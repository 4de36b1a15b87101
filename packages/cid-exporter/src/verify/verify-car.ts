/**
 * `verifyCar(file)`: verifies a CAR export block by block (every section's bytes against its CID,
 * allowed codecs and hashes, one root, no duplicates, nothing unreferenced), then runs the same chain,
 * Merkle and signature checks as for a store, from the manifest (../car/manifest.ts).
 *
 * Two streaming passes: the first hashes every section into the block table (about 33 bytes per block,
 * plus 12 for where it is); the second walks from the root, fetching the blocks it needs by offset
 * (an export lists them in file order, so that is one more sequential read of them).
 */
import { didKeyOfHex } from '../key/did-key.js';
import { CODEC_DAG_JSON } from '../cid.js';
import { openCar, SectionFetcher } from '../car/car-reader.js';
import { MANIFEST_TYPE } from '../car/manifest.js';
import { parseJsonStrict } from '../dag-json/parse.js';
import { DagJsonScan, LINK_SLOT, ValueKind } from '../dag-json/validate.js';
import { BlockTable, cidText } from './block-table.js';
import type { VerifyFailure, VerifyNote } from './failure.js';
import type { CheckpointInput, LogInput, Where } from './log-input.js';
import { verifyLog } from './log-verify.js';
import { linkScratch, parseLinkString, textOf } from './links.js';
import type { VerifiedLog, VerifyOptions, VerifyReport } from './report.js';
import { TrustedKeys, untrustedKeysNote } from './trusted-keys.js';
import { recordCid } from './log-stream.js';
import { sha256Latin1 } from '../read/sha256.js';
import { WitnessClaims, type WitnessedLog } from './witness-claims.js';
import { claimExpectedHead, storeHeadOf } from './store-head.js';

const isLink = (v: unknown): v is { '/': string } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { '/'?: unknown })['/'] === 'string';

/** Whether the validated page's wanted member `m` is a list holding links only: `[{"/":"..."},...]`. */
function isLinkList(buf: Uint8Array, page: DagJsonScan, m: number): boolean {
  const member = page.wanted[m]!;
  if (member < 0 || page.valueKind[member] !== ValueKind.Array) return false;
  let pos = page.valueStart[member]! + 1;
  for (let k = 0; k < page.linkCount; k++) {
    const s = page.linkStart[k]!;
    // each entry is `{"/":"` + text + `"}`, then `,` or the closing `]`
    if (s - 6 !== pos || buf[s - 6] !== 0x7b || buf[s - 2] !== 0x3a) return false;
    pos = page.linkEnd[k]! + 2;
    if (k < page.linkCount - 1 && buf[pos++] !== 0x2c) return false;
  }
  return pos === page.valueEnd[member]! - 1;
}

/** Texts of the links that are not canonical base32 (their decoded bytes say nothing), kept before the window moves. */
function linkTexts(buf: Uint8Array, page: DagJsonScan): Array<string | undefined> {
  const out: Array<string | undefined> = [];
  for (let k = 0; k < page.linkCount; k++) if (page.linkLength[k]! < 0) out[k] = textOf(buf, page.linkStart[k]!, page.linkEnd[k]!);
  return out;
}

function linkList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || !value.every(isLink)) return undefined;
  return value.map((l) => l['/']);
}

const scan = new DagJsonScan();

export function verifyCar(file: string, options: VerifyOptions = {}): VerifyReport {
  const read = { chunkSize: options.chunkSize };
  const car = openCar(file, read);
  const failures: VerifyFailure[] = [];
  const notes: VerifyNote[] = [];
  const logs: VerifiedLog[] = [];
  const publicKeys = new Set<string>();
  const heads: Array<{ log: string; records: number; last: string | null }> = [];
  // dag-json blocks are fetched again by the walk (where they are: 12 bytes more each); raw ones only looked up
  const blocks = new BlockTable({ locations: true, aux: true, marks: true }, { marks: true });
  const report = (): VerifyReport => ({
    ok: failures.length === 0,
    type: 'car',
    source: file,
    logs,
    blocks: blocks.sections,
    publicKeys: [...publicKeys].map(didKeyOfHex),
    storeHead: storeHeadOf(heads),
    failures,
    notes,
  });

  if (!car.header) {
    car.file.close();
    const e = car.error!;
    failures.push({ kind: e.kind === 'truncated' ? 'truncated' : 'modified', file, offset: e.offset, detail: `CAR header: ${e.message}` });
    return report();
  }
  const roots = car.header.roots;
  if (roots.length === 0) failures.push({ kind: 'missing root', file, offset: 0, detail: 'the CAR header lists no root' });
  if (roots.length > 1) {
    const names = roots.map((r) => cidText(r, 0, r.length));
    failures.push({
      kind: 'multiple roots',
      file,
      offset: 0,
      detail: `the CAR header lists ${roots.length} roots (${names.join(', ')}); an export has exactly one`,
    });
  }

  // Pass 1: every section against its CID, into the table (location = offset, aux = section index).
  const container: Array<{ section: number; failure: VerifyFailure }> = [];
  const s = car.sections;
  const f = car.file;
  try {
    while (s.next()) {
      const problem = blocks.add(s.cid, f.buf, f.buf.subarray(s.dataStart, s.dataEnd), file, s.index, s.offset, s.offset, s.index);
      if (problem) {
        container.push({
          section: s.index,
          failure: { kind: problem.kind, file, section: s.index, offset: s.offset, cid: cidText(f.buf, s.cidStart, s.cid.length), detail: problem.detail },
        });
      }
    }
  } finally {
    f.close();
  }
  blocks.seal();
  const fetcher = new SectionFetcher(file, read);
  try {
    if (blocks.raw.duplicates + blocks.dagJson.duplicates > 0) container.push(...duplicateSections(file, fetcher, car.sectionsStart));
    container.sort((a, b) => a.section - b.section);
    failures.push(...container.map((c) => c.failure));
    if (s.error) {
      failures.push({
        kind: s.error.kind === 'truncated' ? 'truncated' : 'modified',
        file,
        section: s.error.section,
        offset: s.error.offset,
        detail: s.error.message,
      });
    }
    walk(file, roots[0], fetcher, blocks, options, { failures, notes, logs, publicKeys, heads }, car.sectionsStart);
  } finally {
    fetcher.close();
  }
  return report();
}

/** Later copies of a CID (a CAR holds each block once), located by a scan of the section heads. */
function duplicateSections(file: string, fetcher: SectionFetcher, sectionsStart: number): Array<{ section: number; failure: VerifyFailure }> {
  const out: Array<{ section: number; failure: VerifyFailure }> = [];
  const firstAt = new Map<string, number>();
  const r = fetcher.reader;
  r.file.seek(sectionsStart);
  r.next_ = sectionsStart;
  r.index = -1;
  while (r.next()) {
    const cid = cidText(r.file.buf, r.cidStart, r.cid.length);
    const before = firstAt.get(cid);
    if (before === undefined) firstAt.set(cid, r.index);
    else
      out.push({
        section: r.index,
        failure: { kind: 'duplicate block', file, section: r.index, offset: r.offset, cid, detail: `same CID as section ${before}` },
      });
  }
  return out;
}

interface Collected {
  failures: VerifyFailure[];
  notes: VerifyNote[];
  logs: VerifiedLog[];
  publicKeys: Set<string>;
  /** Each log's records and last record, for the store head. */
  heads: Array<{ log: string; records: number; last: string | null }>;
}

/** A block fetched by CID: its bytes are reader.file.buf[start, end) until the next fetch. */
interface Fetched {
  start: number;
  end: number;
  section: number;
  offset: number;
  /** sha2-256 of the bytes (latin1), known when the section matched its CID in pass 1. */
  digest?: string;
}

const pageScan = new DagJsonScan(['blocks', 'records']);

function walk(
  file: string,
  root: Uint8Array | undefined,
  fetcher: SectionFetcher,
  blocks: BlockTable,
  options: VerifyOptions,
  out: Collected,
  sectionsStart: number,
): void {
  const { failures, notes } = out;
  const rd = fetcher.reader;
  const got: Fetched = { start: 0, end: 0, section: 0, offset: 0 };
  const whereOf = (g: Fetched): Where & { section: number; offset: number } => ({ file, section: g.section, offset: g.offset });
  /**
   * Fetches the block whose binary CID is bytes[at, at + length) (`text` names it): present and good, its
   * damaged copy, or missing. The result is `got`, valid until the next fetch. A raw block is only looked
   * up and marked (`raw`: not fetched; where a dag-json block is wanted it counts as missing).
   */
  const locate = (bytes: Uint8Array, at: number, length: number, text: () => string, rawOk = false): 'ok' | 'raw' | 'missing' | 'damaged' => {
    let codec: number;
    let digestAt: number;
    if (length === 37 && bytes[at] === 0x01 && bytes[at + 1] === 0xa9 && bytes[at + 2] === 0x02 && bytes[at + 3] === 0x12 && bytes[at + 4] === 0x20) {
      codec = CODEC_DAG_JSON;
      digestAt = at + 5;
    } else if (length === 36 && bytes[at] === 0x01 && bytes[at + 1] === 0x55 && bytes[at + 2] === 0x12 && bytes[at + 3] === 0x20) {
      codec = 0x55;
      digestAt = at + 4;
    } else return 'missing';
    const index = blocks.indexFor(codec);
    const id = index.find(bytes, digestAt);
    if (id >= 0 && codec === 0x55) {
      if (!rawOk) return 'missing';
      index.mark(id);
      return 'raw';
    }
    if (id >= 0) {
      index.mark(id);
      if (!fetcher.at(index.location(id), index.aux(id))) return 'missing';
      got.digest = rd.file.buf.toString('latin1', rd.cid.digestOffset, rd.cid.digestOffset + 32);
    } else {
      const copy = blocks.damaged.get(text())?.[0];
      if (!copy) return 'missing';
      if (!fetcher.at(copy.where.offset, copy.where.section)) return 'damaged';
      got.digest = undefined;
    }
    got.start = rd.dataStart;
    got.end = rd.dataEnd;
    got.section = rd.index;
    got.offset = rd.offset;
    return 'ok';
  };
  const locateText = (cid: string): 'ok' | 'missing' | 'damaged' => {
    const parts = parseLinkString(cid);
    const found = typeof parts === 'string' ? 'missing' : locate(linkScratch, 0, parts.length, () => cid);
    return found === 'raw' ? 'missing' : found;
  };
  /** A dag-json map block (the manifest), decoded; undefined when it is not one (failure added). */
  const map = (cid: string, what: string): { value: Record<string, unknown>; where: Where } | undefined | 'missing' => {
    const found = locateText(cid);
    if (found !== 'ok') return found === 'missing' ? 'missing' : undefined;
    const buf = rd.file.buf;
    if (!scan.scan(buf, got.start, got.end)) {
      failures.push({
        kind: 'non-canonical encoding',
        ...whereOf(got),
        cid,
        detail: `${what} is not canonical DAG-JSON: ${scan.error} (byte ${scan.errorAt - got.start})`,
      });
      return undefined;
    }
    const value = parseJsonStrict(buf.toString('utf8', got.start, got.end));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    return { value: value as Record<string, unknown>, where: whereOf(got) };
  };
  const missing = (cid: string, what: string): void => {
    failures.push({ kind: 'missing block', file, cid, detail: `${what} linked by the manifest is not in the CAR` });
  };

  if (!root) return;
  const rootCid = cidText(root, 0, root.length);
  const manifestBlock = map(rootCid, 'the manifest');
  if (manifestBlock === 'missing') {
    if (!blocks.damaged.has(rootCid)) failures.push({ kind: 'missing root', file, cid: rootCid, detail: 'the root named in the header is not in the CAR' });
    return;
  }
  if (manifestBlock === undefined && blocks.damaged.has(rootCid)) return;
  const manifest = manifestBlock?.value;
  if (!manifestBlock || !manifest || manifest.type !== MANIFEST_TYPE || manifest.v !== 1 || !Array.isArray(manifest.logs)) {
    const where = manifestBlock ? manifestBlock.where : { file };
    failures.push({ kind: 'modified', ...where, cid: rootCid, detail: `root block is not an llm-provenance export manifest (${MANIFEST_TYPE} v1)` });
    return;
  }
  const manifestWhere = manifestBlock.where;

  /**
   * The links of the pages `pages` (a map whose one list `field` holds only links), visited page by page
   * straight from the validator's decoded CIDs: `each(bytes, at, length, text)` gets link k's binary CID.
   */
  const pageLinks = (
    pages: string[],
    field: 'blocks' | 'records',
    what: string,
    each: (bytes: Uint8Array, at: number, length: number, text: () => string) => boolean,
    report = true,
  ): void => {
    for (const p of pages) {
      const found = locateText(p);
      if (found !== 'ok') {
        if (found === 'missing' && report) missing(p, `${what} page`);
        continue;
      }
      const buf = rd.file.buf;
      if (!pageScan.scan(buf, got.start, got.end)) {
        if (report)
          failures.push({
            kind: 'non-canonical encoding',
            ...whereOf(got),
            cid: p,
            detail: `${what} page is not canonical DAG-JSON: ${pageScan.error} (byte ${pageScan.errorAt - got.start})`,
          });
        continue;
      }
      if (!isLinkList(buf, pageScan, field === 'blocks' ? 0 : 1)) {
        if (report) failures.push({ kind: 'modified', ...whereOf(got), cid: p, detail: `${what} page has no "${field}" link list` });
        continue;
      }
      const texts = linkTexts(buf, pageScan);
      for (let k = 0; k < pageScan.linkCount; k++) {
        const n = pageScan.linkLength[k]!;
        const text = (): string => texts[k] ?? cidText(pageScan.linkBytes, k * LINK_SLOT, n);
        if (!each(pageScan.linkBytes, k * LINK_SLOT, n, text)) return;
      }
    }
  };

  // Payload blocks first: their content is judged before records link them.
  const payloadMissing: VerifyFailure[] = [];
  const blockPages = linkList(manifest.blocks) ?? [];
  pageLinks(blockPages, 'blocks', 'block', (bytes, at, n, text) => {
    const found = locate(bytes, at, n, text, true);
    if (found === 'missing')
      payloadMissing.push({ kind: 'missing block', file, cid: text(), detail: 'payload block linked by the manifest is not in the CAR' });
    else if (found === 'ok' && rd.cid.codec === CODEC_DAG_JSON && got.digest !== undefined) {
      const cid = text();
      blocks.checkContent(rd.file.buf, got.start, got.end, () => cid, whereOf(got));
    }
    return true;
  });
  blocks.finish();

  const trusted = options.trustedKeys?.length ? new TrustedKeys(options.trustedKeys) : undefined;
  const targets: Array<{ target: string; type: string; by: string; seq: number; cid: string; where: Where }> = [];
  const exported = new Set<string>();
  /** Store-level witnessing (FORMAT.md 3.6): what the exported logs claim of each other. */
  const claims = new WitnessClaims();
  const witnessed = new Map<string, WitnessedLog & { input: LogInput }>();
  for (const entry of manifest.logs as unknown[]) {
    const m = (entry ?? {}) as Record<string, unknown>;
    const logId = typeof m.log === 'string' ? m.log : '?';
    // The manifest is not signed, but it must at least be well formed: a log listed twice, or a log whose
    // record or checkpoint list is not a list of links, would otherwise verify as "nothing there".
    const malformed =
      typeof m.log !== 'string'
        ? 'has no log id'
        : exported.has(logId)
          ? 'is listed twice'
          : !linkList(m.records)
            ? 'has no "records" link list'
            : !linkList(m.checkpoints)
              ? 'has no "checkpoints" link list'
              : undefined;
    if (malformed) {
      failures.push({ kind: 'modified', ...manifestWhere, cid: rootCid, log: logId, detail: `manifest entry for log ${logId} ${malformed}` });
      if (typeof m.log !== 'string' || exported.has(logId)) continue;
    }
    const checkpoints: CheckpointInput[] = [];
    for (const cid of linkList(m.checkpoints) ?? []) {
      const found = locateText(cid);
      if (found === 'missing') missing(cid, `checkpoint of log ${logId}`);
      else if (found === 'ok') checkpoints.push({ bytes: Buffer.from(rd.file.buf.subarray(got.start, got.end)), where: whereOf(got), cid });
    }
    if (isLink(m.latestCheckpoint)) locateText(m.latestCheckpoint['/']);
    const recordPages = linkList(m.records) ?? [];
    let walked = 0;
    let count = 0;
    const input: LogInput = {
      logId,
      records(visit) {
        const first = walked++ === 0;
        count = 0;
        pageLinks(
          recordPages,
          'records',
          'record',
          (bytes, at, n, text) => {
            const found = locate(bytes, at, n, text);
            if (found !== 'ok') {
              if (first && found === 'missing') missing(text(), `record #${count} of log ${logId}`);
              return true;
            }
            count++;
            return visit(rd.file.buf, got.start, got.end, got.section, got.digest);
          },
          first,
        );
      },
      checkpoints,
      where: (): Where => whereOf(got),
      end: (): Where => ({ file }),
    };
    const result = verifyLog(input, { blocks, missingKind: 'missing payload', trustedKeys: trusted });
    exported.add(logId);
    for (const c of result.witnesses) claims.add(c);
    out.heads.push({ log: logId, records: result.records, last: result.last });
    witnessed.set(logId, { records: result.records, heads: result.heads, file, where: (): Where => ({ file }), input });
    for (const t of result.targets) targets.push({ target: t.target, type: t.type, by: logId, seq: t.seq, cid: t.cid, where: t.where });
    failures.push(...result.failures.sort((a, b) => a.order - b.order).map((x) => x.failure));
    notes.push(...result.notes);
    result.publicKeys.forEach((k) => out.publicKeys.add(k));
    out.logs.push({ log: logId, file, records: result.records, checkpoints: result.checkpoints, signedSize: result.signedSize, dropped: result.dropped });
  }
  for (const t of targets) {
    if (exported.has(t.target)) continue;
    failures.push({
      kind: 'deleted',
      file,
      log: t.target,
      detail: `log ${t.target} is not in the export but the ${t.type} record at section ${String(t.where.section)} (log ${t.by}, seq ${t.seq}, cid ${t.cid}) names it`,
    });
  }
  // a log the exported logs witnessed must be in the export, at least as long as witnessed
  claimExpectedHead(claims, options.expectHead);
  const reportedGone = new Set(targets.filter((t) => !exported.has(t.target)).map((t) => t.target));
  for (const { log, gone, failure } of claims.check(
    (log) => witnessed.get(log),
    (log, positions) => {
      const want = new Set(positions);
      const cids = new Map<number, string>();
      let i = 0;
      witnessed.get(log)!.input.records((bytes, start, end, _at, digest) => {
        if (want.has(i)) cids.set(i, recordCid(digest ?? sha256Latin1(bytes.subarray(start, end))));
        return ++i <= Math.max(...positions);
      });
      return cids;
    },
    () => ({ file, why: 'not in the export' }),
  ))
    if (!(gone && reportedGone.has(log))) failures.push(failure);
  failures.push(...payloadMissing);
  // dag-json payload blocks that are not acceptable and no record reached
  for (const fault of blocks.faults.values()) {
    const failure = blocks.failure({ ...fault, path: fault.path ? `blocks/${fault.path}` : 'blocks' }, { file }, 'missing payload');
    if (failure) failures.push(failure);
  }
  if (!trusted && out.publicKeys.size > 0) notes.push(untrustedKeysNote(file, out.publicKeys));
  // blocks nothing reaches
  const extras: VerifyFailure[] = [];
  const extra = (): void => {
    extras.push({
      kind: 'extra block',
      file,
      section: rd.index,
      offset: rd.offset,
      cid: cidText(rd.file.buf, rd.cidStart, rd.cid.length),
      detail: 'block is not reachable from the manifest',
    });
  };
  for (const e of blocks.dagJson.unmarked()) if (fetcher.at(e.location, e.aux)) extra();
  if (blocks.raw.unmarked().length > 0) {
    // raw blocks were kept without their place: find the unreached ones (first copies) by reading the section heads again
    const seen = new Set<string>();
    rd.file.seek(sectionsStart);
    rd.next_ = sectionsStart;
    rd.index = -1;
    while (rd.next()) {
      if (rd.cid.codec !== 0x55 || rd.cid.digestLength !== 32) continue;
      const id = blocks.raw.find(rd.file.buf, rd.cid.digestOffset);
      const key = cidText(rd.file.buf, rd.cidStart, rd.cid.length);
      if (id < 0 || seen.has(key)) continue;
      seen.add(key);
      if (!blocks.raw.mark(id)) extra();
    }
  }
  extras.sort((a, b) => a.section! - b.section!);
  failures.push(...extras);
}
