/**
 * Everything verify knows about the blocks of a store (its packs) or of a CAR: which good blocks are
 * present (a compact digest index per codec), which copies are damaged (every copy is hashed, so a bad
 * second copy of a good block is found too), and which dag-json blocks are present but not acceptable
 * (not canonical, or linking a block that is missing, damaged or not allowed).
 *
 * Blocks are added first (pass 1: hash check), then the index is sealed and every dag-json block's
 * content is checked against it (pass 2), then records resolve their links. A problem reached through
 * a link is reported once, attributed to the first record that reaches it.
 */
import { base32Encode, CODEC_DAG_JSON, CODEC_RAW, readCid, type CidParts } from '../cid.js';
import { DagJsonScan, LINK_SLOT } from '../dag-json/validate.js';
import { DigestIndex, type DigestIndexOptions, type EntryId } from '../read/digest-index.js';
import { blockProblem, disallowedCidReason, type BlockProblem } from './block-check.js';
import type { FailureKind, VerifyFailure } from './failure.js';
import { linkPaths, linkScratch, parseLinkText } from './links.js';

/** Where a block is: a pack or CAR file, section index and byte offset of the section. */
export interface BlockWhere {
  file: string;
  section: number;
  offset: number;
}

export interface DamagedCopy {
  where: BlockWhere;
  problem: BlockProblem;
  /** Set once a record's link reported this copy. */
  reported?: boolean;
}

/** A problem met following a link, `path` relative to whatever holds the link. */
export type LinkProblem =
  | { type: 'disallowed'; cid: string; path: string; reason: string }
  | { type: 'missing'; cid: string; path: string }
  | { type: 'damaged'; cid: string; path: string; copy: DamagedCopy }
  | { type: 'content'; cid: string; path: string; where: BlockWhere; detail: string };

/** What a failure found through a link is attributed to: the record (or block) that links. */
export type LinkOwner = Pick<VerifyFailure, 'file' | 'line' | 'section' | 'offset' | 'log' | 'seq'>;

/** The dotted path of link k of the document being checked, worked out only for a message. */
export interface LinkPaths {
  path(k: number): string;
}

/** Paths of the links of bytes[start, end) (a canonical document), computed on first use. */
export class LazyLinkPaths implements LinkPaths {
  private paths: string[] | undefined;
  constructor(
    private bytes: Uint8Array,
    private start: number,
    private end: number,
  ) {}

  /** Points at another document (reuses the object). */
  reset(bytes: Uint8Array, start: number, end: number): this {
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.paths = undefined;
    return this;
  }

  path(k: number): string {
    this.paths ??= linkPaths(this.bytes, this.start, this.end);
    return this.paths[k] ?? '?';
  }
}

/** CID string (multibase base32) of the binary CID at bytes[at, at + length). */
export function cidText(bytes: Uint8Array, at: number, length: number): string {
  return 'b' + base32Encode(bytes.subarray(at, at + length));
}

export class BlockTable {
  readonly raw: DigestIndex;
  readonly dagJson: DigestIndex;
  /** Copies whose bytes do not match their CID or whose CID is not allowed, by CID. */
  readonly damaged = new Map<string, DamagedCopy[]>();
  /** Present dag-json blocks that are not acceptable, by CID. */
  readonly faults = new Map<string, LinkProblem>();
  /** Damaged copies in the order found (for reporting those no record reached). */
  readonly damagedInOrder: Array<{ cid: string; copy: DamagedCopy }> = [];
  /** Sections hash-checked. */
  sections = 0;
  /** Called when a link finds nothing: reads blocks added since (a live store); true if any were. */
  catchUp: (() => boolean) | undefined;
  private readonly reported = new Set<string>();
  private catchingUp = false;
  private readonly pending: Array<{ parent: string; child: string; path: string }> = [];
  private readonly scan = new DagJsonScan();
  private readonly contentPaths = new LazyLinkPaths(new Uint8Array(0), 0, 0);

  /** Marks every block a link reaches (CAR: to find blocks nothing links). */
  private readonly markReached: boolean;
  /**
   * Set by each resolveLink/resolve when marks are kept: the entry (in the index of `lastReachedCodec`)
   * the link marked for the first time, else -1. Lets a reader follow each dag-json block it reaches once.
   */
  lastReached: EntryId = -1;
  lastReachedCodec = 0;

  /** `rawOptions`: for raw blocks, when they need less (a CAR's raw blocks are never fetched, only looked up). */
  constructor(options: DigestIndexOptions = {}, rawOptions: DigestIndexOptions = options) {
    this.raw = new DigestIndex(rawOptions);
    this.dagJson = new DigestIndex(options);
    this.markReached = options.marks === true;
  }

  /** Unique good blocks. */
  get blocks(): number {
    return this.raw.size - this.raw.duplicates + this.dagJson.size - this.dagJson.duplicates;
  }

  indexFor(codec: number): DigestIndex {
    return codec === CODEC_DAG_JSON ? this.dagJson : this.raw;
  }

  /**
   * Pass 1 for one section: hash-checks the block (bytes `view`, CID parts `cid` in cidBytes) and adds it
   * to the index, or records the damaged copy (in `file`, section `section` at byte `offset`). Returns the
   * problem, if any.
   */
  add(cid: CidParts, cidBytes: Uint8Array, view: Uint8Array, file: string, section: number, offset: number, location = 0, aux = 0): BlockProblem | undefined {
    this.sections++;
    const problem = blockProblem(cid, cidBytes, view);
    if (problem) {
      const key = cidText(cidBytes, cid.digestOffset - (cid.length - cid.digestLength), cid.length);
      const copy = { where: { file, section, offset }, problem };
      const list = this.damaged.get(key);
      if (list) list.push(copy);
      else this.damaged.set(key, [copy]);
      this.damagedInOrder.push({ cid: key, copy });
      return problem;
    }
    this.indexFor(cid.codec).add(cidBytes, cid.digestOffset, location, aux);
    return undefined;
  }

  seal(): void {
    this.raw.seal();
    this.dagJson.seal();
  }

  /**
   * Pass 2 for a dag-json block present in the index: canonical form, and every link it holds resolves
   * to an acceptable block. Problems are kept as the block's fault.
   */
  checkContent(bytes: Uint8Array, start: number, end: number, cid: () => string, where: BlockWhere): void {
    const scan = this.scan;
    if (!scan.scan(bytes, start, end)) {
      this.faults.set(cid(), { type: 'content', cid: cid(), path: '', where, detail: `not canonical DAG-JSON: ${scan.error} (byte ${scan.errorAt - start})` });
      return;
    }
    const paths = this.contentPaths.reset(bytes, start, end);
    for (let k = 0; k < scan.linkCount; k++) {
      const problem = this.resolveLink(scan, k, bytes, paths, cid);
      if (problem) {
        this.faults.set(cid(), problem);
        return;
      }
    }
  }

  /**
   * Resolves link k of the document `scan` just validated (bytes: its bytes): null when it names a
   * present, acceptable block; otherwise what is wrong. The CID was decoded by the validator; the two
   * shapes every store link has (dag-json and raw sha2-256 CIDv1) are recognised without a parse.
   */
  resolveLink(scan: DagJsonScan, k: number, bytes: Uint8Array, paths: LinkPaths, parent?: () => string): LinkProblem | null {
    this.lastReached = -1;
    const n = scan.linkLength[k]!;
    const src = scan.linkBytes;
    const at = k * LINK_SLOT;
    if (n === 37 && src[at] === 0x01 && src[at + 1] === 0xa9 && src[at + 2] === 0x02 && src[at + 3] === 0x12 && src[at + 4] === 0x20) {
      return this.lookup(CODEC_DAG_JSON, src, at + 5, bytes, scan.linkStart[k]!, scan.linkEnd[k]!, paths, k, parent);
    }
    if (n === 36 && src[at] === 0x01 && src[at + 1] === 0x55 && src[at + 2] === 0x12 && src[at + 3] === 0x20) {
      return this.lookup(CODEC_RAW, src, at + 4, bytes, scan.linkStart[k]!, scan.linkEnd[k]!, paths, k, parent);
    }
    if (n > 0) {
      let parts: CidParts | string;
      try {
        parts = readCid(src, at, at + n);
        if (parts.length !== n) parts = `${textOf(bytes, scan.linkStart[k]!, scan.linkEnd[k]!)} has trailing bytes`;
        else parts = disallowedCidReason(parts) ?? parts;
      } catch (err) {
        parts = `${textOf(bytes, scan.linkStart[k]!, scan.linkEnd[k]!)} is not a CID: ${(err as Error).message.replace(/^CID at byte \d+: /, '')}`;
      }
      if (typeof parts === 'string')
        return { type: 'disallowed', cid: textOf(bytes, scan.linkStart[k]!, scan.linkEnd[k]!), path: paths.path(k), reason: parts };
      return this.lookup(parts.codec, src, parts.digestOffset, bytes, scan.linkStart[k]!, scan.linkEnd[k]!, paths, k, parent);
    }
    return this.resolve(bytes, scan.linkStart[k]!, scan.linkEnd[k]!, () => paths.path(k), parent);
  }

  private lookup(
    codec: number,
    digest: Uint8Array,
    at: number,
    bytes: Uint8Array,
    s: number,
    e: number,
    paths: LinkPaths,
    k: number,
    parent?: () => string,
  ): LinkProblem | null {
    const index = this.indexFor(codec);
    let id = index.find(digest, at);
    if (id < 0 && this.catchUp && !this.catchingUp) {
      // the catch-up reads blocks (and checks their links) itself: never re-entered
      this.catchingUp = true;
      const copy = digest.slice(at, at + 32);
      let added: boolean;
      try {
        added = this.catchUp();
      } finally {
        this.catchingUp = false;
      }
      if (added) id = index.find(copy, 0);
    }
    if (id < 0) {
      const cid = textOf(bytes, s, e);
      const copies = this.damaged.get(cid);
      if (copies) return { type: 'damaged', cid, path: paths.path(k), copy: copies[0]! };
      return { type: 'missing', cid, path: paths.path(k) };
    }
    if (this.markReached) this.reached(index, id, codec);
    if (codec !== CODEC_DAG_JSON) return null;
    if (parent) {
      this.pending.push({ parent: parent(), child: textOf(bytes, s, e), path: paths.path(k) });
      return null;
    }
    if (this.faults.size > 0) {
      const fault = this.faults.get(textOf(bytes, s, e));
      if (fault) return { ...fault, path: fault.path ? `${paths.path(k)}/${fault.path}` : paths.path(k) };
    }
    return null;
  }

  /**
   * Resolves the link whose CID text is bytes[s, e): null when it names a present, acceptable block;
   * otherwise what is wrong. `parent` (a dag-json block's CID) defers links to dag-json blocks whose own
   * content may not have been checked yet.
   */
  resolve(bytes: Uint8Array, s: number, e: number, path: () => string, parent?: () => string): LinkProblem | null {
    this.lastReached = -1;
    const parts = parseLinkText(bytes, s, e);
    if (typeof parts === 'string') return { type: 'disallowed', cid: textOf(bytes, s, e), path: path(), reason: parts };
    const index = this.indexFor(parts.codec);
    let id = index.find(linkScratch, parts.digestOffset);
    if (id < 0 && this.catchUp && !this.catchingUp) {
      // the catch-up reads blocks (and checks their links) itself: never re-entered
      this.catchingUp = true;
      const digest = linkScratch.slice(0, parts.digestOffset + 32);
      let added: boolean;
      try {
        added = this.catchUp();
      } finally {
        this.catchingUp = false;
      }
      if (added) id = index.find(digest, parts.digestOffset);
    }
    if (id < 0) {
      const cid = textOf(bytes, s, e);
      const copies = this.damaged.get(cid);
      if (copies) return { type: 'damaged', cid, path: path(), copy: copies[0]! };
      return { type: 'missing', cid, path: path() };
    }
    if (this.markReached) this.reached(index, id, parts.codec);
    if (parts.codec === CODEC_DAG_JSON && parent) {
      this.pending.push({ parent: parent(), child: textOf(bytes, s, e), path: path() });
      return null;
    }
    if (this.faults.size > 0 && parts.codec === CODEC_DAG_JSON) {
      const fault = this.faults.get(textOf(bytes, s, e));
      if (fault) return { ...fault, path: fault.path ? `${path()}/${fault.path}` : path() };
    }
    return null;
  }

  private reached(index: DigestIndex, id: EntryId, codec: number): void {
    if (index.mark(id)) return;
    this.lastReached = id;
    this.lastReachedCodec = codec;
  }

  /** Carries faults of dag-json blocks up to the dag-json blocks linking them (after pass 2). */
  finish(): void {
    for (let changed = true; changed && this.pending.length;) {
      changed = false;
      for (const p of this.pending) {
        const fault = this.faults.get(p.child);
        if (fault && !this.faults.has(p.parent)) {
          this.faults.set(p.parent, { ...fault, path: fault.path ? `${p.path}/${fault.path}` : p.path });
          changed = true;
        }
      }
    }
  }

  /** The failure for a problem met by `owner`, or null when that block's problem was reported already. */
  failure(problem: LinkProblem, owner: LinkOwner, missingKind: FailureKind): VerifyFailure | null {
    if (this.reported.has(problem.cid)) return null;
    this.reported.add(problem.cid);
    switch (problem.type) {
      case 'disallowed':
        return { kind: 'disallowed cid', ...owner, cid: problem.cid, detail: `link at ${problem.path}: ${problem.reason}` };
      case 'missing':
        return { kind: missingKind, ...owner, cid: problem.cid, detail: `link at ${problem.path} resolves to no stored block` };
      case 'damaged':
        problem.copy.reported = true;
        return {
          kind: problem.copy.problem.kind,
          ...problem.copy.where,
          log: owner.log,
          seq: owner.seq,
          cid: problem.cid,
          detail: `block linked at ${problem.path}: ${problem.copy.problem.detail}`,
        };
      case 'content':
        return {
          kind: 'non-canonical encoding',
          ...problem.where,
          log: owner.log,
          seq: owner.seq,
          cid: problem.cid,
          detail: `dag-json block linked at ${problem.path}: ${problem.detail}`,
        };
    }
  }

  /** Whether a damaged copy's CID was reported through a link already. */
  wasReported(cid: string): boolean {
    return this.reported.has(cid);
  }
}

function textOf(bytes: Uint8Array, s: number, e: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + s, e - s).toString('utf8');
}
