/**
 * Finding DAG-JSON links (`{"/": "<cid>"}`) in decoded values and resolving them against known blocks,
 * recursively through dag-json blocks. Each block is judged once; later references to the same block
 * do not repeat its failure.
 */
import { base32Decode, CODEC_DAG_JSON } from '../cid.js';
import { decodeDagJson } from '../dag-json/index.js';
import { canonicalDagJson } from './canonical.js';
import { readBinaryCid } from './binary-cid.js';
import { disallowedCidReason } from './block-check.js';
import type { KnownBlock } from './block-source.js';
import type { VerifyFailure } from './failure.js';

export interface FoundLink {
  /** Dotted path of the link inside the value, e.g. `input` or `events.0.attributes.x`. */
  path: string;
  cid: string;
}

/** True for a DAG-JSON link object. */
export function isLink(value: unknown): value is { '/': string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '/' && typeof (value as Record<string, unknown>)['/'] === 'string';
}

/** All links in `value`, depth first, in key order. */
export function findLinks(value: unknown, path = '', out: FoundLink[] = []): FoundLink[] {
  if (isLink(value)) {
    out.push({ path, cid: value['/'] });
    return out;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => findLinks(v, path ? `${path}.${i}` : String(i), out));
  } else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) findLinks((value as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out);
  }
  return out;
}

/** Parses a CID string of any codec / hash into its parts, or returns why it cannot be read. */
export function parseCidString(text: string): { codec: number; hashCode: number; version: 0 | 1; digest: Uint8Array } | string {
  if (text.length < 2 || text[0] !== 'b') return `${JSON.stringify(text)} is not a base32 CIDv1 string`;
  try {
    const bytes = base32Decode(text.slice(1));
    const cid = readBinaryCid(bytes, 0);
    if (cid.bytes.length !== bytes.length) return `${text} has trailing bytes`;
    return cid;
  } catch (err) {
    return `${text} is not a CID: ${(err as Error).message}`;
  }
}

/** What a failure found while resolving links is attributed to: the record that links. */
export type LinkOwner = Pick<VerifyFailure, 'file' | 'line' | 'section' | 'offset' | 'log' | 'seq'>;

export class LinkResolver {
  /** CIDs already judged: true when fine. */
  private readonly judged = new Map<string, boolean>();

  constructor(private readonly blocks: ReadonlyMap<string, KnownBlock>) {}

  /** Marks every block reachable from a link as seen; returns the failures found on the way. */
  resolve(link: FoundLink, owner: LinkOwner, missingKind: VerifyFailure['kind'], seen?: Set<string>): VerifyFailure[] {
    const failures: VerifyFailure[] = [];
    this.visit(link, owner, missingKind, failures, seen, 0);
    return failures;
  }

  private visit(link: FoundLink, owner: LinkOwner, missingKind: VerifyFailure['kind'], failures: VerifyFailure[], seen: Set<string> | undefined, depth: number): void {
    seen?.add(link.cid);
    if (this.judged.has(link.cid)) return;
    this.judged.set(link.cid, false);
    const parsed = parseCidString(link.cid);
    const bad = typeof parsed === 'string' ? parsed : disallowedCidReason(parsed);
    if (bad) {
      failures.push({ kind: 'disallowed cid', ...owner, cid: link.cid, detail: `link at ${link.path}: ${bad}` });
      return;
    }
    const block = this.blocks.get(link.cid);
    if (!block) {
      failures.push({ kind: missingKind, ...owner, cid: link.cid, detail: `link at ${link.path} resolves to no stored block` });
      return;
    }
    if (block.problem) {
      failures.push({ kind: block.problem.kind, ...block.where, log: owner.log, seq: owner.seq, cid: link.cid, detail: `block linked at ${link.path}: ${block.problem.detail}` });
      return;
    }
    if (block.codec === CODEC_DAG_JSON) {
      let value: unknown;
      let text: string;
      try {
        text = Buffer.from(block.data.buffer, block.data.byteOffset, block.data.byteLength).toString('utf8');
        value = decodeDagJson(text);
      } catch (err) {
        failures.push({ kind: 'non-canonical encoding', ...block.where, log: owner.log, seq: owner.seq, cid: link.cid, detail: `dag-json block is not valid JSON: ${(err as Error).message}` });
        return;
      }
      if (canonicalDagJson(value) !== text) {
        failures.push({ kind: 'non-canonical encoding', ...block.where, log: owner.log, seq: owner.seq, cid: link.cid, detail: 'dag-json block does not re-encode to its stored bytes' });
        return;
      }
      if (depth < 64) {
        for (const child of findLinks(value)) {
          this.visit({ path: `${link.path}/${child.path}`, cid: child.cid }, owner, missingKind, failures, seen, depth + 1);
        }
      }
    }
    this.judged.set(link.cid, true);
  }
}
