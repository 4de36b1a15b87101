/**
 * A store's block packs (FORMAT.md section 5.1) as verify reads them, streaming: pass 1 hashes every
 * section (every copy of every block) into the block table; pass 2, after the table is sealed, checks
 * the content of every dag-json block; a catch-up reads sections a live writer appended since.
 */
import { join } from 'node:path';
import { CODEC_DAG_JSON } from '../cid.js';
import { openPack, SectionFetcher, type SectionReader } from '../car/car-reader.js';
import { listPacks, storeReadError } from '../read/store-files.js';
import { cidText, type BlockTable } from './block-table.js';
import type { VerifyFailure, VerifyNote } from './failure.js';

export interface PackState {
  /** Store-relative path and the log that writes it. */
  file: string;
  /** Position among the store's packs (sorted by name). */
  pack: number;
  log: string;
  /** Where pass 1 stopped: the end of its whole sections (a torn or bad section starts here). */
  end: number;
  sections: number;
  /** The pack ends inside a section (a torn final write), from `end`, `length` bytes. */
  torn?: { section: number; offset: number; length: number };
  /** The pack cannot be read past some point that is not its tail. */
  failure?: VerifyFailure;
  /** Offsets of sections whose bytes do not match their CID (skipped by pass 2). */
  damaged: Set<number>;
}

export interface PackReadOptions {
  chunkSize?: number;
}

/**
 * A block's location in the table's indexes (when they keep locations): pack * PACK_LOCATION + the
 * section's byte offset; the section index is the entry's aux.
 */
export const PACK_LOCATION = 2 ** 40;

function view(buf: Uint8Array, start: number, end: number): Uint8Array {
  return buf.subarray(start, end);
}

/**
 * Reads sections until the end or a structural error and adds them to the table; `dagJson` collects
 * where the good dag-json ones are (a catch-up checks their content once all new sections are in).
 */
function readSections(reader: SectionReader, state: PackState, blocks: BlockTable, dagJson?: Array<{ offset: number; index: number }>): number {
  let added = 0;
  const f = reader.file;
  while (reader.next()) {
    const problem = blocks.add(
      reader.cid,
      f.buf,
      view(f.buf, reader.dataStart, reader.dataEnd),
      state.file,
      reader.index,
      reader.offset,
      state.pack * PACK_LOCATION + reader.offset,
      reader.index,
    );
    if (problem) state.damaged.add(reader.offset);
    else if (dagJson && reader.cid.codec === CODEC_DAG_JSON) dagJson.push({ offset: reader.offset, index: reader.index });
    added++;
    state.end = reader.next_;
    state.sections = reader.index + 1;
  }
  state.torn = undefined;
  state.failure = undefined;
  const e = reader.error;
  if (e) {
    const size = f.base + f.end;
    if (e.kind === 'truncated') state.torn = { section: e.section ?? state.sections, offset: e.offset, length: size - e.offset };
    else
      state.failure = { kind: 'modified', file: state.file, section: e.section, offset: e.offset, detail: `pack cannot be read past this point: ${e.message}` };
  }
  return added;
}

/** Pass 1 over every pack of the store (sorted by name). */
export function hashPacks(storeDir: string, blocks: BlockTable, options: PackReadOptions = {}): PackState[] {
  const states: PackState[] = [];
  for (const { log, file } of listPacks(storeDir)) {
    const state: PackState = { file, pack: states.length, log, end: 0, sections: 0, damaged: new Set() };
    let reader: SectionReader;
    try {
      reader = openPack(join(storeDir, file), { chunkSize: options.chunkSize });
      try {
        readSections(reader, state, blocks);
      } finally {
        reader.file.close();
      }
    } catch (err) {
      throw storeReadError(storeDir, file, err);
    }
    states.push(state);
  }
  return states;
}

/** Pass 2: the content of every good dag-json block read in pass 1 (the table must be sealed). */
export function checkPackContent(storeDir: string, states: readonly PackState[], blocks: BlockTable, options: PackReadOptions = {}): void {
  for (const state of states) {
    const reader = openPack(join(storeDir, state.file), { chunkSize: options.chunkSize });
    const f = reader.file;
    try {
      while (reader.next() && reader.next_ <= state.end) {
        if (reader.cid.codec !== CODEC_DAG_JSON || state.damaged.has(reader.offset)) continue;
        const cidStart = reader.cidStart;
        const cid = reader.cid;
        blocks.checkContent(f.buf, reader.dataStart, reader.dataEnd, () => cidText(f.buf, cidStart, cid.length), {
          file: state.file,
          section: reader.index,
          offset: reader.offset,
        });
      }
    } catch (err) {
      throw storeReadError(storeDir, state.file, err);
    } finally {
      f.close();
    }
  }
  blocks.finish();
}

/**
 * Reads what was appended to one pack since it was last read; true when blocks were added. `content`
 * false skips checking the new dag-json blocks (export: a check would mark what they link as reached).
 */
export function catchUpPack(storeDir: string, state: PackState, blocks: BlockTable, options: PackReadOptions = {}, content = true): boolean {
  let reader: SectionReader;
  try {
    reader = openPack(join(storeDir, state.file), { chunkSize: options.chunkSize, start: state.end }, state.sections);
  } catch {
    return false;
  }
  const dagJson: Array<{ offset: number; index: number }> = [];
  let added: number;
  try {
    added = readSections(reader, state, blocks, content ? dagJson : undefined);
  } finally {
    reader.file.close();
  }
  if (dagJson.length > 0) {
    const fetcher = new SectionFetcher(join(storeDir, state.file), { chunkSize: options.chunkSize });
    try {
      for (const at of dagJson) {
        if (!fetcher.at(at.offset, at.index)) continue;
        const r = fetcher.reader;
        blocks.checkContent(r.file.buf, r.dataStart, r.dataEnd, () => cidText(r.file.buf, r.cidStart, r.cid.length), {
          file: state.file,
          section: at.index,
          offset: at.offset,
        });
      }
    } finally {
      fetcher.close();
    }
  }
  if (added > 0) blocks.finish();
  return added > 0;
}

/**
 * Notes for packs that end inside a section. A log already recovered (`logs/<id>.recovered`) is never
 * recovered again, so its torn section stays: recovery was interrupted before cutting it, or the bytes
 * were written after it.
 */
export function tornPackNote(state: PackState, recovered = false): VerifyNote | undefined {
  if (!state.torn) return undefined;
  const what = `torn final section at byte ${state.torn.offset} (${state.torn.length} bytes)`;
  return {
    file: state.file,
    detail: recovered
      ? `${what} of a log already recovered: its recovery did not cut it (interrupted, or these bytes came after it) and no later open will; not part of the log`
      : `${what}: a write was cut short; the next store open records and cuts it`,
  };
}

/**
 * The first good copy of every block no link marked (the table must have been built with marks, and
 * every record's links resolved), by pack section. Reads the packs again only when there is one.
 */
export function unreachedBlocks(
  storeDir: string,
  states: readonly PackState[],
  blocks: BlockTable,
  options: PackReadOptions = {},
): Array<{ pack: PackState; section: number; offset: number; cid: string }> {
  const out: Array<{ pack: PackState; section: number; offset: number; cid: string }> = [];
  if (blocks.raw.unmarked().length === 0 && blocks.dagJson.unmarked().length === 0) return out;
  for (const state of states) {
    const reader = openPack(join(storeDir, state.file), { chunkSize: options.chunkSize });
    try {
      while (reader.next() && reader.next_ <= state.end) {
        if (state.damaged.has(reader.offset)) continue;
        const index = blocks.indexFor(reader.cid.codec);
        const id = index.find(reader.file.buf, reader.cid.digestOffset);
        // mark() says whether it was marked already: a reached block, or a copy reported before
        if (id < 0 || index.mark(id)) continue;
        out.push({ pack: state, section: reader.index, offset: reader.offset, cid: cidText(reader.file.buf, reader.cidStart, reader.cid.length) });
      }
    } catch (err) {
      throw storeReadError(storeDir, state.file, err);
    } finally {
      reader.file.close();
    }
  }
  return out;
}
