/**
 * Blocks a verifier can resolve links against: a store's pack files, or the sections of a CAR.
 * Every block is hash-checked once when loaded; a block whose bytes do not match keeps its `problem`
 * so the record that links it can report it as `modified` at the block's own location.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { base32Encode } from '../cid.js';
import { blockProblem, type BlockProblem } from './block-check.js';
import type { CarSection } from './car-reader.js';
import { parseSections } from './car-reader.js';
import type { VerifyFailure, VerifyNote } from './failure.js';

export interface BlockLocation {
  file: string;
  section: number;
  offset: number;
}

export interface KnownBlock {
  cid: string;
  codec: number;
  data: Uint8Array;
  where: BlockLocation;
  /** Set when the bytes do not match the CID or the CID is not allowed. */
  problem?: BlockProblem;
}

/** CID string (multibase base32) of a binary CID, whatever its codec. */
export function cidString(bytes: Uint8Array): string {
  return 'b' + base32Encode(bytes);
}

/** Indexes sections by CID string; a good copy wins over a damaged one. */
export function indexSections(file: string, sections: readonly CarSection[], into: Map<string, KnownBlock>): KnownBlock[] {
  const damaged: KnownBlock[] = [];
  for (const s of sections) {
    const block: KnownBlock = {
      cid: cidString(s.cid.bytes),
      codec: s.cid.codec,
      data: s.data,
      where: { file, section: s.index, offset: s.offset },
    };
    const problem = blockProblem(s.cid, s.data);
    if (problem) {
      block.problem = problem;
      damaged.push(block);
    }
    const existing = into.get(block.cid);
    if (!existing || (existing.problem && !block.problem)) into.set(block.cid, block);
  }
  return damaged;
}

export interface PackSet {
  blocks: Map<string, KnownBlock>;
  /** Blocks whose bytes do not match their CID, in pack order. */
  damaged: KnownBlock[];
  /** A pack that cannot be parsed past some point (not at its tail). */
  failures: VerifyFailure[];
  notes: VerifyNote[];
  /** Packs that end inside a section (a torn final write), with where that section starts. */
  torn: Array<{ file: string; section: number; offset: number; length: number }>;
  packs: number;
}

/** Loads every `blocks/*.blocks` pack of a store (FORMAT.md section 5.1). */
export function loadPacks(storeDir: string): PackSet {
  const dir = join(storeDir, 'blocks');
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.blocks')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const set: PackSet = { blocks: new Map(), damaged: [], failures: [], notes: [], torn: [], packs: names.length };
  for (const name of names) {
    const file = join('blocks', name);
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(dir, name));
    } catch (err) {
      throw new Error(`cannot read ${file} in store ${storeDir}: ${(err as Error).message}`);
    }
    const { sections, error } = parseSections(bytes, 0);
    set.damaged.push(...indexSections(file, sections, set.blocks));
    if (error) {
      if (error.kind === 'truncated') {
        set.torn.push({ file, section: error.section ?? sections.length, offset: error.offset, length: bytes.length - error.offset });
        set.notes.push({ file, detail: `torn final section at byte ${error.offset} (${bytes.length - error.offset} bytes): a write was cut short; the next store open records and cuts it` });
      } else {
        set.failures.push({ kind: 'modified', file, section: error.section, offset: error.offset, detail: `pack cannot be read past this point: ${error.message}` });
      }
    }
  }
  return set;
}
