/**
 * The pack sections of one append (FORMAT.md 5.1: `uvarint(len(cid) + len(block)) || cid || block`, a
 * block at most once per pack), written into one buffer. Text blocks are hashed as strings and written
 * straight into the buffer: no Buffer per block. A record that fails part-way is rolled back with
 * {@link PackBatch.mark} and {@link PackBatch.rollback}, so none of its blocks stays in the pack.
 */
import { CID, cidTextAt, writeCid } from '../cid.js';
import { sha256Text } from '../sha256.js';
import { varintLength, writeVarint } from '../varint.js';
import type { BlockSet } from './block-set.js';
import { ByteBatch } from './byte-batch.js';
import type { BlockInput } from './record-input.js';

export class PackBatch {
  readonly bytes: ByteBatch;
  private markPos = 0;
  private markKnown = 0;
  private readonly recent: BlockInput[] = [];

  constructor(
    private readonly known: BlockSet,
    buf: Buffer,
  ) {
    this.bytes = new ByteBatch(buf);
  }

  /** Stores the UTF-8 bytes of `text` (well-formed) as a block of `codec` unless the pack has it. */
  putText(codec: number, text: string): CID {
    const digest = sha256Text(text);
    const b = this.bytes;
    // The section is `length || CID || text`; the length is known only once the text is encoded, so the
    // CID and text are written after a 2-byte length (blocks of 92 B to 16 KB) and moved in the rare
    // other case. Room for the longest length and the most bytes UTF-8 can need is made first.
    b.ensure(10 + 64 + text.length * 3);
    const start = b.pos;
    const at = start + 2;
    // The CID's bytes are made once, in place: the duplicate check and the string form read them there.
    const n = writeCid(b.buf, at, codec, digest);
    const cid = new CID(codec, digest, cidTextAt(b.buf, at, n));
    if (!this.known.add(codec, b.buf, at + n - 32)) return cid;
    const textBytes = b.buf.write(text, at + n, 'utf8');
    const length = n + textBytes;
    const lengthBytes = varintLength(length);
    if (lengthBytes !== 2) b.buf.copyWithin(start + lengthBytes, at, at + length);
    writeVarint(b.buf, start, length);
    b.pos = start + lengthBytes + length;
    return cid;
  }

  /** Stores a block whose CID is known unless the pack has it. */
  put(block: BlockInput): CID {
    const cid = block.cid;
    // Blocks put again and again (resource, system prompt, params) are recognised by identity within
    // the append, without a lookup in the log's block set.
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) if (recent[i] === block) return cid;
    if (recent.length < 16) recent.push(block);
    const b = this.bytes;
    const length = cid.byteLength + block.bytes.length;
    b.ensure(10 + length);
    const start = b.pos;
    const at = start + varintLength(length);
    const n = cid.copyBytesTo(b.buf, at);
    if (!this.known.add(cid.code, b.buf, at + n - 32)) return cid;
    writeVarint(b.buf, start, length);
    b.buf.set(block.bytes, at + n);
    b.pos = at + length;
    return cid;
  }

  /** Remembers where the current record's sections start. */
  mark(): void {
    this.markPos = this.bytes.pos;
    this.markKnown = this.known.size;
  }

  /** Takes out every section written since {@link mark}. */
  rollback(): void {
    this.bytes.pos = this.markPos;
    this.known.truncate(this.markKnown);
    this.recent.length = 0;
  }

  /** The sections written, or null when there are none. */
  view(): Buffer | null {
    return this.bytes.pos > 0 ? this.bytes.view(0) : null;
  }
}
