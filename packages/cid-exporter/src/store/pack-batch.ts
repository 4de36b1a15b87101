/**
 * The pack sections of one append (FORMAT.md 5.1: `uvarint(len(cid) + len(block)) || cid || block`, a
 * block at most once per pack), written into one buffer. A block's bytes are written straight into the
 * buffer where the section will hold them ({@link PackBatch.begin}), hashed there, and the CID is put in
 * front ({@link PackBatch.end}); a block the pack already holds is taken back out. No string or Buffer
 * per block. A record that fails part-way is rolled back with {@link PackBatch.mark} and
 * {@link PackBatch.rollback}, so none of its blocks stays in the pack.
 */
import { CID, cidLength, writeCid } from '../cid.js';
import { sha256Text } from '../sha256.js';
import { varintLength, writeVarint } from '../varint.js';
import type { BlockSet } from './block-set.js';
import { ByteBatch } from './byte-batch.js';
import type { BlockInput } from './record-input.js';

/**
 * Bytes reserved for the section length: 2 covers sections of 128 B to 16 KB (the CID alone is 36-37
 * bytes, so only blocks under ~92 B or over 16 KB need the section moved once their length is known).
 */
const LENGTH_BYTES = 2;

export class PackBatch {
  readonly bytes: ByteBatch;
  private markPos = 0;
  private markKnown = 0;
  private readonly recent: BlockInput[] = [];
  /** The block being written: its codec, where its section starts and where its bytes start. */
  private codec = 0;
  private sectionStart = -1;
  private dataStart = 0;

  constructor(
    private readonly known: BlockSet,
    buf: Buffer,
  ) {
    this.bytes = new ByteBatch(buf);
  }

  /**
   * Starts a block of `codec`: write its bytes into the returned batch, then call {@link end}. One block
   * at a time.
   */
  begin(codec: number): ByteBatch {
    if (this.sectionStart >= 0) throw new Error('PackBatch: a block is already being written');
    const b = this.bytes;
    const n = cidLength(codec);
    b.ensure(LENGTH_BYTES + n);
    this.codec = codec;
    this.sectionStart = b.pos;
    this.dataStart = b.pos + LENGTH_BYTES + n;
    b.pos = this.dataStart;
    return b;
  }

  /** Ends the block begun last: hashes the bytes written since, keeps the section unless the pack has it; its CID. */
  end(): CID {
    const b = this.bytes;
    const codec = this.codec;
    const start = this.sectionStart;
    const dataStart = this.dataStart;
    this.sectionStart = -1;
    const digest = sha256Text(b.buf.subarray(dataStart, b.pos));
    const cidAt = start + LENGTH_BYTES;
    const n = writeCid(b.buf, cidAt, codec, digest);
    const cid = new CID(codec, digest);
    if (!this.known.add(codec, b.buf, cidAt + n - 32)) {
      b.pos = start;
      return cid;
    }
    const length = b.pos - cidAt;
    const lengthBytes = varintLength(length);
    if (lengthBytes !== LENGTH_BYTES) {
      b.ensure(lengthBytes);
      b.buf.copyWithin(start + lengthBytes, cidAt, b.pos);
      b.pos = start + lengthBytes + length;
    }
    writeVarint(b.buf, start, length);
    return cid;
  }

  /** Stores the UTF-8 bytes of `text` (lone surrogates become U+FFFD) as a block of `codec` unless the pack has it. */
  putText(codec: number, text: string): CID {
    this.begin(codec).writeUtf8(text);
    return this.end();
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
    b.pos = at + n;
    b.bytes(block.bytes);
    return cid;
  }

  /** Remembers where the current record's sections start. */
  mark(): void {
    this.markPos = this.bytes.pos;
    this.markKnown = this.known.size;
  }

  /** Takes out every section written since {@link mark}. */
  rollback(): void {
    this.sectionStart = -1;
    this.bytes.pos = this.markPos;
    this.known.truncate(this.markKnown);
    this.recent.length = 0;
  }

  /** The sections written, or null when there are none. */
  view(): Buffer | null {
    return this.bytes.pos > 0 ? this.bytes.view(0) : null;
  }
}
