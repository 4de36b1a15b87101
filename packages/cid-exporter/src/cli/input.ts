/**
 * What a read command was pointed at: a store directory or a CAR export, decided before anything is
 * read, so that a missing path or a file that is neither is an input error (exit 2) naming the path,
 * never a verification failure.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { assertStore } from '../read/store-files.js';
import { UsageError } from './io.js';

export type InputKind = 'store' | 'car';

/** CARv1 header (https://ipld.io/specs/transport/car/carv1/#header): varint length, then a 2-entry CBOR map. */
const CBOR_MAP_OF_TWO = 0xa2;

/** True when the file starts as a CARv1 does: an unsigned varint length followed by a two-entry DAG-CBOR map. */
function startsLikeCar(file: string): boolean {
  const head = Buffer.alloc(11);
  let n: number;
  const fd = openSync(file, 'r');
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  let i = 0;
  let len = 0;
  for (let shift = 0; i < Math.min(n, 9); shift += 7) {
    const b = head[i++]!;
    len += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return len > 0 && i < n && head[i] === CBOR_MAP_OF_TWO;
  }
  return false;
}

/**
 * Classifies `path`: a store directory (it has logs/ or checkpoints/) or a CAR file (it starts with a
 * CARv1 header; a damaged body is for verify to report). Throws a UsageError naming the path otherwise.
 */
export function inputKind(path: string): InputKind {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`${path} does not exist (expected a store directory or a CAR export)`);
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  if (isDir) {
    try {
      assertStore(path);
    } catch {
      throw new UsageError(`${path} is not an llm-provenance store (no logs/ or checkpoints/ directory) nor a CAR export`);
    }
    return 'store';
  }
  let car: boolean;
  try {
    car = startsLikeCar(path);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  if (!car) throw new UsageError(`${path} is neither an llm-provenance store directory nor a CAR file`);
  return 'car';
}

/** Throws a UsageError unless the folder `file` would be written into exists. */
export function assertOutputFolder(file: string, option: string): void {
  const folder = dirname(resolve(file));
  let isDir = false;
  try {
    isDir = statSync(folder).isDirectory();
  } catch {
    // named below
  }
  if (!isDir) throw new UsageError(`${option} ${file}: output folder ${dirname(file)} does not exist`);
}
