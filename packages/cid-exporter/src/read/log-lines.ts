/**
 * Streams the complete lines of a store's log file (FORMAT.md section 3: one record per line) through
 * a reused window. Bytes after the last newline are a torn tail, not a line.
 */
import { join } from 'node:path';
import { storePaths } from '../record.js';
import { ChunkedFile } from './chunked-file.js';
import { storeReadError } from './store-files.js';

/** Visits line `line` (1-based), whose bytes are bytes[start, end); return false to stop. */
export type LineVisitor = (bytes: Buffer, start: number, end: number, line: number) => boolean;

export interface LogLinesRead {
  /** Store-relative path of the log file. */
  file: string;
  exists: boolean;
  /** Complete lines visited. */
  lines: number;
  /** Bytes after the last newline (only when the whole file was read). */
  tornTail?: { offset: number; length: number };
}

export function forEachLogLine(storeDir: string, log: string, visit: LineVisitor, options: { chunkSize?: number } = {}): LogLinesRead {
  const file = storePaths.log(log);
  let f: ChunkedFile;
  try {
    f = ChunkedFile.open(join(storeDir, file), { chunkSize: options.chunkSize });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file, exists: false, lines: 0 };
    throw storeReadError(storeDir, file, err);
  }
  const out: LogLinesRead = { file, exists: true, lines: 0 };
  try {
    let stopped = false;
    while (f.nextLine()) {
      out.lines++;
      if (!visit(f.buf, f.lineStart, f.lineEnd, out.lines)) {
        stopped = true;
        break;
      }
    }
    if (!stopped && f.end > f.pos) out.tornTail = { offset: f.offset, length: f.end - f.pos };
  } catch (err) {
    throw storeReadError(storeDir, file, err);
  } finally {
    f.close();
  }
  return out;
}
