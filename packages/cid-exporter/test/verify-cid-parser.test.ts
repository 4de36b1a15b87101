/**
 * The package's one varint reader and one binary CID parser (src/cid.ts: decodeVarint, readCid,
 * base32DecodeBytes), which every reader uses for pack and CAR sections and links, cross-checked with
 * multiformats on generated CIDs of every version, codec and hash function.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CID as MfCID, varint } from 'multiformats';
import { base32 } from 'multiformats/bases/base32';
import { create as createDigest } from 'multiformats/hashes/digest';
import { base32DecodeBytes, decodeVarint, readCid, VarintError } from '@llm-provenance/cid-exporter';

const cids = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 2 ** 20 }), fc.uint8Array({ minLength: 0, maxLength: 80 }))
    .map(([codec, hash, digest]) => MfCID.createV1(codec, createDigest(hash, digest))),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((d) => MfCID.createV0(createDigest(0x12, d))),
);

describe('decodeVarint', () => {
  it('reads what multiformats writes, and says whether the bytes ended inside a varint', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.uint8Array({ maxLength: 4 }), (n, tail) => {
        const bytes = Uint8Array.from([...varint.encodeTo(n, new Uint8Array(varint.encodingLength(n))), ...tail]);
        expect(decodeVarint(bytes, 0)).toEqual([n, varint.encodingLength(n)]);
        for (let cut = 0; cut < varint.encodingLength(n); cut++) {
          expect(() => decodeVarint(bytes, 0, cut)).toThrow(VarintError);
          try {
            decodeVarint(bytes, 0, cut);
          } catch (err) {
            expect((err as VarintError).truncated).toBe(true);
          }
        }
      }),
    );
  });

  it('rejects non-minimal and over-long varints as malformed, not truncated', () => {
    for (const bytes of [[0x80, 0x00], [0xff, 0x80, 0x00], Array(10).fill(0xff)]) {
      let error: unknown;
      try {
        decodeVarint(Uint8Array.from(bytes), 0);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(VarintError);
      expect((error as VarintError).truncated).toBe(false);
    }
  });
});

describe('readCid', () => {
  it('parses every binary CID as multiformats does, at any offset, without copying', () => {
    fc.assert(
      fc.property(cids, fc.uint8Array({ maxLength: 5 }), fc.uint8Array({ maxLength: 5 }), (cid, head, tail) => {
        const bytes = Uint8Array.from([...head, ...cid.bytes, ...tail]);
        const p = readCid(bytes, head.length);
        const [again] = MfCID.decodeFirst(bytes.subarray(head.length));
        expect({ version: p.version, codec: p.codec, hashCode: p.hashCode, length: p.length }).toEqual({
          version: again.version,
          codec: again.code,
          hashCode: again.multihash.code,
          length: cid.bytes.length,
        });
        expect(Array.from(bytes.subarray(p.digestOffset, p.digestOffset + p.digestLength))).toEqual(Array.from(again.multihash.digest));
      }),
      { numRuns: 500 },
    );
  });

  it('reports a CID cut short as truncated', () => {
    fc.assert(
      fc.property(cids, fc.nat(), (cid, n) => {
        const cut = n % cid.bytes.length;
        let error: unknown;
        try {
          readCid(cid.bytes, 0, cut);
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(VarintError);
        expect((error as VarintError).truncated).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('base32DecodeBytes', () => {
  it('decodes the base32 text of CIDs in place, and rejects non-canonical text', () => {
    fc.assert(
      fc.property(
        cids.filter((c) => c.version === 1),
        (cid) => {
          const text = Buffer.from(cid.toString(base32), 'latin1');
          const out = new Uint8Array(200);
          const n = base32DecodeBytes(text, 1, text.length, out, 3);
          expect(Array.from(out.subarray(3, 3 + n))).toEqual(Array.from(cid.bytes));
          // an upper-case letter, a padding '=' or non-zero spare bits are not canonical base32
          const upper = Buffer.from(text);
          upper[1] = upper[1]! >= 0x61 ? upper[1]! - 0x20 : 0x41;
          expect(base32DecodeBytes(upper, 1, upper.length, out, 0)).toBe(-1);
          expect(base32DecodeBytes(Buffer.concat([text, Buffer.from('=')]), 1, text.length + 1, out, 0)).toBe(-1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
