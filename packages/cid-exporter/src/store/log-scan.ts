/**
 * Reads a log file and checks every complete line: canonical DAG-JSON, `log` id, `seq` = index, `prev` =
 * CID of the previous line. Used by recovery (and usable by readers).
 */
import { dagJsonCid, type CID } from '../cid.js';
import { isCanonicalDagJson, parseJson } from '../dag-json/decode.js';

export interface LogLine {
  /** The line bytes without newline. */
  bytes: Buffer;
  cid: CID;
  /** Byte offset of the line start. */
  offset: number;
}

export interface LogScan {
  lines: LogLine[];
  /** Byte length of the complete lines including their newlines. */
  completeLength: number;
  /** Bytes after the last newline, if any. */
  tornTail: { offset: number; length: number } | null;
  /** First damaged complete line (1-based) and why; lines after it are not checked. */
  damage: { line: number; offset: number; reason: string } | null;
}

export function scanLog(buf: Buffer, logId: string): LogScan {
  const lines: LogLine[] = [];
  const lastNl = buf.lastIndexOf(0x0a);
  const completeLength = lastNl + 1;
  const tornTail = completeLength < buf.length ? { offset: completeLength, length: buf.length - completeLength } : null;
  let pos = 0;
  let prev: CID | null = null;
  while (pos < completeLength) {
    const nl = buf.indexOf(0x0a, pos);
    const bytes = buf.subarray(pos, nl);
    const lineNo = lines.length + 1;
    const fail = (reason: string): LogScan => ({ lines, completeLength, tornTail, damage: { line: lineNo, offset: pos, reason } });
    if (!isCanonicalDagJson(bytes)) return fail('not canonical DAG-JSON');
    const rec = parseJson(bytes.toString('utf8')) as { log?: unknown; seq?: unknown; prev?: unknown };
    if (rec.log !== logId) return fail(`log is ${JSON.stringify(rec.log)}, expected ${JSON.stringify(logId)}`);
    if (rec.seq !== lines.length) return fail(`seq is ${JSON.stringify(rec.seq)}, expected ${lines.length}`);
    const prevStr = rec.prev === null ? null : (rec.prev as { '/'?: unknown })?.['/'];
    const expected = prev === null ? null : prev.toString();
    if (prevStr !== expected) return fail(`prev is ${JSON.stringify(prevStr)}, expected ${JSON.stringify(expected)}`);
    const cid = dagJsonCid(bytes);
    lines.push({ bytes, cid, offset: pos });
    prev = cid;
    pos = nl + 1;
  }
  return { lines, completeLength, tornTail, damage: null };
}
